"""``as_of`` and ``known_at`` on the findings list and the coalition matrix: another date's answer is that
date's evaluation, scoped like stored findings and paginated like today's list; a bad date is a 400
problem, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from jsonschema import Draft202012Validator

from apps.accounts.models import User
from apps.gaps import engine
from apps.gaps.models import RunTrigger
from apps.nations.models import Coalition, Nation
from apps.positions.models import QkdStance
from tests.api.conftest import client_for
from tests.factories import declare

MATRIX = "/api/v1/reports/coalitions/ALLY/matrix/"
FINDINGS = "/api/v1/findings/"


@pytest.fixture
def divergent(nation_a: Nation, nation_b: Nation, ally: Coalition) -> None:
    """A deploys QKD, B rejects it (B's stance releasable to ALLY only). Nothing computed or stored yet."""
    declare(nation_a, qkd_stance=QkdStance.DEPLOYING)
    declare(nation_b, qkd_stance=QkdStance.REJECTS, releasability=ally)


def _cell(body: dict[str, Any], a: str, b: str) -> dict[str, Any]:
    row = next(r for r in body["rows"] if r["nation"] == a)
    return next(c for c in row["cells"] if c["nation"] == b)


def test_the_matrix_on_another_date_comes_from_that_dates_evaluation(divergent: None, planner: User) -> None:
    client = client_for(planner)
    today = client.get(MATRIX).json()
    assert today["evaluated"] is False and _cell(today, "AA", "BB")["severity"] is None  # nothing stored yet
    then = client.get(MATRIX, {"as_of": "2031-01-01"}).json()
    assert then["evaluated"] is True and then["as_of"] == "2031-01-01"
    assert _cell(then, "AA", "BB")["severity"] is not None


def test_known_at_before_a_correction_gives_the_old_belief(nation_a: Nation, divergent: None, planner: User) -> None:
    before = timezone.now()
    declare(nation_a, qkd_stance=QkdStance.REJECTS)  # the correction
    client = client_for(planner)
    believed = client.get(FINDINGS, {"as_of": "2025-06-01", "known_at": before.isoformat(), "rule": "qkd_divergence"})
    known = client.get(FINDINGS, {"as_of": "2025-06-01", "rule": "qkd_divergence"})
    assert believed.status_code == known.status_code == 200
    assert [g["key"] for g in believed.json()["results"]] == ["qkd_divergence:AA:BB"]
    assert believed.json()["known_at"] is not None
    assert known.json()["results"] == []


def test_evaluated_findings_carry_their_dates_and_evidence(divergent: None, planner: User) -> None:
    body = client_for(planner).get(FINDINGS, {"as_of": "2031-01-01", "pair": "AA,BB"}).json()
    [gap] = [g for g in body["results"] if g["rule"] == "qkd_divergence"]
    assert gap["as_of"] == "2031-01-01" and gap["known_at"] is None
    assert {e["model"] for e in gap["evidence"]} == {"positions.position"}
    assert body["count"] == len(body["results"])


def test_an_outsider_does_not_see_an_evaluated_gap_behind_a_restricted_record(
    divergent: None, planner: User, outside_planner: User
) -> None:
    query = {"as_of": "2031-01-01", "rule": "qkd_divergence"}
    assert client_for(planner).get(FINDINGS, query).json()["count"] == 1
    assert client_for(outside_planner).get(FINDINGS, query).json()["count"] == 0
    outsider_matrix = client_for(outside_planner).get(MATRIX, {"as_of": "2031-01-01"}).json()
    assert _cell(outsider_matrix, "AA", "BB")["severity"] is None


def test_anonymous_callers_get_no_evaluation(divergent: None) -> None:
    assert client_for(None).get(FINDINGS, {"as_of": "2031-01-01"}).status_code in (401, 403)
    assert client_for(None).get(MATRIX, {"as_of": "2031-01-01"}).status_code in (401, 403)


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        (MATRIX, {"as_of": "2031-02-30"}, "as_of"),
        (MATRIX, {"known_at": "soon"}, "known_at"),
        (FINDINGS, {"as_of": "99999-01-01"}, "as_of"),
        (FINDINGS, {"known_at": "2025-06-01T25:00"}, "known_at"),
        (FINDINGS, {"as_of": "2031-01-01", "pair": "AA"}, "pair"),
    ],
)
def test_bad_dates_are_400_problems_naming_the_field(
    divergent: None, planner: User, path: str, query: dict[str, str], field: str
) -> None:
    response = client_for(planner).get(path, query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert field in response.json()["errors"]


def test_today_still_reads_the_stored_findings(divergent: None, planner: User) -> None:
    engine.recompute(trigger=RunTrigger.SWEEP)
    body = client_for(planner).get(FINDINGS, {"rule": "qkd_divergence"}).json()
    assert [f["key"] for f in body["results"]] == ["qkd_divergence:AA:BB"] and "id" in body["results"][0]


def test_evaluated_query_counts_are_pinned(divergent: None, planner: User, django_assert_num_queries: Any) -> None:
    client = client_for(planner)
    client.get(MATRIX)  # the session's first request loads the user
    # session + user, the coalition, the snapshot's thirteen reads (memberships, nations, coalitions,
    # positions, approvals, milestones, algorithms, parameter sets, protocols, work-item algorithms,
    # statuses, work items, mechanisms), then the caller's clearance (their nation's memberships)
    with django_assert_num_queries(17):
        assert client.get(MATRIX, {"as_of": "2031-01-01"}).status_code == 200
    # memberships as known then come from the trail (two reads) instead of the table
    known_at = timezone.now().isoformat()
    with django_assert_num_queries(18):
        assert client.get(MATRIX, {"as_of": "2031-01-01", "known_at": known_at}).status_code == 200
    with django_assert_num_queries(17):  # the same reads, the coalition through the filter
        assert client.get(FINDINGS, {"as_of": "2031-01-01", "coalition": "ALLY"}).status_code == 200


def test_another_dates_findings_come_by_the_page_like_todays(divergent: None, planner: User) -> None:
    client = client_for(planner)
    whole = client.get(FINDINGS, {"as_of": "2031-01-01", "page_size": 100}).json()
    keys = [g["key"] for g in whole["results"]]
    assert len(keys) >= 3 and whole["next"] is None and whole["previous"] is None
    pages, url = [], f"{FINDINGS}?as_of=2031-01-01&page_size=2"
    while url:
        pages.append(client.get(url).json())
        assert pages[-1]["count"] == len(keys) and len(pages[-1]["results"]) <= 2
        url = pages[-1]["next"]
    assert [g["key"] for page in pages for g in page["results"]] == keys  # every gap once, worst first
    assert pages[0]["previous"] is None and len(pages) == (len(keys) + 1) // 2
    back = client.get(pages[1]["previous"]).json()
    assert [g["key"] for g in back["results"]] == keys[:2] and back["previous"] is None
    today = client.get(FINDINGS, {"page_size": 2}).json()
    assert set(today) == {"next", "previous", "results"} < set(pages[0])


@pytest.mark.parametrize(("query", "status"), [({"page_size": "0"}, 400), ({"cursor": "bm9wZQ"}, 404)])
def test_bad_page_parameters_on_another_date_are_refused(
    divergent: None, planner: User, query: dict[str, str], status: int
) -> None:
    response = client_for(planner).get(FINDINGS, {"as_of": "2031-01-01", **query})
    assert response.status_code == status and response["Content-Type"].startswith("application/problem+json")


def _json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema node as JSON Schema (``nullable`` becomes a null alternative)."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    return {"anyOf": [converted, {"type": "null"}]} if node.get("nullable") else converted


def test_each_answer_of_the_list_matches_exactly_one_of_its_declared_shapes(divergent: None, planner: User) -> None:
    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    components = _json_schema(document["components"])

    def shapes(body: dict[str, Any]) -> list[str]:
        return [
            name
            for name in ("FindingPageOutput", "EvaluationOutput")
            if Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": components}).is_valid(body)
        ]

    client = client_for(planner)
    empty_then = client.get(FINDINGS, {"as_of": "2031-01-01", "rule": "no_common_signature"}).json()
    assert empty_then["results"] == [] and shapes(empty_then) == ["EvaluationOutput"]
    assert shapes(client.get(FINDINGS, {"as_of": "2031-01-01"}).json()) == ["EvaluationOutput"]
    engine.recompute(trigger=RunTrigger.SWEEP)
    assert shapes(client.get(FINDINGS).json()) == ["FindingPageOutput"]
