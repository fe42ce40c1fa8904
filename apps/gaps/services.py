"""Gap services: asking for recomputes, triaging findings, running a recompute now. (Previewing a draft is
in ``apps.gaps.preview``.)"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import ensure_can_triage
from apps.core.exceptions import Conflict, InvalidInput
from apps.gaps.models import (
    Finding,
    FindingEvent,
    FindingEventKind,
    FindingStatus,
    GapRun,
    RecomputeRequest,
    RunStatus,
    RunTrigger,
)
from pqctrack.celery import broker_reachable, send


def request_recompute(*, nation_ids: Iterable[int] | None, reason: str) -> None:
    """Ask for the gaps of ``nation_ids`` (None: every nation) to be recomputed once this transaction
    commits. The request is a row written in the caller's transaction, so it survives a broker outage;
    the message sent after commit only makes the drain happen sooner, and a burst of changes in one
    transaction sends one message."""
    if nation_ids is None:
        RecomputeRequest.objects.create(nation=None, reason=reason[:200])
    else:
        RecomputeRequest.objects.bulk_create(
            RecomputeRequest(nation_id=nation_id, reason=reason[:200]) for nation_id in set(nation_ids)
        )
    # One message per transaction: every request registers a callback, and only the callback of the
    # thread's latest request sends. (Django offers no public way to ask which callbacks are pending.) If
    # that latest request was in a savepoint that rolled back, no message goes: the periodic drain, which
    # is the guarantee, picks the surviving requests up.
    token = object()
    _latest.token = token
    transaction.on_commit(lambda: _dispatch_drain(token))


_latest = threading.local()


def _dispatch_drain(token: object) -> None:
    if getattr(_latest, "token", None) is not token:
        return
    from apps.gaps.tasks import drain_recompute_requests

    send(drain_recompute_requests)  # when it cannot be sent, the periodic drain picks the request up


def _triage(
    finding: Finding,
    *,
    actor: User | None,
    status: FindingStatus,
    kind: FindingEventKind,
    reason: str,
    expires_on: date | None = None,
) -> Finding:
    """The one triage transition: lock the finding, refuse a resolved one, set its status, reason (written
    for its clearances of now) and waiver expiry, and record the event."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.status == FindingStatus.RESOLVED:
        verb = "acknowledge" if status == FindingStatus.ACKNOWLEDGED else "waive"
        raise Conflict(f"This gap is resolved; there is nothing to {verb}.")
    previous, reason = finding.status, reason.strip()
    finding.status, finding.triage_reason, finding.waiver_expires_on = status, reason, expires_on
    finding.triage_clearances = finding.required_clearances
    finding.save(update_fields=["status", "triage_reason", "triage_clearances", "waiver_expires_on", "updated_at"])
    FindingEvent.objects.create(
        required_clearances=finding.required_clearances,
        finding=finding,
        kind=kind,
        actor=actor,
        from_status=previous,
        to_status=status,
        reason=reason,
        changes={} if expires_on is None else {"waiver_expires_on": [None, expires_on.isoformat()]},
    )
    return finding


@transaction.atomic
def finding_acknowledge(*, finding: Finding, actor: User | None, reason: str = "") -> Finding:
    """Record that a planner has seen the gap and accepts it is being dealt with. Survives recomputes."""
    ensure_can_triage(actor)
    return _triage(
        finding, actor=actor, status=FindingStatus.ACKNOWLEDGED, kind=FindingEventKind.ACKNOWLEDGED, reason=reason
    )


@transaction.atomic
def finding_waive(*, finding: Finding, actor: User | None, reason: str, expires_on: date) -> Finding:
    """Accept the gap until ``expires_on`` (inclusive) for ``reason``. The waiver survives recomputes and
    lapses by itself: the first run after its expiry opens the gap again."""
    ensure_can_triage(actor)
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = ["Say why the gap is waived."]
    if expires_on is None or expires_on <= timezone.localdate():
        errors["expires_on"] = ["A waiver needs an expiry date in the future."]
    if errors:
        raise InvalidInput("; ".join(m for ms in errors.values() for m in ms), errors=errors)
    return _triage(
        finding,
        actor=actor,
        status=FindingStatus.WAIVED,
        kind=FindingEventKind.WAIVED,
        reason=reason,
        expires_on=expires_on,
    )


@transaction.atomic
def recompute_now(*, actor: User | None) -> GapRun:
    """Queue a full recompute and return its run for progress polling. The task is sent after commit.
    When the broker cannot be reached the run waits (status ``waiting``, saying so) and the periodic
    ``send_waiting_runs`` sends it once the broker is back."""
    ensure_can_triage(actor)
    if not broker_reachable():  # known before commit, so the answer to the request already says so
        return GapRun.objects.create(trigger=RunTrigger.MANUAL, requested_by=actor, status=RunStatus.WAITING)
    run = GapRun.objects.create(trigger=RunTrigger.MANUAL, requested_by=actor)
    transaction.on_commit(lambda: _dispatch_run(run.pk))
    return run


def _dispatch_run(run_id: int) -> bool:
    from apps.gaps.tasks import run_recompute

    if send(run_recompute, run_id):
        return True
    GapRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(status=RunStatus.WAITING)
    return False


def send_waiting_runs() -> int:
    """Send every run that waited for the broker (oldest first); how many were sent. A run that still
    cannot be sent goes back to waiting."""
    sent = 0
    for run_id in GapRun.objects.filter(status=RunStatus.WAITING).order_by("id").values_list("id", flat=True):
        if GapRun.objects.filter(pk=run_id, status=RunStatus.WAITING).update(status=RunStatus.QUEUED):
            if not _dispatch_run(run_id):
                break
            sent += 1
    return sent
