"""Gap services: asking for recomputes (more in the gap engine)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

from apps.gaps.models import RecomputeRequest

logger = logging.getLogger(__name__)


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
    connection = transaction.get_connection()
    if not any(callback is _dispatch_drain for _, callback, _ in connection.run_on_commit):
        transaction.on_commit(_dispatch_drain)


def _dispatch_drain() -> None:
    from apps.gaps.tasks import drain_recompute_requests

    try:
        drain_recompute_requests.delay()
    except Exception:  # the broker is an optimisation here; the periodic drain picks the request up
        logger.warning("Could not reach the broker; the periodic drain will recompute", exc_info=True)
