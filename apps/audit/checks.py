"""``check --deploy --database default``: the application's database role must not be able to rewrite the
audit trail. The triggers refuse changes to ``audit_event`` for every role, but a superuser, or the table's
owner, can disable them (or drop the table); production connects with a role that is neither (README)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core import checks
from django.db import connections

SUPERUSER = "pqctrack.audit.W001"
OWNER = "pqctrack.audit.W002"


def role_warnings(cursor: Any) -> list[checks.CheckMessage]:
    """What is wrong with the role ``cursor`` connects as (``current_user``), for the audit trail."""
    cursor.execute(
        "SELECT r.rolsuper, t.tableowner = current_user FROM pg_roles r "
        "LEFT JOIN pg_tables t ON t.schemaname = current_schema() AND t.tablename = 'audit_event' "
        "WHERE r.rolname = current_user"
    )
    superuser, owner = cursor.fetchone()
    found: list[checks.CheckMessage] = []
    if superuser:
        found.append(
            checks.Warning(
                "The application connects to PostgreSQL as a superuser, which can disable the audit triggers.",
                hint="Serve with a role that is not a superuser; run migrations with the schema owner's role.",
                id=SUPERUSER,
            )
        )
    if owner:
        found.append(
            checks.Warning(
                "The application's database role owns audit_event, so it can disable its triggers or drop it.",
                hint="Let a separate migration role own the schema (README, 'Running in production').",
                id=OWNER,
            )
        )
    return found


@checks.register(checks.Tags.security, checks.Tags.database, deploy=True)
def database_role_cannot_rewrite_the_audit_trail(
    app_configs: Any = None, databases: Iterable[str] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    for alias in databases or ():
        with connections[alias].cursor() as cursor:
            found += role_warnings(cursor)
    return found
