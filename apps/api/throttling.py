"""Rate limits per token (or per signed-in user), with ``Retry-After`` on the 429.

A fixed-window counter in the cache: one small integer per caller and window. DRF's SimpleRateThrottle
keeps the time of every request in the window as a list it reads and writes back whole on each request,
which at an external system's rates means tens of kilobytes through Redis per call.

When the shared cache cannot be reached the counter moves to this process's memory (the ``local`` cache):
each process then allows the limit on its own, so the API keeps answering, somewhat more generously,
instead of failing every request."""

from __future__ import annotations

import math
import time
from typing import Any, cast

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from apps.accounts.models import ApiToken
from apps.core.breaker import Breaker

DURATIONS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

shared_cache = Breaker("the shared cache", "API rate limits are counted per process until it is back")


def _count(cache: BaseCache, key: str, duration: int) -> int:
    """Count one more request in the window ``key``; the count including this one."""
    if isinstance(cache, RedisCache):
        return _count_in_redis(cache, key, duration)
    cache.add(key, 0, timeout=duration + 1)
    try:
        return cache.incr(key)
    except ValueError:  # the window's key expired between add and incr: this is its first request
        return 1


def _count_in_redis(cache: RedisCache, key: str, duration: int) -> int:
    """``_count`` in one round trip: INCR creates the counter at 1 if need be, EXPIRE NX gives a new one its
    lifetime and leaves a running one's alone. The key is the cache's own (prefix, version), so
    ``cache.get``/``cache.delete`` see the same counter (the cache stores integers as plain integers)."""
    name = cache.make_and_validate_key(key)
    client = cache._cache.get_client(name, write=True)
    pipeline = client.pipeline(transaction=False)
    pipeline.incr(name)
    pipeline.expire(name, duration + 1, nx=True)
    count, _ = pipeline.execute()
    return int(count)


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
        count = shared_cache.call(
            lambda: _count(caches["default"], key, duration),
            errors=(RedisError,),
            fallback=lambda: _count(caches["local"], key, duration),
        )
        if count <= limit:
            return True
        self.retry_after = (window + 1) * duration - now
        return False

    def wait(self) -> float:
        return max(1, math.ceil(self.retry_after))
