"""No lost updates, no duplicate submissions, with real concurrent transactions (one connection per
thread)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from rest_framework.response import Response

from apps.accounts.models import User
from apps.api.etag import etag_for
from apps.nations.models import Nation
from apps.positions.models import Milestone, Position
from tests.api.conftest import CITATION, client_for
from tests.factories import declare


def race(*calls: Callable[[], Response]) -> list[Response]:
    """Run ``calls`` at the same moment in threads; each thread closes its own connection."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = calls[index]()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_updates_with_the_same_etag_exactly_one_succeeds(nation_a: Nation, officer_a: User) -> None:
    current = declare(nation_a)
    etag = etag_for(current)

    def update(stance: str) -> Callable[[], Response]:
        return lambda: client_for(officer_a).patch(
            f"/api/v1/positions/{current.pk}/", {"pqc_stance": stance}, format="json", HTTP_IF_MATCH=etag
        )

    responses = race(update("adopt_mandated"), update("evaluating"))
    assert sorted(r.status_code for r in responses) == [200, 412]
    assert Position.objects.filter(nation=nation_a).count() == 2
    assert Position.objects.filter(nation=nation_a).current().count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_retried_post_with_the_same_idempotency_key_creates_one_record(officer_a: User) -> None:
    body = {"nation": "AA", "kind": "complete", "title": "Migration complete", "target": "2035", "source": CITATION}

    def submit() -> Response:
        return client_for(officer_a).post("/api/v1/milestones/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-123")

    responses = race(submit, submit)
    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json()["id"] == responses[1].json()["id"]
    assert Milestone.objects.filter(title="Migration complete").count() == 1
    retried = submit()
    assert retried.status_code == 201 and retried["Idempotent-Replayed"] == "true"
    assert Milestone.objects.filter(title="Migration complete").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_first_declarations_at_once_one_is_refused_none_is_superseded(officer_a: User) -> None:
    def submit(stance: str) -> Callable[[], Response]:
        body = {"nation": "AA", "pqc_stance": stance, "source": CITATION}
        return lambda: client_for(officer_a).post("/api/v1/positions/", body, format="json")

    responses = race(submit("evaluating"), submit("adopt_mandated"))
    assert sorted(r.status_code for r in responses) == [201, 409]
    assert Position.objects.filter(nation__code="AA").count() == 1
