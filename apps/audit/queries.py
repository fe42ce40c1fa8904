"""Reading the audit trail: what a table's rows were at a moment, for "as known on" questions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Max

from apps.audit.models import AuditEvent


def rows_as_recorded(table: str, moment: datetime) -> list[dict[str, Any]]:
    """Each row of ``table`` as it stood at ``moment`` according to the trail: its newest captured state by
    then. Rows not yet written, or deleted by then, are left out, and so is everything before the last
    ``TRUNCATE`` by then. Two queries."""
    events = AuditEvent.objects.filter(table_name=table, occurred_at__lte=moment)
    truncated = events.filter(operation="TRUNCATE").aggregate(at=Max("occurred_at"))["at"]
    if truncated is not None:
        events = events.filter(occurred_at__gt=truncated)
    latest = (
        events.exclude(row_id=None)
        .order_by("row_id", "-occurred_at", "-id")
        .distinct("row_id")
        .values_list("operation", "new_data")
    )
    return [data for operation, data in latest if operation != "DELETE" and data is not None]
