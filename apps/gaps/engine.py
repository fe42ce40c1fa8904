"""The gap engine: load a snapshot, run every rule, and write the result as one all-or-nothing change.

A run computes and writes inside one transaction, behind a PostgreSQL advisory lock so runs never interleave
their writes (and a later run always reads what an earlier one committed). Progress goes through a separate
connection, so it is visible while the transaction is open. A worker killed mid-run leaves the previous
findings and the pending recompute requests exactly as they were; the retry starts over."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Field, Q
from django.utils import timezone

from apps.accounts.models import User
from apps.core.copy import copy_rows, reserve_ids
from apps.gaps.models import (
    FINDING_CONTENT_FIELDS,
    FINDING_SUBJECT_FIELDS,
    Finding,
    FindingEvent,
    FindingEventKind,
    FindingStatus,
    GapRun,
    RecomputeRequest,
    RunStatus,
    RunTrigger,
)
from apps.gaps.progress import ProgressReporter
from apps.gaps.rules import REGISTRY, FindingDraft, Subjects
from apps.gaps.snapshot import Snapshot, load_snapshot

#: pg_advisory_xact_lock key serialising gap runs ("gaps" in ASCII).
RUN_LOCK = 0x67617073
#: What an "updated" or "reopened" event records, before and after: every computed field but those the key
#: already names (a finding's rule, nations and protocol never change), so no update goes unexplained.
TRACKED_CHANGES = [*FINDING_CONTENT_FIELDS, "required_clearances"]
#: Content fields a run writes; a change in any of them changes the fingerprint.
COMPUTED_FIELDS = [
    *(field.attname for field in Finding._meta.concrete_fields if field.name in FINDING_SUBJECT_FIELDS),
    *TRACKED_CHANGES,
]
#: Lifecycle fields a run writes besides the computed ones.
WRITTEN_FIELDS = [
    "fingerprint",
    "status",
    "resolved_at",
    "last_seen_at",
    "triage_reason",
    "triage_clearances",
    "waiver_expires_on",
    "updated_at",
]
#: What a run may update on a stored finding (each update writes only those of them that differ).
UPDATED_FIELDS = [*COMPUTED_FIELDS, *WRITTEN_FIELDS]
#: The columns of a new finding, in the order ``_new_row`` gives them.
NEW_FINDING_COLUMNS = [
    "id",
    "key",
    *COMPUTED_FIELDS,
    "fingerprint",
    "status",
    "triage_reason",
    "triage_clearances",
    "first_seen_at",
    "last_seen_at",
    "created_at",
    "updated_at",
]
#: Shown in place of a triage reason written while the finding needed clearances it no longer needs; the
#: reason itself stays in the finding's history, visible to those cleared for it.
#: Why a run resolves a finding.
GONE = "The data no longer produces this gap."
RESTRICTED_TRIAGE_REASON = "Triaged while this gap was restricted; the reason is in its history."


@dataclass
class WriteCounts:
    opened: int = 0
    updated: int = 0
    resolved: int = 0
    lapsed: int = 0


def evaluate(
    snapshot: Snapshot, subjects: Subjects, on_rule: Callable[[int], None] | None = None
) -> list[FindingDraft]:
    """Every registered rule over ``snapshot``; ``on_rule(n)`` after the n-th rule (progress)."""
    drafts: list[FindingDraft] = []
    for done, (_, rule) in enumerate(sorted(REGISTRY.items()), start=1):
        drafts.extend(rule(snapshot, subjects))
        if on_rule is not None:
            on_rule(done)
    return drafts


def compute_gaps(*, as_of: date, nation_ids: Iterable[int] | None = None) -> list[FindingDraft]:
    """The gaps as they stood (or stand) on ``as_of``, computed without writing anything."""
    ids = frozenset(nation_ids) if nation_ids is not None else None
    return evaluate(load_snapshot(as_of, ids), Subjects(ids))


def recompute(
    *,
    nation_ids: Iterable[int] | None = None,
    trigger: str,
    actor: User | None = None,
    as_of: date | None = None,
) -> GapRun:
    """Recompute the gaps of ``nation_ids`` (None: every nation) now, synchronously, and record the run."""
    ids = sorted(set(nation_ids)) if nation_ids is not None else []
    run = GapRun.objects.create(trigger=trigger, requested_by=actor, nation_ids=ids)
    return execute_run(run, as_of=as_of)


def drain_requests() -> GapRun | None:
    """Claim every pending recompute request (skipping those another run holds), recompute the nations
    they name in one run, and delete them in the transaction that writes the results. A burst of changes
    becomes one run; None when there was nothing to do."""
    if not RecomputeRequest.objects.exists():
        return None
    run = GapRun.objects.create(trigger=RunTrigger.CHANGE)
    return execute_run(run, claim_requests=True)


def execute_run(run: GapRun, *, claim_requests: bool = False, as_of: date | None = None) -> GapRun:
    """Carry out ``run`` (a fresh one, or one a lost worker left behind: the result is the same)."""
    _fail_abandoned_runs(exclude=run.pk)
    as_of = as_of or timezone.localdate()
    with ProgressReporter(run.pk) as progress:
        progress.started(total=len(REGISTRY) + 1)
        run.status, run.started_at, run.error = RunStatus.RUNNING, timezone.now(), ""
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RUN_LOCK])
                nation_ids: list[int] | None = list(run.nation_ids) or None
                claimed: list[int] = []
                if claim_requests:
                    requests = list(RecomputeRequest.objects.select_for_update(skip_locked=True).order_by("id"))
                    claimed = [r.pk for r in requests]
                    wanted = {r.nation_id for r in requests}
                    nation_ids = None if None in wanted else sorted(n for n in wanted if n is not None)
                    run.nation_ids = nation_ids or []
                if claim_requests and not claimed:
                    counts, snapshot_size = WriteCounts(), (0, 0)
                else:
                    subjects = Subjects(frozenset(nation_ids) if nation_ids is not None else None)
                    snapshot = load_snapshot(as_of, nation_ids)
                    drafts = evaluate(snapshot, subjects, on_rule=progress.step)
                    snapshot_size = (len(subjects.nations(snapshot)), len(subjects.pairs(snapshot)))
                    counts = _write(run, drafts, nation_ids, as_of)
                    _test_pause()
                    RecomputeRequest.objects.filter(pk__in=claimed).delete()
                run.nations_evaluated, run.pairs_evaluated = snapshot_size
                run.findings_opened, run.findings_updated = counts.opened, counts.updated
                run.findings_resolved = counts.resolved
                run.progress_done = run.progress_total = len(REGISTRY) + 1
                run.status, run.finished_at = RunStatus.SUCCEEDED, timezone.now()
                run.save()
        except Exception as error:
            run.status, run.finished_at, run.error = (
                RunStatus.FAILED,
                timezone.now(),
                f"{type(error).__name__}: {error}",
            )
            progress.update(status=run.status, finished_at=run.finished_at, error=run.error[:2000])
            raise
    return run


def _fail_abandoned_runs(*, exclude: int) -> None:
    """A run still "running" past the task time limit belonged to a worker that was lost."""
    cutoff = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    GapRun.objects.filter(status=RunStatus.RUNNING, started_at__lt=cutoff).exclude(pk=exclude).update(
        status=RunStatus.FAILED,
        finished_at=timezone.now(),
        error="The worker running it was lost; a later run redid it.",
    )


def _test_pause() -> None:
    """Only the test settings (``pqctrack.test_settings``) define the pause; production has none."""
    pause = getattr(settings, "PQCTRACK_GAPS_TEST_PAUSE_BEFORE_COMMIT_MS", 0)
    if pause:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(%s)", [pause / 1000])


def _apply(finding: Finding, draft: FindingDraft, fingerprint: str) -> dict[str, list[Any]]:
    changes = {
        name: [getattr(finding, name), getattr(draft, name)]
        for name in TRACKED_CHANGES
        if getattr(finding, name) != getattr(draft, name)
    }
    for name in COMPUTED_FIELDS:
        setattr(finding, name, getattr(draft, name))
    finding.fingerprint = fingerprint
    if finding.triage_reason and not set(finding.triage_clearances) <= set(draft.required_clearances):
        # The finding is now shown to users the reason was not written for.
        finding.triage_reason, finding.triage_clearances = RESTRICTED_TRIAGE_REASON, list(draft.required_clearances)
    return changes


def _new_row(pk: int, draft: FindingDraft, fingerprint: str, now: Any) -> tuple[Any, ...]:
    """A new finding as a row of ``NEW_FINDING_COLUMNS``: open, first seen now, never triaged."""
    computed = (getattr(draft, name) for name in COMPUTED_FIELDS)
    return (pk, draft.key, *computed, fingerprint, FindingStatus.OPEN.value, "", [], now, now, now, now)


def _write(run: GapRun, drafts: list[FindingDraft], nation_ids: list[int] | None, as_of: date) -> WriteCounts:
    """Bring the stored findings in line with ``drafts``: open new ones, update changed ones, reopen ones
    that came back, resolve those in scope that are gone, and lapse expired waivers. Events record every
    transition. Unchanged findings are not written (nor locked) at all, so running twice changes nothing,
    and a changed one is written only in the fields that differ. New findings and all events go in with
    ``COPY``."""
    now = timezone.now()
    counts = WriteCounts()
    counts.lapsed = _lapse_waivers(run, as_of, now)
    stored = Finding.objects.order_by()  # read into a dict: no order needed
    if nation_ids is not None:
        # A key names the finding's subjects, so a draft about a nation in scope is found by its nation; only
        # the others (if a rule ever drafts one) are looked up by key, instead of every draft's key.
        scope = set(nation_ids)
        keys = [d.key for d in drafts if d.nation_a_id not in scope and d.nation_b_id not in scope]
        in_scope = Q(nation_a_id__in=nation_ids) | Q(nation_b_id__in=nation_ids)
        stored = stored.filter(in_scope | Q(key__in=keys) if keys else in_scope)
    known = {
        key: (pk, fingerprint, status)
        for key, pk, fingerprint, status in stored.values_list("key", "pk", "fingerprint", "status")
    }
    new_drafts: list[tuple[FindingDraft, str]] = []
    touched: dict[int, tuple[FindingDraft, str]] = {}
    for draft in drafts:
        fingerprint = draft.fingerprint()
        row = known.pop(draft.key, None)
        if row is None:
            new_drafts.append((draft, fingerprint))
        elif row[2] == FindingStatus.RESOLVED or row[1] != fingerprint:
            touched[row[0]] = (draft, fingerprint)
    gone = [pk for pk, _, status in known.values() if status != FindingStatus.RESOLVED]
    # Lock only what changes; triage may have moved a status since the read above, so decide on the
    # locked rows.
    locked = Finding.objects.select_for_update().filter(pk__in=[*touched, *gone]).order_by("pk")
    events: list[tuple[Any, ...]] = []
    # Findings to update, by the fields that really differ: each group is one statement writing just those.
    changed: dict[tuple[str, ...], list[Finding]] = defaultdict(list)
    for finding in locked:
        was = [getattr(finding, name) for name in UPDATED_FIELDS]
        previous = finding.status
        if finding.pk in touched:
            draft, fingerprint = touched[finding.pk]
            before = list(finding.required_clearances)
            changes = _apply(finding, draft, fingerprint)
            finding.last_seen_at = now
            if previous == FindingStatus.RESOLVED:
                finding.status, finding.resolved_at = FindingStatus.OPEN, None
                finding.triage_reason, finding.triage_clearances, finding.waiver_expires_on = "", [], None
                events.append(_event(finding, FindingEventKind.REOPENED, run, previous, changes, before))
                counts.opened += 1
            else:
                events.append(_event(finding, FindingEventKind.UPDATED, run, previous, changes, before))
                counts.updated += 1
        elif previous != FindingStatus.RESOLVED:
            finding.status, finding.resolved_at = FindingStatus.RESOLVED, now
            events.append(_event(finding, FindingEventKind.RESOLVED, run, previous, reason=GONE))
            counts.resolved += 1
        else:
            continue
        finding.updated_at = now
        differing = tuple(name for name, old in zip(UPDATED_FIELDS, was, strict=True) if getattr(finding, name) != old)
        changed[differing].append(finding)
    # New findings go in with COPY (several times faster than ``bulk_create``), their ids drawn first so
    # their "opened" events can name them.
    ids = reserve_ids(Finding, len(new_drafts))
    copy_rows(
        Finding, NEW_FINDING_COLUMNS, (_new_row(pk, d, f, now) for pk, (d, f) in zip(ids, new_drafts, strict=True))
    )
    events.extend(
        _event_row(pk, FindingEventKind.OPENED, run, FindingStatus.OPEN, d.required_clearances)
        for pk, (d, _) in zip(ids, new_drafts, strict=True)
    )  # no model instance per new finding: the sweep opens tens of thousands
    counts.opened += len(new_drafts)
    for names, findings in changed.items():
        _bulk_update(findings, list(names))
    at = timezone.now()  # after the waivers' lapses this run recorded, as ``auto_now_add`` would have it
    copy_rows(FindingEvent, EVENT_COLUMNS, ((*event, at) for event in events))
    return counts


def _concrete(name: str) -> Field[Any, Any]:
    field = Finding._meta.get_field(name.removesuffix("_id"))
    assert isinstance(field, Field)
    return field


def _bulk_update(findings: list[Finding], names: list[str]) -> None:
    """One UPDATE … FROM jsonb_to_recordset(…) per batch: Django's ``bulk_update`` builds a CASE per field
    and row, which costs far more than the write itself."""
    fields = [_concrete(name) for name in names]
    columns = ", ".join(f'"{f.column}" = v."{f.column}"' for f in fields)
    types = ", ".join(f'"{f.column}" {f.db_type(connection)}' for f in fields)
    sql = (
        f'UPDATE "{Finding._meta.db_table}" AS t SET {columns} '  # noqa: S608  (column names from the model)
        f'FROM jsonb_to_recordset(%s::jsonb) AS v("id" bigint, {types}) WHERE t."id" = v."id"'
    )
    for start in range(0, len(findings), 2000):
        rows = [
            {"id": f.pk, **{field.column: getattr(f, field.attname) for field in fields}}
            for f in findings[start : start + 2000]
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, [json.dumps(rows, cls=DjangoJSONEncoder)])


#: The columns of a run's events: those ``_event`` gives, then the moment they are written (no actor: a run
#: acts for nobody).
EVENT_COLUMNS = [
    "finding_id",
    "kind",
    "run_id",
    "from_status",
    "to_status",
    "reason",
    "changes",
    "required_clearances",
    "at",
]


def _event(
    finding: Finding,
    kind: str,
    run: GapRun,
    from_status: str = "",
    changes: dict[str, list[Any]] | None = None,
    before: list[int] | None = None,
    reason: str = "",
) -> tuple[Any, ...]:
    """The event row of a run's transition to ``finding.status``. A change's ``changes`` carry the old
    values, so it needs the clearances of both sides (``before`` and now)."""
    clearances = finding.required_clearances if before is None else sorted({*before, *finding.required_clearances})
    return _event_row(finding.pk, kind, run, finding.status, clearances, from_status, changes, reason)


def _event_row(
    finding_id: int,
    kind: str,
    run: GapRun,
    to_status: str,
    clearances: list[int],
    from_status: str = "",
    changes: dict[str, list[Any]] | None = None,
    reason: str = "",
) -> tuple[Any, ...]:
    """An event as a row of ``EVENT_COLUMNS`` but ``at`` (the moment it is written, added then)."""
    plain = {name: [_plain(v) for v in pair] for name, pair in (changes or {}).items()}
    return (finding_id, kind, run.pk, from_status, to_status, reason, plain, list(clearances))


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | list | dict | type(None)) else str(value)


def _lapse_waivers(run: GapRun, as_of: date, now: Any) -> int:
    """A waiver holds up to and including its expiry date; the day after, the finding is open again."""
    lapsed = list(Finding.objects.select_for_update().filter(status=FindingStatus.WAIVED, waiver_expires_on__lt=as_of))
    FindingEvent.objects.bulk_create(
        FindingEvent(
            finding=f,
            kind=FindingEventKind.WAIVER_LAPSED,
            run=run,
            from_status=FindingStatus.WAIVED,
            to_status=FindingStatus.OPEN,
            reason=f"The waiver expired on {f.waiver_expires_on}.",
            required_clearances=f.required_clearances,
        )
        for f in lapsed
    )
    Finding.objects.filter(pk__in=[f.pk for f in lapsed]).update(
        status=FindingStatus.OPEN, waiver_expires_on=None, updated_at=now
    )
    return len(lapsed)
