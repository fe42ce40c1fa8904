"""A change committed while the broker is unreachable is kept, and its recompute is not lost."""

from __future__ import annotations

import logging

import pytest

from apps.gaps.models import Finding, RecomputeRequest
from apps.gaps.tasks import drain_recompute_requests
from apps.positions.models import Position
from apps.positions.services import position_declare

KEY = "qkd_divergence:IT:US"


@pytest.mark.django_db(transaction=True)  # real commits, so the after-commit dispatch really runs
def test_the_change_commits_and_the_recompute_happens_once_the_broker_is_back(small_world, broker_down, caplog):
    drain_recompute_requests.apply()  # the baseline, run in-process
    assert Finding.objects.get(key=KEY).status == "open"
    caplog.clear()

    with caplog.at_level(logging.WARNING):
        position_declare(
            nation=small_world["IT"], actor=None, source=None, pqc_stance="adopt_mandated", qkd_stance="research"
        )

    assert "Could not reach the broker" in caplog.text  # the dispatch after commit failed…
    assert Position.objects.current().get(nation=small_world["IT"]).qkd_stance == "research"  # …the change stands
    assert RecomputeRequest.objects.filter(nation=small_world["IT"]).exists()  # …and so does its recompute
    assert Finding.objects.get(key=KEY).status == "open"

    # The broker is back: the periodic drain (run in-process here) picks the request up.
    drain_recompute_requests.apply()
    assert Finding.objects.get(key=KEY).status == "resolved"
    assert not RecomputeRequest.objects.exists()
