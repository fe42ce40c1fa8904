"""What a caller may do through the API before any service is asked. Role and nation rules live in the
services (``apps.accounts.permissions``); here only the token's scopes narrow them further, and the nations a
write token names are handed to the services, which enforce them."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from apps.accounts.models import ApiToken, TokenScope


def token_scope_needed(view: Any, method: str) -> str | None:
    """The scope a token needs to call ``view`` with ``method``: ``read`` for reads; for writes the view's
    ``write_scope`` (``write`` for national data, ``catalogue``, ``triage``), None where no token may write
    (administrators' writes: an administrator holds no token)."""
    if method in permissions.SAFE_METHODS:
        return TokenScope.READ
    scope: str | None = getattr(view, "write_scope", TokenScope.WRITE)
    return scope


class TokenScopes(permissions.BasePermission):
    """A token needs the scope ``token_scope_needed`` names. Session users are limited by their role alone,
    in the services."""

    message = "This token's scopes do not allow that."

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        scope = token_scope_needed(view, request.method or "GET")
        if scope is None:
            self.message = "No token may do this: sign in as an administrator."
            return False
        self.message = f"This token's scopes do not allow that (it needs the {scope} scope)."
        return token.has_scope(scope)


def token_write_nations(request: Request) -> frozenset[int] | None:
    """The nations the caller's token may write for (the services enforce it), or None for a session."""
    token = request.auth
    if not isinstance(token, ApiToken):
        return None
    return frozenset(token.write_nations.values_list("id", flat=True))
