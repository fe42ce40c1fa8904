"""Every endpoint, every method, every persona: the exact status.

Personas: anonymous; officer_a (a liaison officer of A, touching A and B); planner; analyst; an administrator
(signed in: who alone writes nations, coalitions and memberships, which no token may); a read-only
token; a write token for A; a catalogue token (a standards analyst's, for a standards feed); an expired token;
a revoked token. Tokens belong to ``system_a``, an external system of nation A, but the catalogue token."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.api.etag import etag_for
from apps.nations.models import Coalition, Membership, Nation
from tests.api.conftest import CITATION, PERSONAS
from tests.api.scenario import World, build_world, hybrid_mechanism_body, waiver_expiry

NO_ACCESS = {"anonymous": 401, "expired_token": 401, "revoked_token": 401}
READ = {**NO_ACCESS, **{p: 200 for p in PERSONAS if p not in NO_ACCESS}}


def only(allowed: dict[str, int]) -> dict[str, int]:
    """Everyone signed in is refused (403) except the personas in ``allowed``."""
    return {**{p: 403 for p in PERSONAS}, **NO_ACCESS, **allowed}


@dataclass
class Case:
    method: str
    path: Callable[[World], str]
    expected: dict[str, int]
    body: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    if_match: Callable[[World], Any] | None = None


def source() -> dict[str, Any]:
    return dict(CITATION)


CASES: dict[str, Case] = {
    "api root": Case("get", lambda w: "/api/v1/", READ),
    "nations list": Case("get", lambda w: "/api/v1/nations/", READ),
    "nation detail": Case("get", lambda w: "/api/v1/nations/AA/", READ),
    "coalitions list": Case("get", lambda w: "/api/v1/coalitions/", READ),
    "coalition detail": Case("get", lambda w: "/api/v1/coalitions/ALLY/", READ),
    "memberships list": Case("get", lambda w: "/api/v1/memberships/?coalition=ALLY", READ),
    "positions current": Case("get", lambda w: "/api/v1/positions/", READ),
    "positions as of": Case("get", lambda w: "/api/v1/positions/?as_of=2025-06-01", READ),
    "positions history": Case("get", lambda w: "/api/v1/positions/history/?nation=AA", READ),
    "position detail": Case("get", lambda w: f"/api/v1/positions/{w.position_a.pk}/", READ),
    "approvals list": Case("get", lambda w: "/api/v1/approvals/", READ),
    "approvals history": Case("get", lambda w: "/api/v1/approvals/history/", READ),
    "milestones list": Case("get", lambda w: "/api/v1/milestones/", READ),
    "milestone detail": Case("get", lambda w: f"/api/v1/milestones/{w.milestone_a.pk}/", READ),
    "algorithms list": Case("get", lambda w: "/api/v1/algorithms/", READ),
    "algorithm detail": Case("get", lambda w: f"/api/v1/algorithms/{w.algorithm.pk}/", READ),
    "parameter sets list": Case("get", lambda w: "/api/v1/parameter-sets/", READ),
    "standards bodies list": Case("get", lambda w: "/api/v1/standards-bodies/", READ),
    "standards body detail": Case("get", lambda w: "/api/v1/standards-bodies/IETF/", READ),
    "protocols list": Case("get", lambda w: "/api/v1/protocols/", READ),
    "work items list": Case("get", lambda w: "/api/v1/work-items/", READ),
    "work item detail": Case("get", lambda w: f"/api/v1/work-items/{w.work_item.pk}/", READ),
    "work item statuses": Case("get", lambda w: f"/api/v1/work-items/{w.work_item.pk}/statuses/", READ),
    "mechanisms list": Case("get", lambda w: "/api/v1/mechanisms/?protocol=TLS", READ),
    "mechanism detail": Case("get", lambda w: f"/api/v1/mechanisms/{w.mechanism.pk}/", READ),
    "findings list": Case("get", lambda w: "/api/v1/findings/?pair=AA,BB", READ),
    "finding detail": Case("get", lambda w: f"/api/v1/findings/{w.finding.pk}/", READ),
    "finding events": Case("get", lambda w: f"/api/v1/findings/{w.finding.pk}/events/", READ),
    "gap runs list": Case("get", lambda w: "/api/v1/gap-runs/", READ),
    "coalition matrix": Case("get", lambda w: "/api/v1/reports/coalitions/ALLY/matrix/", READ),
    "protocol readiness": Case("get", lambda w: "/api/v1/reports/protocol-readiness/", READ),
    "declare position for A": Case(
        "post",
        lambda w: "/api/v1/positions/",
        only({"officer_a": 201, "write_token_a": 201, "administrator": 201}),
        lambda w: {"nation": "AA", "scope": "government", "pqc_stance": "adopt_mandated", "source": source()},
    ),
    "declare position for B": Case(
        "post",
        lambda w: "/api/v1/positions/",
        only({"administrator": 201}),
        lambda w: {"nation": "BB", "scope": "government", "pqc_stance": "adopt_mandated", "source": source()},
    ),
    "supersede position of A": Case(
        "put",
        lambda w: f"/api/v1/positions/{w.position_a.pk}/",
        only({"officer_a": 200, "write_token_a": 200, "administrator": 200}),
        lambda w: {"pqc_stance": "adopt_mandated", "qkd_stance": "rejects", "declared": "2026-01", "source": source()},
        lambda w: etag_for(w.position_a),
    ),
    "supersede position of B": Case(
        "patch",
        lambda w: f"/api/v1/positions/{w.position_b.pk}/",
        only({"administrator": 200}),
        lambda w: {"pqc_stance": "adopt_mandated"},
        lambda w: etag_for(w.position_b),
    ),
    "preview position for A": Case(
        "post",
        lambda w: "/api/v1/positions/preview/",
        only({"officer_a": 200, "write_token_a": 200, "administrator": 200}),
        lambda w: {"nation": "AA", "qkd_stance": "deploying", "source": source()},
    ),
    "preview position for B": Case(
        "post",
        lambda w: "/api/v1/positions/preview/",
        only({"administrator": 200}),
        lambda w: {"nation": "BB", "qkd_stance": "deploying", "source": source()},
    ),
    "preview approval for A": Case(
        "post",
        lambda w: "/api/v1/approvals/preview/",
        only({"officer_a": 200, "write_token_a": 200, "administrator": 200}),
        lambda w: {"nation": "AA", "algorithm": "ML-KEM", "status": "approved", "source": source()},
    ),
    "preview milestone for A": Case(
        "post",
        lambda w: "/api/v1/milestones/preview/",
        only({"officer_a": 200, "write_token_a": 200, "administrator": 200}),
        lambda w: {"nation": "AA", "kind": "complete", "title": "Done", "target": "2035", "source": source()},
    ),
    "preview milestone for B": Case(
        "post",
        lambda w: "/api/v1/milestones/preview/",
        only({"administrator": 200}),
        lambda w: {"nation": "BB", "kind": "complete", "title": "Done", "target": "2035", "source": source()},
    ),
    "approve for A": Case(
        "post",
        lambda w: "/api/v1/approvals/",
        only({"officer_a": 201, "write_token_a": 201, "administrator": 201}),
        lambda w: {
            "nation": "AA",
            "algorithm": "ML-KEM",
            "parameter_set": "ML-KEM-768",
            "status": "approved",
            "source": source(),
        },
    ),
    "approve for B": Case(
        "post",
        lambda w: "/api/v1/approvals/",
        only({"administrator": 422}),
        lambda w: {"nation": "BB", "algorithm": "ML-KEM", "status": "approved"},
    ),
    "milestone for B": Case(
        "post",
        lambda w: "/api/v1/milestones/",
        only({"administrator": 422}),
        lambda w: {"nation": "BB", "kind": "complete", "title": "Done", "target": "2035"},
    ),
    "move milestone of A": Case(
        "patch",
        lambda w: f"/api/v1/milestones/{w.milestone_a.pk}/",
        only({"officer_a": 200, "write_token_a": 200, "administrator": 200}),
        lambda w: {"target": "2031-06", "source": source()},
        lambda w: etag_for(w.milestone_a),
    ),
    "withdraw milestone of A": Case(
        "post",
        lambda w: f"/api/v1/milestones/{w.milestone_a.pk}/withdraw/",
        only({"officer_a": 200, "write_token_a": 200, "administrator": 200}),
        lambda w: {"reason": "The plan was replaced."},
        lambda w: etag_for(w.milestone_a),
    ),
    "withdraw milestone of B": Case(
        "post",
        lambda w: f"/api/v1/milestones/{w.milestone_b.pk}/withdraw/",
        only({"administrator": 200}),
        lambda w: {"reason": "The plan was replaced."},
        lambda w: etag_for(w.milestone_b),
    ),
    "reconfirm position of A": Case(
        "post",
        lambda w: f"/api/v1/positions/{w.position_a.pk}/reconfirm/",
        only({"officer_a": 200, "write_token_a": 200, "administrator": 200}),
        lambda w: {},
        lambda w: etag_for(w.position_a),
    ),
    "reconfirm position of B": Case(
        "post",
        lambda w: f"/api/v1/positions/{w.position_b.pk}/reconfirm/",
        only({"administrator": 200}),
        lambda w: {},
        lambda w: etag_for(w.position_b),
    ),
    "reconfirm unsourced milestone of A": Case(
        "post",
        lambda w: f"/api/v1/milestones/{w.milestone_a.pk}/reconfirm/",
        only({"officer_a": 422, "write_token_a": 422, "administrator": 422}),
        lambda w: {},
        lambda w: etag_for(w.milestone_a),
    ),
    "add algorithm": Case(
        "post",
        lambda w: "/api/v1/algorithms/",
        only({"analyst": 201, "catalogue_token": 201, "administrator": 201}),
        lambda w: {"name": "HQC", "kind": "kem", "security_categories": [1, 3, 5]},
    ),
    "edit algorithm": Case(
        "patch",
        lambda w: f"/api/v1/algorithms/{w.algorithm.pk}/",
        only({"analyst": 200, "catalogue_token": 200, "administrator": 200}),
        lambda w: {"standard": "FIPS 203"},
        lambda w: etag_for(w.algorithm),
    ),
    "add parameter set": Case(
        "post",
        lambda w: "/api/v1/parameter-sets/",
        only({"analyst": 201, "catalogue_token": 201, "administrator": 201}),
        lambda w: {"algorithm": "ML-KEM", "name": "ML-KEM-1024", "security_category": 5},
    ),
    "add standards body": Case(
        "post",
        lambda w: "/api/v1/standards-bodies/",
        only({"analyst": 201, "catalogue_token": 201, "administrator": 201}),
        lambda w: {"code": "ETSI"},
    ),
    "add protocol": Case(
        "post",
        lambda w: "/api/v1/protocols/",
        only({"analyst": 201, "catalogue_token": 201, "administrator": 201}),
        lambda w: {"code": "SSH"},
    ),
    "add work item": Case(
        "post",
        lambda w: "/api/v1/work-items/",
        only({"analyst": 201, "catalogue_token": 201, "administrator": 201}),
        lambda w: {"body": "IETF", "identifier": "draft-x", "title": "X", "protocol": "TLS", "algorithms": ["ML-KEM"]},
    ),
    "edit work item": Case(
        "put",
        lambda w: f"/api/v1/work-items/{w.work_item.pk}/",
        only({"analyst": 200, "catalogue_token": 200, "administrator": 200}),
        lambda w: {"title": "ML-KEM in TLS", "protocol": "TLS", "expected_completion": "2026"},
        lambda w: etag_for(w.work_item),
    ),
    "record work item status": Case(
        "post",
        lambda w: f"/api/v1/work-items/{w.work_item.pk}/statuses/",
        only({"analyst": 201, "catalogue_token": 201, "administrator": 201}),
        lambda w: {"status": "rfc", "on": "2026-03", "source": CITATION},
    ),
    "add mechanism": Case(
        "post",
        lambda w: "/api/v1/mechanisms/",
        only({"analyst": 201, "catalogue_token": 201, "administrator": 201}),
        hybrid_mechanism_body,
    ),
    "edit mechanism": Case(
        "patch",
        lambda w: f"/api/v1/mechanisms/{w.mechanism.pk}/",
        only({"analyst": 200, "catalogue_token": 200, "administrator": 200}),
        lambda w: {"code_point": "0x0201"},
        lambda w: etag_for(w.mechanism),
    ),
    "add nation": Case(
        "post", lambda w: "/api/v1/nations/", only({"administrator": 201}), lambda w: {"code": "DE", "name": "Germany"}
    ),
    "rename nation": Case(
        "patch",
        lambda w: "/api/v1/nations/AA/",
        only({"administrator": 200}),
        lambda w: {"name": "Avalonia"},
        lambda w: etag_for(Nation.objects.get(code="AA")),
    ),
    "add coalition": Case(
        "post",
        lambda w: "/api/v1/coalitions/",
        only({"administrator": 201}),
        lambda w: {"code": "AUKUS", "name": "AUKUS", "kind": "security"},
    ),
    "edit coalition": Case(
        "patch",
        lambda w: "/api/v1/coalitions/ALLY/",
        only({"administrator": 200}),
        lambda w: {"is_defence": False},
        lambda w: etag_for(Coalition.objects.get(code="ALLY")),
    ),
    "add membership": Case(
        "post",
        lambda w: "/api/v1/memberships/",
        only({"administrator": 201}),
        lambda w: {"coalition": "ALLY", "nation": "CC", "reason": "C joined"},
    ),
    "change membership": Case(
        "put",
        lambda w: f"/api/v1/memberships/{Membership.objects.get(nation__code='AA').pk}/",
        only({"administrator": 200}),
        lambda w: {"joined": "1949", "reason": "A joined in 1949"},
        lambda w: etag_for(Membership.objects.get(nation__code="AA")),
    ),
    "acknowledge finding": Case(
        "post",
        lambda w: f"/api/v1/findings/{w.finding.pk}/acknowledge/",
        only({"planner": 200, "administrator": 200}),
        lambda w: {"reason": "Tracked in the joint plan."},
        lambda w: etag_for(w.finding),
    ),
    "waive finding": Case(
        "post",
        lambda w: f"/api/v1/findings/{w.finding.pk}/waive/",
        only({"planner": 200, "administrator": 200}),
        lambda w: {"reason": "Bilateral exception.", "expires_on": waiver_expiry()},
        lambda w: etag_for(w.finding),
    ),
    "recompute now": Case("post", lambda w: "/api/v1/gap-runs/", only({"planner": 202, "administrator": 202})),
}


@pytest.fixture
def world(nation_a: Nation, nation_b: Nation, nation_c: Nation, ally: Coalition) -> World:
    """The scenario world, and C (outside ALLY) for a membership to add."""
    return build_world(nation_a, nation_b, ally)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case_name", CASES)
def test_permission_matrix(
    case_name: str, persona: str, world: World, persona_client: Callable[[str], APIClient]
) -> None:
    case = CASES[case_name]
    client = persona_client(persona)
    headers = {"HTTP_IF_MATCH": case.if_match(world)} if case.if_match else {}
    kwargs: dict[str, Any] = {"format": "json", **headers}
    if case.method != "get":
        kwargs["data"] = case.body(world)
    response = getattr(client, case.method)(case.path(world), **kwargs)
    assert response.status_code == case.expected[persona], response.content
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == response.status_code
