"""A deploy check: the application's database role must not be able to switch the audit trail off.

A superuser, or the owner of ``audit_event``, may disable its triggers or drop the table, so an account that
is taken over could rewrite history. Tagged ``database``: Django runs it only when asked to look at a
database (``manage.py check --deploy --database default``), because the dev stack and CI connect as the
cluster's superuser on purpose (they create databases and roles); production must not."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning
from django.db import connections


@register(Tags.database, Tags.security, deploy=True)
def database_role_cannot_bypass_the_audit(
    app_configs: Any, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Warn when the connection's role is a superuser (audit.W001) or owns the audit table (audit.W002)."""
    messages: list[CheckMessage] = []
    for alias in databases or ():
        with connections[alias].cursor() as cursor:
            cursor.execute(
                "SELECT r.rolsuper, pg_has_role(current_user, c.relowner, 'USAGE')"
                " FROM pg_roles r LEFT JOIN pg_class c ON c.oid = to_regclass('audit_event')"
                " WHERE r.rolname = current_user"
            )
            superuser, owner = cursor.fetchone() or (False, False)
        if superuser:
            messages.append(
                CheckWarning(
                    f"The database role of {alias!r} is a superuser: it can disable the audit triggers.",
                    hint="Connect as a role without SUPERUSER that does not own audit_event.",
                    id="audit.W001",
                )
            )
        elif owner:
            messages.append(
                CheckWarning(
                    f"The database role of {alias!r} owns audit_event: it can drop the trail or its triggers.",
                    hint="Give audit_event (and the migrations) to another role; the app needs INSERT and SELECT.",
                    id="audit.W002",
                )
            )
    return messages
