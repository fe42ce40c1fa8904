"""``POST /api/v1/work-items/{id}/preview-status/``: what recording a status would do, as the caller may see
it, writing nothing, for standards analysts only; and the work items list's status and lifecycle filters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import Role, User
from apps.gaps import engine
from apps.gaps.models import Finding, RecomputeRequest
from apps.nations.models import Coalition, Nation
from apps.standards.models import WorkItemStatus
from tests.api.conftest import CITATION, client_for
from tests.factories import UserFactory
from tests.gaps.status_world import StatusWorld, build_status_world

pytestmark = pytest.mark.django_db

SSH_GAPS = ["standard_not_ready:AA:SSH", "standard_not_ready:BB:SSH"]
BODY = {"status": "rfc", "on": "2026-08", "source": CITATION}


@pytest.fixture
def world(nation_a: Nation, nation_b: Nation, ally: Coalition) -> StatusWorld:
    return build_status_world(nation_a, nation_b, ally)


def preview_url(world: StatusWorld) -> str:
    return f"/api/v1/work-items/{world.item.pk}/preview-status/"


def test_an_analyst_sees_the_changes_and_the_gaps_the_rfc_would_close(analyst: User, world: StatusWorld) -> None:
    response = client_for(analyst).post(preview_url(world), BODY, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["in_force"] is True and data["already_recorded"] is False
    assert data["current"]["status"] == "wg_draft" and data["current"]["status_date"] == "2025-06"
    assert [(c["field"], c["before"], c["after"]) for c in data["changes"]] == [
        ("status", "wg_draft", "rfc"),
        ("lifecycle", "Adopted", "Final"),
        ("status_date", "2025-06", "2026-08"),
    ]
    assert [f["key"] for f in data["closed"]] == SSH_GAPS
    assert data["closed"][0]["nation_a"] == "AA" and data["closed"][0]["protocol"] == "SSH"
    assert data["opened"] == []


def test_the_closed_gaps_are_scoped_to_the_callers_clearance(nation_c: Nation, world: StatusWorld) -> None:
    outsider = UserFactory(username="outside_analyst", role=Role.STANDARDS_ANALYST, nation=nation_c)
    data = client_for(outsider).post(preview_url(world), BODY, format="json").json()
    assert [f["key"] for f in data["closed"]] == ["standard_not_ready:AA:SSH"]


def test_the_opened_gaps_are_evaluated_findings(analyst: User, world: StatusWorld) -> None:
    client = client_for(analyst)
    assert client.post(f"/api/v1/work-items/{world.item.pk}/statuses/", BODY, format="json").status_code == 201
    engine.drain_requests()
    today = timezone.localdate().isoformat()
    data = client.post(preview_url(world), {**BODY, "status": "withdrawn", "on": today}, format="json").json()
    assert [f["key"] for f in data["opened"]] == SSH_GAPS
    assert {"as_of", "known_at", "severity", "title", "explanation", "evidence"} <= set(data["opened"][0])
    assert data["opened"][0]["nation_a"] in ("AA", "BB")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),
        ("officer_a", 403),
        ("planner", 403),
        ("read_token", 403),  # a read token may not post
        ("write_token_a", 403),  # a system writing for a nation does not curate the catalogue
        ("analyst", 200),
    ],
)
def test_only_those_who_curate_the_catalogue_may_preview(
    persona_client: Callable[[str], APIClient], world: StatusWorld, persona: str, expected: int
) -> None:
    response = persona_client(persona).post(preview_url(world), BODY, format="json")
    assert response.status_code == expected, response.content
    if expected != 200:
        assert response["Content-Type"].startswith("application/problem+json")


def test_an_administrator_may_preview(administrator: User, world: StatusWorld) -> None:
    assert client_for(administrator).post(preview_url(world), BODY, format="json").status_code == 200


def test_the_preview_writes_nothing(analyst: User, world: StatusWorld) -> None:
    counts = (WorkItemStatus.objects.count(), RecomputeRequest.objects.count())
    findings = sorted(Finding.objects.values_list("key", "status", "updated_at"))
    assert client_for(analyst).post(preview_url(world), BODY, format="json").status_code == 200
    assert (WorkItemStatus.objects.count(), RecomputeRequest.objects.count()) == counts
    assert sorted(Finding.objects.values_list("key", "status", "updated_at")) == findings


@pytest.mark.parametrize(
    ("body", "expected", "field"),
    [
        ({"status": "done"}, 400, "status"),
        ({"status": "rfc", "on": "August 2026"}, 400, "on"),
        ({"status": "rfc", "surprise": 1}, 400, "surprise"),
    ],
)
def test_a_bad_body_is_a_400_naming_the_field(
    analyst: User, world: StatusWorld, body: dict[str, Any], expected: int, field: str
) -> None:
    response = client_for(analyst).post(preview_url(world), body, format="json")
    assert response.status_code == expected
    assert field in response.json()["errors"]


def test_an_unknown_work_item_is_a_404(analyst: User, world: StatusWorld) -> None:
    assert client_for(analyst).post("/api/v1/work-items/999999/preview-status/", BODY, format="json").status_code == 404


def test_the_preview_takes_a_pinned_number_of_queries(
    analyst: User, world: StatusWorld, django_assert_num_queries: Any
) -> None:
    client = client_for(analyst)
    # session, user, the work item, the status in force, the same status recorded already, the snapshot
    # (13), the analyst's clearance, the closed findings with their codes: 20, whatever the number of nations
    with django_assert_num_queries(20):
        assert client.post(preview_url(world), BODY, format="json").status_code == 200


@pytest.mark.parametrize(
    ("query", "identifiers"),
    [
        ("status=wg_draft", ["draft-ietf-sshm-mlkem-hybrid-kex"]),
        ("status=draft", []),  # its first status, no longer in force
        ("lifecycle=final", ["TS 103 744"]),
        ("lifecycle=adopted&protocol=SSH", ["draft-ietf-sshm-mlkem-hybrid-kex"]),
        ("body=ETSI", ["TS 103 744"]),
    ],
)
def test_the_list_filters_by_the_status_in_force(
    planner: User, world: StatusWorld, query: str, identifiers: list[str]
) -> None:
    response = client_for(planner).get(f"/api/v1/work-items/?{query}")
    assert response.status_code == 200
    assert [item["identifier"] for item in response.json()["results"]] == identifiers


@pytest.mark.parametrize(("query", "expected"), [("status=done", 400), ("lifecycle=", 400), ("body=NOPE", 404)])
def test_a_bad_filter_is_refused(planner: User, world: StatusWorld, query: str, expected: int) -> None:
    assert client_for(planner).get(f"/api/v1/work-items/?{query}").status_code == expected
