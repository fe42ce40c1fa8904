"""Rate limits per token (or per signed-in user). DRF adds ``Retry-After`` to the 429."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from apps.accounts.models import ApiToken


class PerCallerThrottle(SimpleRateThrottle):
    scope = "caller"

    def get_rate(self) -> str | None:
        # Read at request time rather than import time, so a deployment (or a test) can change it.
        rates = cast(dict[str, dict[str, str]], settings.REST_FRAMEWORK)["DEFAULT_THROTTLE_RATES"]
        return rates[self.scope]

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
