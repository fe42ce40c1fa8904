"""Rate limits per token (or per signed-in user), with ``Retry-After`` on the 429.

A fixed-window counter in the cache: one small integer per caller and window. DRF's SimpleRateThrottle
keeps the time of every request in the window as a list it reads and writes back whole on each request,
which at an external system's rates means tens of kilobytes through Redis per call."""

from __future__ import annotations

import math
import time
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from apps.accounts.models import ApiToken

DURATIONS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class PerCallerThrottle(BaseThrottle):
    scope = "caller"

    def __init__(self) -> None:
        self.retry_after = 0.0

    def rate(self) -> tuple[int, int]:
        """(requests, seconds), read at request time so a deployment (or a test) can change it."""
        rates = cast(dict[str, dict[str, str]], settings.REST_FRAMEWORK)["DEFAULT_THROTTLE_RATES"]
        count, period = rates[self.scope].split("/")
        return int(count), DURATIONS[period[0]]

    def key(self, ident: str, window: int) -> str:
        return f"throttle:{self.scope}:{ident}:{window}"

    def allow_request(self, request: Request, view: Any) -> bool:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        limit, duration = self.rate()
        now = time.time()
        window = int(now // duration)
        key = self.key(ident, window)
        cache.add(key, 0, timeout=duration + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # the window's key expired between add and incr: this is its first request
            count = 1
        if count <= limit:
            return True
        self.retry_after = (window + 1) * duration - now
        return False

    def wait(self) -> float:
        return max(1, math.ceil(self.retry_after))
