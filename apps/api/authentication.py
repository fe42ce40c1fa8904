"""Bearer tokens for external systems. The token acts as its owning user; its scopes narrow that further
(see ``apps.api.permissions``)."""

from __future__ import annotations

import functools
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from apps.accounts.models import ApiToken, User, clearance_subquery
from apps.accounts.services import token_digest, token_mark_used

#: ``last_used_at`` is written at most this often per token, so reads do not each cost a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@functools.lru_cache(maxsize=2)
def _tokens_with_clearance(day: date) -> QuerySet[ApiToken]:
    """Tokens with their owner and the owner's clearance on ``day``, built once a day per process: building
    the clearance subquery cost more than running the whole query (it is never evaluated itself; ``filter``
    gives each request its own copy). Unordered: the digest is unique."""
    return (
        ApiToken.objects.select_related("user").annotate(cleared=clearance_subquery("user__nation_id", day)).order_by()
    )


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the token as 'Authorization: Bearer <token>'.")
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token is not valid.") from None
        today = timezone.localdate()
        token = next(iter(_tokens_with_clearance(today).filter(digest=token_digest(raw))), None)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token is not valid.")
        if not token.user.may_hold_token:
            raise exceptions.AuthenticationFailed("The token's owner may no longer hold a token.")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("The token has been revoked.")
        now = timezone.now()
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed("The token has expired.")
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            token_mark_used(token=token, at=now)
        # Releasability asks for the clearance on nearly every read (``cleared``: ``_tokens_with_clearance``).
        token.user.primed_clearance(today, token.cleared)  # type: ignore[attr-defined]
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'
