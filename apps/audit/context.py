"""Attributing database changes to a person and a source for the audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.sources.models import Source


def attribute(*, actor: User | None, source: Source | None = None, reason: str = "") -> None:
    """Tell the audit triggers who is changing data, from which source and why, for the rest of the
    current transaction. Call it inside ``transaction.atomic``; outside one the setting dies with the
    statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pqctrack.actor_id', %s, true), set_config('pqctrack.source_id', %s, true),"
            " set_config('pqctrack.reason', %s, true)",
            [
                "" if actor is None else str(actor.pk),
                "" if source is None else str(source.pk),
                reason[:500],
            ],
        )
