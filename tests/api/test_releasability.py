"""A record a caller may not see does not exist for them: not in lists, counts, history, as-of views,
details (404, not 403), updates, report cells, or the findings derived from it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import ApiToken, Role, TokenScope, User
from apps.accounts.services import token_digest, token_issue
from apps.api.etag import etag_for
from apps.core.dates import PartialDate
from apps.gaps.models import Severity
from apps.nations.models import Coalition, Nation
from apps.positions.models import MilestoneKind, Position
from tests.api.conftest import IssuedToken, client_for
from tests.api.scenario import make_finding
from tests.factories import UserFactory, declare, set_milestone


@pytest.fixture
def restricted_position(nation_a: Nation, ally: Coalition) -> Position:
    """A's position, releasable to ALLY only (C is outside)."""
    return declare(nation_a, releasability=ally)


def test_outsider_lists_omit_restricted_positions_and_counts_agree(
    restricted_position: Position, nation_b: Nation, officer_c: User, planner: User
) -> None:
    declare(nation_b)
    outsider = client_for(officer_c).get("/api/v1/positions/").json()
    insider = client_for(planner).get("/api/v1/positions/").json()
    assert [p["nation"] for p in outsider["results"]] == ["BB"] and outsider["count"] == 1
    assert [p["nation"] for p in insider["results"]] == ["AA", "BB"] and insider["count"] == 2


def test_outsider_gets_404_for_a_restricted_position_detail_and_update(
    restricted_position: Position, officer_c: User
) -> None:
    client = client_for(officer_c)
    assert client.get(f"/api/v1/positions/{restricted_position.pk}/").status_code == 404
    response = client.patch(
        f"/api/v1/positions/{restricted_position.pk}/",
        {"note": "x"},
        format="json",
        HTTP_IF_MATCH=etag_for(restricted_position),
    )
    assert response.status_code == 404


def test_history_and_as_of_hide_restricted_declarations(
    nation_a: Nation, ally: Coalition, officer_c: User, planner: User
) -> None:
    public = declare(nation_a, declared=PartialDate.parse("2024-01-01"))
    declare(nation_a, releasability=ally, declared=PartialDate.parse("2025-01-01"))
    outsider = client_for(officer_c)
    history = outsider.get("/api/v1/positions/history/?nation=AA").json()["results"]
    assert [p["id"] for p in history] == [public.pk]
    as_of = outsider.get("/api/v1/positions/?as_of=2025-06-01&nation=AA").json()["results"]
    assert [p["id"] for p in as_of] == [public.pk]
    assert len(client_for(planner).get("/api/v1/positions/history/?nation=AA").json()["results"]) == 2


def test_restricted_milestones_are_invisible_to_outsiders(nation_a: Nation, ally: Coalition, officer_c: User) -> None:
    milestone = set_milestone(
        nation=nation_a, kind=MilestoneKind.COMPLETE, title="Done", target="2033", releasability=ally
    )
    client = client_for(officer_c)
    assert client.get("/api/v1/milestones/").json()["count"] == 0
    assert client.get(f"/api/v1/milestones/{milestone.pk}/").status_code == 404


def test_findings_derived_from_restricted_records_are_invisible(
    nation_a: Nation, nation_b: Nation, ally: Coalition, outside_planner: User, planner: User
) -> None:
    hidden = make_finding(nation_a, nation_b, required_clearances=[ally.pk], object="hidden")
    public = make_finding(nation_a, nation_b, severity=Severity.LOW, object="public")
    outsider = client_for(outside_planner)
    assert [f["id"] for f in outsider.get("/api/v1/findings/").json()["results"]] == [public.pk]
    assert outsider.get(f"/api/v1/findings/{hidden.pk}/").status_code == 404
    response = outsider.post(
        f"/api/v1/findings/{hidden.pk}/acknowledge/", {"reason": "x"}, format="json", HTTP_IF_MATCH=etag_for(hidden)
    )
    assert response.status_code == 404
    insider = [f["id"] for f in client_for(planner).get("/api/v1/findings/").json()["results"]]
    assert sorted(insider) == sorted([hidden.pk, public.pk])


def test_matrix_cells_count_only_visible_findings(
    nation_a: Nation, nation_b: Nation, ally: Coalition, outside_planner: User, planner: User
) -> None:
    make_finding(nation_a, nation_b, severity=Severity.CRITICAL, required_clearances=[ally.pk], object="hidden")
    make_finding(nation_a, nation_b, severity=Severity.LOW, object="public")

    def cell(user: User) -> dict[str, object]:
        rows = client_for(user).get("/api/v1/reports/coalitions/ALLY/matrix/").json()["rows"]
        return next(c for c in rows[0]["cells"] if c["nation"] == "BB")

    assert cell(outside_planner) == {"nation": "BB", "severity": "low", "count": 1}
    assert cell(planner) == {"nation": "BB", "severity": "critical", "count": 2}


def test_a_token_sees_what_its_owner_is_cleared_for(
    nation_a: Nation, nation_b: Nation, nation_c: Nation, ally: Coalition, read_token: IssuedToken
) -> None:
    """The token reads its owner's clearance in the same query as itself; it must be the same rule."""
    hidden = make_finding(nation_a, nation_b, required_clearances=[ally.pk], object="hidden")
    outsider = UserFactory(username="system_c", role=Role.SYSTEM, nation=nation_c)
    _, secret = token_issue(
        user=outsider, name="c", scopes=[TokenScope.READ], expires_at=timezone.now() + timedelta(days=1), actor=None
    )
    outside_token = IssuedToken(ApiToken.objects.get(digest=token_digest(secret)), secret)
    assert client_for(outside_token).get(f"/api/v1/findings/{hidden.pk}/").status_code == 404
    assert client_for(read_token).get(f"/api/v1/findings/{hidden.pk}/").status_code == 200
