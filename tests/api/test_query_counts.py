"""Every list endpoint answers in a fixed number of queries, whatever the page size. Counted for a token
caller after a first request (which also stamps the token's last use)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from apps.algorithms.models import AlgorithmKind
from apps.algorithms.services import algorithm_upsert, parameter_set_upsert
from apps.core.dates import PartialDate
from apps.gaps.models import GapRun, RunTrigger
from apps.nations.models import Coalition, Nation
from apps.positions.models import MilestoneKind
from apps.positions.services import approval_set, milestone_set
from apps.standards.models import WorkItem
from apps.standards.services import (
    body_upsert,
    mechanism_upsert,
    protocol_upsert,
    work_item_status_record,
    work_item_upsert,
)
from tests.api.conftest import IssuedToken, client_for
from tests.api.scenario import make_finding
from tests.factories import CoalitionFactory, MembershipFactory, NationFactory, declare

ROWS = 6


def nations(a: Nation, b: Nation, ally: Coalition) -> None:
    for _ in range(ROWS):
        NationFactory()


def coalitions(a: Nation, b: Nation, ally: Coalition) -> None:
    for _ in range(ROWS):
        CoalitionFactory()


def memberships(a: Nation, b: Nation, ally: Coalition) -> None:
    for _ in range(ROWS):
        MembershipFactory(coalition=ally)


def positions(a: Nation, b: Nation, ally: Coalition) -> None:
    for i in range(ROWS):
        nation = NationFactory()
        declare(nation, releasability=ally if i % 2 else None)
        declare(nation, pqc_stance="evaluating", releasability=ally if i % 2 else None)


def _algorithm() -> Any:
    return algorithm_upsert(name="ML-KEM", kind=AlgorithmKind.KEM, actor=None, source=None)


def approvals(a: Nation, b: Nation, ally: Coalition) -> None:
    algorithm = _algorithm()
    for i in range(ROWS):
        ps = parameter_set_upsert(algorithm=algorithm, name=f"ML-KEM-{i}", security_category=3, actor=None)
        approval_set(nation=a, algorithm=algorithm, parameter_set=ps, status="approved", actor=None, source=None)


def milestones(a: Nation, b: Nation, ally: Coalition) -> None:
    for i in range(ROWS):
        milestone_set(
            nation=a,
            kind=MilestoneKind.PLAN,
            title=f"Plan {i}",
            target=PartialDate.parse("2030"),
            actor=None,
            source=None,
        )


def algorithms(a: Nation, b: Nation, ally: Coalition) -> None:
    for i in range(ROWS):
        algorithm_upsert(name=f"Algo {i}", kind=AlgorithmKind.KEM, actor=None, source=None)


def parameter_sets(a: Nation, b: Nation, ally: Coalition) -> None:
    algorithm = _algorithm()
    for i in range(ROWS):
        parameter_set_upsert(algorithm=algorithm, name=f"ML-KEM-{i}", security_category=3, actor=None)


def bodies(a: Nation, b: Nation, ally: Coalition) -> None:
    for i in range(ROWS):
        body_upsert(code=f"B{i}", actor=None)


def protocols(a: Nation, b: Nation, ally: Coalition) -> None:
    for i in range(ROWS):
        protocol_upsert(code=f"P{i}", actor=None)


def work_items(a: Nation, b: Nation, ally: Coalition) -> None:
    body, protocol, algorithm = (
        body_upsert(code="IETF", actor=None),
        protocol_upsert(code="TLS", actor=None),
        _algorithm(),
    )
    for i in range(ROWS):
        item = work_item_upsert(
            body=body, identifier=f"d{i}", title="T", protocol=protocol, algorithms=[algorithm], actor=None, source=None
        )
        work_item_status_record(work_item=item, status="draft", actor=None, source=None)
        work_item_status_record(work_item=item, status="rfc", on=PartialDate.parse("2026"), actor=None, source=None)


def mechanisms(a: Nation, b: Nation, ally: Coalition) -> None:
    work_items(a, b, ally)
    algorithm = _algorithm()
    items = list(WorkItem.objects.all())
    for i in range(ROWS):
        ps = parameter_set_upsert(algorithm=algorithm, name=f"ML-KEM-{i}", security_category=3, actor=None)
        mechanism_upsert(
            protocol=items[i].protocol,
            name=f"M{i}",
            actor=None,
            parameter_sets=[ps],
            work_items=items[: i + 1],
            kind="key_establishment",
            hybrid=bool(i % 2),
            classical_component="X25519" if i % 2 else "",
            cited_row="test",
        )


def findings(a: Nation, b: Nation, ally: Coalition) -> None:
    protocol = protocol_upsert(code="TLS", actor=None)
    for i in range(ROWS):
        make_finding(a, b, protocol=protocol, object=str(i), required_clearances=[ally.pk] if i % 2 else [])


def statuses(a: Nation, b: Nation, ally: Coalition) -> None:
    work_items(a, b, ally)


def gap_runs(a: Nation, b: Nation, ally: Coalition) -> None:
    GapRun.objects.bulk_create(GapRun(trigger=RunTrigger.SWEEP) for _ in range(ROWS))


AUTH = 1  # the token and its user, in one query
# the caller's coalition memberships, for releasability: read with the token (it was a query of its own)
CLEARANCE = 0
PAGE = 2  # the count and the page
CURSOR = 1  # a cursor page has no count
FILTER = 1  # a filter naming a record by code looks it up (an unknown code is a 404)

# (path, seed, queries)
LISTS: dict[str, tuple[str, Callable[..., None], int]] = {
    "nations": ("/api/v1/nations/", nations, AUTH + CLEARANCE + PAGE),  # clearance: whom "undeclared" may count
    "coalitions": ("/api/v1/coalitions/", coalitions, AUTH + PAGE),
    "memberships": ("/api/v1/memberships/?coalition=ALLY", memberships, AUTH + FILTER + PAGE),
    "positions": ("/api/v1/positions/", positions, AUTH + CLEARANCE + PAGE),
    "positions as of": ("/api/v1/positions/?as_of=2030-01-01", positions, AUTH + CLEARANCE + PAGE),
    "positions history": ("/api/v1/positions/history/", positions, AUTH + CLEARANCE + CURSOR),
    "approvals": ("/api/v1/approvals/", approvals, AUTH + CLEARANCE + PAGE),
    "milestones": ("/api/v1/milestones/?nation=AA", milestones, AUTH + FILTER + CLEARANCE + PAGE),
    "algorithms": ("/api/v1/algorithms/", algorithms, AUTH + PAGE),
    "parameter sets": ("/api/v1/parameter-sets/", parameter_sets, AUTH + PAGE),
    "standards bodies": ("/api/v1/standards-bodies/", bodies, AUTH + PAGE),
    "protocols": ("/api/v1/protocols/", protocols, AUTH + PAGE),
    # + the work items' algorithms and their status history, one prefetch query each
    "work items": ("/api/v1/work-items/", work_items, AUTH + PAGE + 2),
    # + the mechanisms' parameter sets and work items (with their bodies), one prefetch query each
    "mechanisms": ("/api/v1/mechanisms/?protocol=TLS", mechanisms, AUTH + FILTER + PAGE + 2),
    "findings": ("/api/v1/findings/?coalition=ALLY", findings, AUTH + FILTER + CLEARANCE + CURSOR),
    # + the work item itself
    "work item statuses": ("/api/v1/work-items/{item}/statuses/", statuses, AUTH + 1 + CURSOR),
    # run statistics count only the findings the caller may see: their clearance is looked up once
    "gap runs": ("/api/v1/gap-runs/", gap_runs, AUTH + CLEARANCE + PAGE),
}


@pytest.mark.parametrize("name", LISTS)
def test_list_query_count_is_pinned_and_independent_of_page_size(
    name: str,
    nation_a: Nation,
    nation_b: Nation,
    ally: Coalition,
    read_token: IssuedToken,
    django_assert_num_queries: Any,
) -> None:
    path, seed, expected = LISTS[name]
    seed(nation_a, nation_b, ally)
    if "{item}" in path:
        path = path.format(item=WorkItem.objects.order_by("pk").first().pk)  # type: ignore[union-attr]
    client = client_for(read_token)
    assert client.get(path).status_code == 200  # stamps last use
    separator = "&" if "?" in path else "?"
    for size in (1, ROWS):
        with django_assert_num_queries(expected):
            response = client.get(f"{path}{separator}page_size={size}")
        assert response.status_code == 200
