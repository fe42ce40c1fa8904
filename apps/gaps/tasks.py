"""Celery tasks of the gap engine. Thin: each takes ids, calls one engine function, and retries only on a
transient database error. Runs are all-or-nothing, so a redelivered task (acks_late, reject on worker
lost) simply does the work again."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from apps.gaps import engine, services
from apps.gaps.models import GapRun, RunStatus, RunTrigger

TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "ignore_result": True,
    "serializer": "json",
    "autoretry_for": (OperationalError,),
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(soft_time_limit=120, time_limit=180, **TASK_OPTIONS)
def drain_recompute_requests() -> None:
    """Recompute the gaps of every nation with a pending recompute request (one run for the lot)."""
    engine.drain_requests()


@shared_task(soft_time_limit=540, time_limit=600, **TASK_OPTIONS)
def full_sweep() -> None:
    """Recompute every gap (periodic; also lapses expired waivers)."""
    engine.recompute(trigger=RunTrigger.SWEEP)


@shared_task(soft_time_limit=540, time_limit=600, **TASK_OPTIONS)
def run_recompute(run_id: int) -> None:
    """Carry out a queued run ("recompute now"). Returns early if the run is gone or already done."""
    run = GapRun.objects.filter(pk=run_id).first()
    if run is None or run.status == RunStatus.SUCCEEDED:
        return
    engine.execute_run(run)


@shared_task(soft_time_limit=60, time_limit=90, **TASK_OPTIONS)
def send_waiting_runs() -> None:
    """Send the "recompute now" runs that were asked for while the broker was unreachable (periodic)."""
    services.send_waiting_runs()
