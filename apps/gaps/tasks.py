"""Celery tasks of the gap engine. Thin: each calls one service."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def drain_recompute_requests() -> None:
    """Recompute the gaps of every nation with a pending recompute request."""
    from apps.gaps import engine

    engine.drain_requests()
