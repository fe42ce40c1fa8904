"""What a caller may do through the API before any service is asked. Role and nation rules live in the
services (``apps.accounts.permissions``); here only the token's scopes narrow them further, and the nations a
write token names are handed to the services, which enforce them."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from apps.accounts.models import ApiToken, TokenScope


class TokenScopes(permissions.BasePermission):
    """A token reads with ``read``; it writes with the view's ``write_scope`` (``write`` unless the action
    says ``triage``). Session users are limited by their role alone, in the services."""

    message = "This token's scopes do not allow that."

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        if request.method in permissions.SAFE_METHODS:
            return token.has_scope(TokenScope.READ)
        return token.has_scope(getattr(view, "write_scope", TokenScope.WRITE))


def token_write_nations(request: Request) -> frozenset[int] | None:
    """The nations the caller's token may write for (the services enforce it), or None for a session."""
    token = request.auth
    if not isinstance(token, ApiToken):
        return None
    return frozenset(token.write_nations.values_list("id", flat=True))
