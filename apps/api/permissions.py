"""What a caller may do through the API before any service is asked. Role and nation rules live in the
services (``apps.accounts.permissions``); here only the token's scopes narrow them further."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from apps.accounts.models import ApiToken, TokenScope
from apps.core.exceptions import NotPermitted
from apps.nations.models import Nation


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


def ensure_token_may_write_nation(request: Request, nation: Nation) -> None:
    """A write token names the nations it may write for; its owner's own rights are checked by the service."""
    token = request.auth
    if isinstance(token, ApiToken) and not token.write_nations.filter(pk=nation.pk).exists():
        raise NotPermitted(f"This token may not write for {nation.code}.")
