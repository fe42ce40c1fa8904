"""Previews of a draft position, approval or milestone through the API (issue 13): the body a create takes,
answered with the field changes from the record in force, the gaps it would open and the findings it would
resolve, scoped to the caller's clearance, writing nothing at all. Who may call them: the permission
matrix; here what they answer."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.accounts.models import Role, User
from apps.algorithms.services import algorithm_upsert, parameter_set_upsert
from apps.api.models import IdempotencyKey
from apps.audit.models import AuditEvent
from apps.gaps import engine
from apps.gaps.models import Finding, FindingEvent, GapRun, RecomputeRequest, RunTrigger
from apps.nations.models import Coalition, Nation
from apps.positions.models import Approval, Milestone, Position
from apps.sources.models import Source
from tests.api.conftest import CITATION, IssuedToken, _issue, client_for
from tests.api.scenario import World, build_world
from tests.api.test_sources_required import REFUSED
from tests.factories import CoalitionFactory, MembershipFactory, UserFactory

MILESTONE = {"nation": "AA", "kind": "complete", "title": "Done", "target": "2034", "source": CITATION}
APPROVAL = {
    "nation": "AA", "algorithm": "ML-KEM", "parameter_set": "ML-KEM-768", "status": "approved", "source": CITATION,
}  # fmt: skip
POSITION = {"nation": "AA", "pqc_stance": "undeclared", "qkd_stance": "deploying", "source": CITATION}
#: What ``CITATION`` rests on (no official document: secondary pages only) and that it was not confirmed.
UNCONFIRMED_SECONDARY = {"basis": "secondary_only", "verified": False}
PREVIEWS = {
    "positions": POSITION,
    "approvals": APPROVAL,
    "milestones": MILESTONE,
}


@pytest.fixture
def world(nation_a: Nation, nation_b: Nation, ally: Coalition) -> World:
    """The API world with its findings computed (not the hand-made one): deadline risk for A and B."""
    world = build_world(nation_a, nation_b, ally)
    Finding.objects.all().delete()
    engine.recompute(trigger=RunTrigger.SWEEP)
    return world


def _everything() -> dict[str, int]:
    """Row counts of every table a declaration (or a token's use) could write."""
    models: list[Any] = [
        Position, Approval, Milestone, Source, Finding, FindingEvent, GapRun, RecomputeRequest, IdempotencyKey,
        AuditEvent,
    ]  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def _keys(findings: list[dict[str, Any]]) -> list[str]:
    return [f["key"] for f in findings]


@pytest.mark.parametrize("resource", PREVIEWS)
def test_a_preview_writes_nothing(resource: str, world: World, write_token_a: IssuedToken) -> None:
    client = client_for(write_token_a)
    client.get("/api/v1/nations/")  # the token's first use is stamped (and audited): not the preview's doing
    before = _everything()
    response = client.post(
        f"/api/v1/{resource}/preview/", PREVIEWS[resource], format="json", HTTP_IDEMPOTENCY_KEY=f"preview-{resource}"
    )
    assert response.status_code == 200, response.content
    assert "ETag" not in response and "Location" not in response
    assert _everything() == before


def test_a_milestone_preview_resolves_the_deadline_risk(world: World, officer_a: User) -> None:
    response = client_for(officer_a).post("/api/v1/milestones/preview/", MILESTONE, format="json")
    body = response.json()
    assert body["current"] is None  # nothing in force for (complete, all, "Done")
    assert _keys(body["resolves"]) == ["deadline_risk:AA"]
    assert body["resolves"][0]["id"] == Finding.objects.get(key="deadline_risk:AA").pk
    assert body["opens"] == []
    assert {c["field"]: c["after"] for c in body["changes"]}["target"] == "2034"


def test_an_approval_preview_opens_a_gap_citing_the_draft(world: World, officer_a: User) -> None:
    body = client_for(officer_a).post("/api/v1/approvals/preview/", APPROVAL, format="json").json()
    assert _keys(body["opens"]) == ["standard_not_ready:AA:TLS"]
    [opened] = body["opens"]
    assert opened["nation_a"] == "AA" and opened["protocol"] == "TLS" and opened["as_of"]
    drafts = [e for e in opened["evidence"] if e["model"] == "positions.approval"]
    label = "AA ML-KEM-768: approved (all)"
    assert drafts == [{"model": "positions.approval", "id": None, "label": label, **UNCONFIRMED_SECONDARY}]
    assert body["resolves"] == []


def test_a_position_preview_starts_from_the_position_in_force(world: World, officer_a: User) -> None:
    body = client_for(officer_a).post("/api/v1/positions/preview/", POSITION, format="json").json()
    assert body["current"]["id"] == world.position_a.pk
    changes = {c["field"]: (c["before"], c["after"]) for c in body["changes"]}
    assert changes["qkd_stance"] == ("Rejects", "Deploying")
    assert changes["pqc_stance"] == ("Adoption recommended", "Undeclared")
    assert "releasability" not in changes  # public before and after
    assert _keys(body["opens"]) == ["qkd_divergence:AA:BB", "undeclared_stance:AA"]


def test_an_approval_preview_of_the_one_in_force_changes_only_what_differs(world: World, officer_a: User) -> None:
    client = client_for(officer_a)
    assert client.post("/api/v1/approvals/", APPROVAL, format="json").status_code == 201
    body = client.post("/api/v1/approvals/preview/", {**APPROVAL, "status": "mandated"}, format="json").json()
    assert body["current"]["status"] == "approved"
    changes = [(c["field"], c["before"], c["after"]) for c in body["changes"]]
    assert ("status", "Approved", "Mandated") in changes
    assert {field for field, _, _ in changes} == {"status"}  # the draft cites the same source


def test_a_preview_shows_no_gap_derived_from_what_the_caller_may_not_see(
    world: World, nation_b: Nation, officer_a: User, administrator: User
) -> None:
    """B's position becomes releasable only to a coalition A is not in: a gap citing it is not A's to see."""
    private = CoalitionFactory(code="BONLY", name="B alone")
    MembershipFactory(coalition=private, nation=nation_b)
    Position.objects.filter(pk=world.position_b.pk).update(releasability=private)
    seen_by_a = client_for(officer_a).post("/api/v1/positions/preview/", POSITION, format="json").json()
    seen_by_all = client_for(administrator).post("/api/v1/positions/preview/", POSITION, format="json").json()
    assert "qkd_divergence:AA:BB" in _keys(seen_by_all["opens"])
    assert "qkd_divergence:AA:BB" not in _keys(seen_by_a["opens"])
    assert "undeclared_stance:AA" in _keys(seen_by_a["opens"])


def test_a_preview_resolves_only_findings_the_caller_may_see(
    world: World, nation_a: Nation, ally: Coalition, officer_a: User
) -> None:
    Finding.objects.filter(key="deadline_risk:AA").update(required_clearances=[ally.pk + 1000])
    body = client_for(officer_a).post("/api/v1/milestones/preview/", MILESTONE, format="json").json()
    assert body["resolves"] == []


def test_a_token_previews_only_for_the_nations_it_names(nation_a: Nation, nation_b: Nation, ally: Coalition) -> None:
    both = UserFactory(username="system_ab", role=Role.SYSTEM, nation=nation_a, liaison_for=[nation_a, nation_b])
    build_world(nation_a, nation_b, ally)
    token = _issue(both, ["read", "write"], [nation_a])
    response = client_for(token).post("/api/v1/positions/preview/", {**POSITION, "nation": "BB"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "This token may not write for that nation."
    session = APIClient()
    session.force_login(both)
    assert session.post("/api/v1/positions/preview/", {**POSITION, "nation": "BB"}, format="json").status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({**APPROVAL, "nation": "ZZ"}, 422, "nation"),
        ({**APPROVAL, "algorithm": "Nope"}, 422, "algorithm"),
        ({**APPROVAL, "colour": "blue"}, 400, "colour"),
        ({**APPROVAL, "parameter_set": "ML-KEM-1024"}, 400, "parameter_set"),
        ({k: v for k, v in APPROVAL.items() if k != "status"}, 400, "status"),
    ],
)
def test_a_bad_draft_is_a_clear_4xx(
    body: dict[str, Any], status: int, field: str, world: World, officer_a: User
) -> None:
    other = algorithm_upsert(name="Other", kind="kem", actor=None, source=None)
    parameter_set_upsert(algorithm=other, name="ML-KEM-1024", security_category=5, actor=None)  # not ML-KEM's
    response = client_for(officer_a).post("/api/v1/approvals/preview/", body, format="json")
    assert response.status_code == status, response.content
    assert field in response.json()["errors"]


def test_the_previews_are_in_the_schema(client: Any) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for resource, component in (("positions", "Position"), ("approvals", "Approval"), ("milestones", "Milestone")):
        operation = schema["paths"][f"/api/v1/{resource}/preview/"]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"$ref": f"#/components/schemas/{component}CreateInputRequest"}
        answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert answer == {"$ref": f"#/components/schemas/{component}PreviewOutput"}
        assert {"400", "401", "403", "422"} <= set(operation["responses"]) and "409" not in operation["responses"]
        assert "Idempotency-Key" not in {p["name"] for p in operation.get("parameters", [])}
        assert "A token needs the `write` scope." in operation["description"]
    output = schema["components"]["schemas"]["PositionPreviewOutput"]["properties"]
    assert set(output) == {"changes", "opens", "resolves", "current"}


def test_a_preview_costs_a_fixed_number_of_queries(
    world: World, write_token_a: IssuedToken, django_assert_num_queries: Any
) -> None:
    client = client_for(write_token_a)
    client.get("/api/v1/nations/")  # stamps the token's last use
    with django_assert_num_queries(PREVIEW_QUERIES):
        response = client.post("/api/v1/approvals/preview/", APPROVAL, format="json")
    assert response.status_code == 200


#: The token with its user and the owner's clearance (1); the body's nation, algorithm and parameter set (3);
#: the token's nations and the owner's (2); the snapshot, loaded once for before and after (``load_snapshot``'s
#: thirteen); the approval in force as the caller sees it (1). The findings it would resolve cost one more when
#: there are any (here none: an empty key list is no query).
PREVIEW_QUERIES = 20


# --- a draft cites its source as the save must (issue 13, 10) ------------------------------------------


def _answer(response: Any) -> tuple[int, list[str]]:
    assert response.status_code < 500, response.content
    return response.status_code, response.json().get("errors", {}).get("source")


@pytest.mark.parametrize("resource", PREVIEWS)
@pytest.mark.parametrize("citation", list(REFUSED))
@pytest.mark.parametrize("caller", ["officer_a", "write_token_a", "administrator"])
def test_a_preview_without_a_proper_source_is_refused_as_the_save_is(
    request: pytest.FixtureRequest, world: World, resource: str, citation: str, caller: str
) -> None:
    # A scope with nothing in force, so that the save is a first declaration (not a conflict).
    body = {**PREVIEWS[resource], "scope": "national_security_systems", "source": REFUSED[citation]}
    client = client_for(request.getfixturevalue(caller))
    before = _everything()
    previewed = _answer(client.post(f"/api/v1/{resource}/preview/", body, format="json"))
    saved = _answer(client.post(f"/api/v1/{resource}/", body, format="json", HTTP_IDEMPOTENCY_KEY=citation))
    assert previewed == saved and previewed[0] in (400, 422) and previewed[1]
    assert {k: v for k, v in _everything().items() if k != "AuditEvent"} == {
        k: v for k, v in before.items() if k != "AuditEvent"
    }  # a token's first use is audited


@pytest.mark.parametrize("resource", PREVIEWS)
def test_an_omitted_source_is_refused_too_but_not_before_the_permission(
    resource: str, world: World, officer_a: User, officer_b: User
) -> None:
    body = {k: v for k, v in PREVIEWS[resource].items() if k != "source"}
    assert _answer(client_for(officer_a).post(f"/api/v1/{resource}/preview/", body, format="json")) == (
        422,
        ["Cite the source of this declaration."],
    )
    assert client_for(officer_b).post(f"/api/v1/{resource}/preview/", body, format="json").status_code == 403


@pytest.mark.parametrize("citation", list(REFUSED))
@pytest.mark.parametrize("caller", ["analyst", "catalogue_token"])
def test_a_status_preview_without_a_proper_source_is_refused_as_the_save_is(
    request: pytest.FixtureRequest, world: World, citation: str, caller: str
) -> None:
    client = client_for(request.getfixturevalue(caller))
    body = {"status": "rfc", "on": "2026-03", "source": REFUSED[citation]}
    url = f"/api/v1/work-items/{world.work_item.pk}/"
    previewed = _answer(client.post(f"{url}preview-status/", body, format="json"))
    saved = _answer(client.post(f"{url}statuses/", body, format="json"))
    assert previewed == saved and previewed[0] in (400, 422) and previewed[1]
    assert client.post(f"{url}preview-status/", {**body, "source": CITATION}, format="json").status_code == 200
