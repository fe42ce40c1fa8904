"""The I/O floors ``benchmarks.gaps`` sets the full sweep against: the time to read every input (the snapshot)
and write the sweep's findings and their events, evaluating no rule. The old floor's transaction is rolled
back; the ``COPY`` floor commits (see ``copy_floor``).

- ``bulk_create_floor``: findings of realistic size written through the ORM's ``bulk_create`` (the old,
  generous floor, kept for comparison);
- ``copy_floor``: the very rows the sweep wrote, written again with PostgreSQL ``COPY`` (psycopg 3's
  ``cursor.copy``) into emptied tables, as the first sweep wrote into empty ones, and committed as the
  sweep commits: the physical floor."""

from __future__ import annotations

import time
from typing import Any


class _Rollback(Exception):
    pass


def bulk_create_floor(findings: int) -> float:
    """Read every input, then bulk-write ``findings`` findings and as many events, evaluating nothing."""
    from django.db import transaction
    from django.utils import timezone

    from apps.gaps.models import Finding, FindingEvent
    from apps.gaps.snapshot import load_snapshot

    start = time.perf_counter()
    try:
        with transaction.atomic():
            load_snapshot(timezone.localdate())
            now = timezone.now()
            rows = Finding.objects.bulk_create(
                (
                    Finding(
                        key=f"floor:{i}",
                        rule="qkd_divergence",
                        severity="medium",
                        score=50,
                        years_left=9,
                        title=f"Floor finding {i} between two nations, with a title of realistic length",
                        explanation="A plain-language explanation of realistic length. " * 6,
                        evidence=[{"model": "positions.position", "id": i, "label": "XX position (all)"}] * 2,
                        shared_coalitions=["WORLD"],
                        fingerprint="0" * 64,
                        first_seen_at=now,
                        last_seen_at=now,
                    )
                    for i in range(findings)
                ),
                batch_size=2000,
            )
            FindingEvent.objects.bulk_create(
                (FindingEvent(finding=f, kind="opened", to_status="open") for f in rows), batch_size=5000
            )
            elapsed = time.perf_counter() - start
            raise _Rollback
    except _Rollback:
        pass
    return elapsed


def _columns(model: Any) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if not f.primary_key]


def copy_floor() -> float:
    """Read every input, then write the stored findings and their events again with ``COPY`` into the
    emptied tables (``TRUNCATE`` in the same transaction), with new ids drawn from the sequences as the
    sweep draws them, and commit: the sweep pays for making its rows durable, so the floor does too. The
    rows are read before the clock starts; afterwards the tables hold the same findings and events as
    before (new ids, the same keys, content and fingerprints), so what the benchmark measures next is
    unchanged."""
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.core.copy import copy_rows, reserve_ids
    from apps.gaps.models import Finding, FindingEvent
    from apps.gaps.snapshot import load_snapshot

    finding_fields, event_fields = _columns(Finding), _columns(FindingEvent)
    findings = list(Finding.objects.order_by("id").values_list("id", *finding_fields))
    events = list(FindingEvent.objects.order_by("id").values_list(*event_fields))
    at = event_fields.index("finding_id")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f'TRUNCATE "{Finding._meta.db_table}", "{FindingEvent._meta.db_table}"')
        start = time.perf_counter()
        load_snapshot(timezone.localdate())
        ids = reserve_ids(Finding, len(findings))
        renumbered = dict(zip((row[0] for row in findings), ids, strict=True))
        copy_rows(Finding, ["id", *finding_fields], ((new, *row[1:]) for new, row in zip(ids, findings, strict=True)))
        copy_rows(
            FindingEvent,
            ["id", *event_fields],
            (
                (new, *row[:at], renumbered[row[at]], *row[at + 1 :])
                for new, row in zip(reserve_ids(FindingEvent, len(events)), events, strict=True)
            ),
        )
    return time.perf_counter() - start
