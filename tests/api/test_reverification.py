"""Issue 10 in the API: every declaration says when it was last confirmed and whether it is due for
re-verification (on the day listed), and the lists filter on it, within what the caller may see."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import User
from apps.algorithms.models import Algorithm, AlgorithmKind
from apps.core.dates import PartialDate
from apps.nations.models import Coalition, Nation
from apps.positions.services import approval_set
from tests.api.conftest import CITATION, client_for
from tests.factories import declare, make_source, set_milestone

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(nation_a: Nation, nation_b: Nation) -> None:
    """A's position was last confirmed 200 days ago, B's 10 days ago."""
    today = timezone.localdate()
    declare(nation_a, source=make_source(confirmed_on=today - timedelta(days=200)))
    declare(nation_b, source=make_source(confirmed_on=today - timedelta(days=10)))


@pytest.mark.usefixtures("claims")
def test_each_position_says_when_it_was_last_confirmed_and_if_it_is_due(planner: User) -> None:
    today = timezone.localdate()
    rows = client_for(planner).get("/api/v1/positions/").json()["results"]
    assert [(r["nation"], r["last_confirmed_on"], r["due_for_reverification"]) for r in rows] == [
        ("AA", (today - timedelta(days=200)).isoformat(), True),
        ("BB", (today - timedelta(days=10)).isoformat(), False),
    ]
    assert rows[0]["source"]["confirmed_on"] == (today - timedelta(days=200)).isoformat()


@pytest.mark.usefixtures("claims")
@pytest.mark.parametrize(("value", "nations"), [("true", ["AA"]), ("false", ["BB"])])
def test_the_position_list_filters_on_due(planner: User, value: str, nations: list[str]) -> None:
    body = client_for(planner).get(f"/api/v1/positions/?due_for_reverification={value}").json()
    assert [r["nation"] for r in body["results"]] == nations and body["count"] == 1


@pytest.mark.usefixtures("claims")
@pytest.mark.parametrize("value", ["yes", "1", "", "TRUE"])
def test_a_malformed_due_filter_is_a_field_error(planner: User, value: str) -> None:
    response = client_for(planner).get(f"/api/v1/positions/?due_for_reverification={value}")
    assert response.status_code == 400
    assert "due_for_reverification" in str(response.json())


def test_as_of_a_past_day_the_due_mark_and_the_filter_read_that_day(planner: User, nation_a: Nation) -> None:
    """Verified, published 2024-06: confirmed (by its date) on 2024-06-30; due 181 days later."""
    declare(
        nation_a,
        source=make_source(published=PartialDate.parse("2024-06"), verified=True),
        declared=PartialDate.parse("2024-06-01"),
    )
    client = client_for(planner)
    [row] = client.get("/api/v1/positions/?as_of=2024-12-27").json()["results"]
    assert row["last_confirmed_on"] == "2024-06-30" and row["due_for_reverification"] is False
    [row] = client.get("/api/v1/positions/?as_of=2024-12-28").json()["results"]
    assert row["due_for_reverification"] is True
    assert client.get("/api/v1/positions/?as_of=2024-12-27&due_for_reverification=true").json()["count"] == 0
    assert client.get("/api/v1/positions/?as_of=2024-12-28&due_for_reverification=true").json()["count"] == 1


def test_the_filter_keeps_the_record_in_force_not_an_older_one(planner: User, nation_a: Nation) -> None:
    """The older position was due; its successor is not: 'not due' lists the successor, 'due' nothing."""
    declare(nation_a, source=make_source(published=PartialDate.parse("2019")))
    current = declare(nation_a, pqc_stance="evaluating", source=make_source(confirmed_on=timezone.localdate()))
    client = client_for(planner)
    assert client.get("/api/v1/positions/?due_for_reverification=true").json()["count"] == 0
    [row] = client.get("/api/v1/positions/?due_for_reverification=false").json()["results"]
    assert row["id"] == current.pk


def test_approvals_and_milestones_carry_the_fields_and_the_filter(planner: User, nation_a: Nation) -> None:
    kem = Algorithm.objects.create(name="ML-KEM", kind=AlgorithmKind.KEM)
    approval_set(nation=nation_a, algorithm=kem, status="approved", actor=None, source=make_source(verified=False))
    set_milestone(
        nation_a, kind="plan", title="Plan", target="2030", source=make_source(confirmed_on=timezone.localdate())
    )
    client = client_for(planner)
    [approval] = client.get("/api/v1/approvals/?due_for_reverification=true").json()["results"]
    assert approval["last_confirmed_on"] is None and approval["due_for_reverification"] is True
    assert client.get("/api/v1/approvals/?due_for_reverification=false").json()["count"] == 0
    [milestone] = client.get("/api/v1/milestones/?due_for_reverification=false").json()["results"]
    assert milestone["last_confirmed_on"] == timezone.localdate().isoformat()
    assert client.get("/api/v1/milestones/?due_for_reverification=true").json()["count"] == 0


def test_the_filter_lists_only_what_the_caller_may_see(officer_c: User, nation_a: Nation, ally: Coalition) -> None:
    declare(nation_a, source=make_source(published=PartialDate.parse("2019")), releasability=ally)
    assert client_for(officer_c).get("/api/v1/positions/?due_for_reverification=true").json()["count"] == 0


def test_the_schema_declares_the_fields_and_the_filter(planner: User) -> None:
    schema = client_for(planner).get("/api/schema/?format=json").json()
    fields = schema["components"]["schemas"]["PositionOutput"]["properties"]
    confirmed = fields["last_confirmed_on"]
    assert confirmed["format"] == "date" and confirmed["nullable"] and confirmed["readOnly"]
    assert fields["due_for_reverification"]["type"] == "boolean"
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/positions/"]["get"]["parameters"]}
    assert sorted(parameters["due_for_reverification"]["schema"]["enum"]) == ["false", "true"]


def test_a_citation_may_say_when_it_was_confirmed_but_not_after_today(officer_a: User) -> None:
    client = client_for(officer_a)
    today = timezone.localdate()
    body = {"nation": "AA", "pqc_stance": "adopt_mandated", "source": {**CITATION, "confirmed_on": str(today)}}
    created = client.post("/api/v1/positions/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["last_confirmed_on"] == str(today) and not created.json()["due_for_reverification"]
    later = {"pqc_stance": "evaluating", "source": {**CITATION, "confirmed_on": str(today + timedelta(days=1))}}
    refused = client.put(
        f"/api/v1/positions/{created.json()['id']}/", later, format="json", HTTP_IF_MATCH=created["ETag"]
    )
    assert refused.status_code == 422 and "confirmed after today" in str(refused.json()["errors"]["source"])


def test_the_reconfirm_action_answers_with_the_successor_and_keeps_the_history(
    officer_a: User, nation_a: Nation
) -> None:
    position = declare(nation_a, source=make_source(published=PartialDate.parse("2024-06")))
    client = client_for(officer_a)
    etag = client.get(f"/api/v1/positions/{position.pk}/")["ETag"]
    assert client.post(f"/api/v1/positions/{position.pk}/reconfirm/", {}, format="json").status_code == 428
    response = client.post(f"/api/v1/positions/{position.pk}/reconfirm/", {}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    body = response.json()
    today = timezone.localdate().isoformat()
    assert body["id"] != position.pk and body["last_confirmed_on"] == today and not body["due_for_reverification"]
    assert body["source"]["confirmed_on"] == today
    history = client.get("/api/v1/positions/history/?nation=AA").json()["results"]
    assert [row["id"] for row in history] == [body["id"], position.pk]
    again = client.post(f"/api/v1/positions/{position.pk}/reconfirm/", {}, format="json", HTTP_IF_MATCH=etag)
    assert again.status_code == 412


def test_the_reconfirm_action_takes_a_kind_for_a_source_without_one(officer_a: User, nation_a: Nation) -> None:
    position = declare(nation_a, source=make_source(kind=""))
    client = client_for(officer_a)
    url, etag = f"/api/v1/positions/{position.pk}/reconfirm/", client.get(f"/api/v1/positions/{position.pk}/")["ETag"]
    refused = client.post(url, {}, format="json", HTTP_IF_MATCH=etag)
    assert refused.status_code == 422 and "source" in refused.json()["errors"]
    assert client.post(url, {"kind": "rumour"}, format="json", HTTP_IF_MATCH=etag).status_code == 400
    done = client.post(url, {"kind": "directive"}, format="json", HTTP_IF_MATCH=etag)
    assert done.status_code == 200 and done.json()["source"]["kind"] == "directive"
