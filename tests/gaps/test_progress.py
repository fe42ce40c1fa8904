"""A run's progress is readable by others while its results are still uncommitted."""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from apps.gaps.models import GapRun
from apps.gaps.progress import ProgressReporter


def _read_elsewhere(run_id: int) -> tuple[str, int, int]:
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT status, progress_done, progress_total FROM gaps_gaprun WHERE id = %s", [run_id])
            return cursor.fetchone()
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_while_the_run_transaction_is_open():
    run = GapRun.objects.create(trigger="manual")
    with transaction.atomic():
        GapRun.objects.filter(pk=run.pk).exists()  # the run's own transaction is open
        with ProgressReporter(run.pk) as progress:
            progress.interval = 0
            progress.started(total=10)
            progress.step(4)
            assert _read_elsewhere(run.pk) == ("running", 4, 10)


@pytest.mark.django_db(transaction=True)
def test_a_small_run_does_not_write_progress_for_every_rule():
    run = GapRun.objects.create(trigger="manual")
    with ProgressReporter(run.pk) as progress:
        progress.started(total=10)
        progress.step(1)
    assert _read_elsewhere(run.pk) == ("running", 0, 10)
