"""Issue 10: every declaration a user or a token records cites a source with an authority or a document and
a publication date; the API refuses one without, with a field error on ``source``, and leaves no source
behind."""

from __future__ import annotations

from typing import Any

import pytest

from apps.accounts.models import User
from apps.algorithms.models import Algorithm, AlgorithmKind
from apps.nations.models import Coalition, Nation
from apps.positions.models import Approval, Milestone, Position
from apps.sources.models import Source
from apps.standards.models import WorkItemStatus
from tests.api.conftest import CITATION, IssuedToken, client_for
from tests.api.scenario import build_world, make_finding

BODIES: dict[str, tuple[str, type, dict[str, Any]]] = {
    "position": ("/api/v1/positions/", Position, {"nation": "AA", "pqc_stance": "adopt_mandated"}),
    "approval": ("/api/v1/approvals/", Approval, {"nation": "AA", "algorithm": "ML-KEM", "status": "approved"}),
    "milestone": (
        "/api/v1/milestones/",
        Milestone,
        {"nation": "AA", "kind": "plan", "title": "Plan", "target": "2030"},
    ),
}

REFUSED = {
    "no source": None,
    "no authority or document": {"url": "https://example.org/g", "published": "2025-04"},
    "no publication date": {"authority": "Ministry", "document": "Guidance", "url": "https://example.org/g"},
    "no kind": {"authority": "Ministry", "document": "Guidance", "published": "2025-04"},
}


@pytest.fixture
def ml_kem(db: None) -> Algorithm:
    return Algorithm.objects.create(name="ML-KEM", kind=AlgorithmKind.KEM)


def _refused(response: Any) -> dict[str, Any]:
    # 400 where the schema says what is missing (a kind), 422 where only the rule does (authority or
    # document, a date): a schema-valid request is never a 400.
    assert response.status_code in (400, 422), response.content
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert "source" in body["errors"], body
    return body


@pytest.mark.parametrize("kind", list(BODIES))
@pytest.mark.parametrize("citation", list(REFUSED))
def test_api_refuses_a_declaration_without_a_proper_source(
    officer_a: User, ml_kem: Algorithm, kind: str, citation: str
) -> None:
    url, model, body = BODIES[kind]
    sources = Source.objects.count()
    _refused(client_for(officer_a).post(url, {**body, "source": REFUSED[citation]}, format="json"))
    assert not model.objects.exists()
    assert Source.objects.count() == sources  # no orphan source


def test_api_refuses_an_omitted_source_too(officer_a: User) -> None:
    url, _, body = BODIES["position"]
    _refused(client_for(officer_a).post(url, body, format="json"))
    assert not Position.objects.exists()


def test_a_token_is_held_to_the_same_rule(write_token_a: IssuedToken) -> None:
    url, _, body = BODIES["milestone"]
    _refused(client_for(write_token_a).post(url, {**body, "source": None}, format="json"))
    assert not Milestone.objects.exists()


@pytest.mark.parametrize("kind", list(BODIES))
def test_a_sourced_declaration_is_accepted(officer_a: User, ml_kem: Algorithm, kind: str) -> None:
    url, model, body = BODIES[kind]
    response = client_for(officer_a).post(url, {**body, "source": CITATION}, format="json")
    assert response.status_code == 201, response.content
    record = model.objects.get()
    assert (record.source.authority, str(record.source.published)) == ("Ministry", "2025-04")


def test_a_document_alone_will_do_for_who_said_it(officer_a: User) -> None:
    url, _, body = BODIES["position"]
    citation = {"document": "Guidance", "published": "2025", "kind": "statement"}
    assert client_for(officer_a).post(url, {**body, "source": citation}, format="json").status_code == 201


def test_a_replacement_without_a_source_is_refused_and_the_record_stays(officer_a: User) -> None:
    client = client_for(officer_a)
    created = client.post("/api/v1/positions/", {**BODIES["position"][2], "source": CITATION}, format="json")
    assert created.status_code == 201, created.content
    sources = Source.objects.count()
    replaced = client.put(
        f"/api/v1/positions/{created.json()['id']}/",
        {"pqc_stance": "evaluating", "source": None},
        format="json",
        HTTP_IF_MATCH=created["ETag"],
    )
    _refused(replaced)
    assert Position.objects.get().pqc_stance == "adopt_mandated"
    assert Source.objects.count() == sources


def test_a_refused_declaration_leaves_no_source_behind(officer_a: User, ml_kem: Algorithm) -> None:
    """The citation is stored in the declaration's own transaction: refused for another reason (here a
    conflict with the one in force), it is not stored either."""
    client = client_for(officer_a)
    url, _, body = BODIES["position"]
    assert client.post(url, {**body, "source": CITATION}, format="json").status_code == 201
    sources = Source.objects.count()
    other = {**CITATION, "document": "Another guidance"}
    assert client.post(url, {**body, "source": other}, format="json").status_code == 409
    assert Source.objects.count() == sources


def test_each_claim_shows_its_kind_what_it_rests_on_and_whether_it_was_confirmed(officer_a: User) -> None:
    url, _, body = BODIES["position"]
    citation = {**CITATION, "kind": "statement", "verified": False}
    source = client_for(officer_a).post(url, {**body, "source": citation}, format="json").json()["source"]
    assert (source["kind"], source["basis"], source["unconfirmed"]) == ("statement", "speech", True)
    official = {
        **CITATION,
        "document": "Act",
        "kind": "law",
        "primary_url": "https://gov.example/act",
        "verified": True,
    }
    listed = (
        client_for(officer_a)
        .put(
            f"/api/v1/positions/{Position.objects.get().pk}/",
            {"pqc_stance": "evaluating", "source": official},
            format="json",
            HTTP_IF_MATCH=client_for(officer_a).get(f"/api/v1/positions/{Position.objects.get().pk}/")["ETag"],
        )
        .json()["source"]
    )
    assert (listed["kind"], listed["basis"], listed["unconfirmed"]) == ("law", "official_document", False)


def test_each_finding_shows_what_it_rests_on_in_the_list_and_the_detail(
    planner: User, nation_a: Nation, nation_b: Nation
) -> None:
    evidence = [
        {"model": "positions.position", "id": 1, "label": "AA position", "basis": "secondary_only", "verified": False},
        {"model": "positions.position", "id": 2, "label": "BB position", "basis": "speech", "verified": False},
    ]
    finding = make_finding(nation_a, nation_b, evidence=evidence)
    client = client_for(planner)
    [row] = client.get("/api/v1/findings/").json()["results"]
    detail = client.get(f"/api/v1/findings/{finding.pk}/").json()
    assert (row["rests_on"], row["unconfirmed"]) == ("speech", True)
    assert (detail["rests_on"], detail["unconfirmed"]) == ("speech", True)


@pytest.mark.parametrize("caller", ["analyst", "catalogue_token"])
@pytest.mark.parametrize("citation", list(REFUSED))
def test_a_work_item_status_a_person_records_cites_its_source_too(
    request: pytest.FixtureRequest, nation_a: Nation, nation_b: Nation, ally: Coalition, caller: str, citation: str
) -> None:
    world = build_world(nation_a, nation_b, ally)
    statuses, sources = WorkItemStatus.objects.count(), Source.objects.count()
    url = f"/api/v1/work-items/{world.work_item.pk}/statuses/"
    body = {"status": "rfc", "on": "2026-03", "source": REFUSED[citation]}
    _refused(client_for(request.getfixturevalue(caller)).post(url, body, format="json"))
    assert WorkItemStatus.objects.count() == statuses
    assert Source.objects.count() == sources
    sourced = client_for(request.getfixturevalue(caller)).post(url, {**body, "source": CITATION}, format="json")
    assert sourced.status_code == 201, sourced.content
