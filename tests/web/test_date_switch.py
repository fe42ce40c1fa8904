"""The date switch on the matrix, the findings list, a nation's dossier and the timeline: another date's
page shows that date's evaluation under a banner naming the dates, with a way back to today."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.core.dates import PartialDate
from apps.nations.models import Nation
from apps.positions.models import QkdStance
from tests.factories import declare

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


def test_the_matrix_on_another_date_shows_its_evaluation_under_a_banner(
    login: Login, planner: User, divergent: None
) -> None:
    client = login(planner)
    today = client.get("/matrix/", {"coalition": "ALLY"}).content.decode()
    assert "date-banner" not in today and "AA and BB: worst" not in today
    page = client.get("/matrix/", {"coalition": "ALLY", "as_of": "2031-01-01"}).content.decode()
    assert "Evaluated for 2031-01-01" in page
    assert "AA and BB: worst" in page
    assert "nation=AA&amp;other=BB&amp;as_of=2031-01-01" in page  # the cell opens that date's findings
    assert 'href="/matrix/?coalition=ALLY" class="back-today"' in page


def test_the_findings_list_on_another_date_lists_evaluated_gaps_with_evidence(
    login: Login, planner: User, divergent: None
) -> None:
    page = login(planner).get("/findings/", {"as_of": "2031-01-01", "nation": "AA", "other": "BB"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "QKD/PQC divergence" in text and "Transition window" in text
    assert "AA position (all)" in text  # evidence labels
    assert "Back to today" in text


def test_an_outsider_sees_no_evaluated_gap_behind_a_restricted_record(
    login: Login, planner: User, outside_planner: User, divergent: None
) -> None:
    query = {"as_of": "2031-01-01", "rule": "qkd_divergence"}
    assert "1 gap on 2031-01-01" in login(planner).get("/findings/", query).content.decode()
    outsider = login(outside_planner).get("/findings/", query).content.decode()
    assert "0 gaps on 2031-01-01" in outsider and "No gaps match on that date." in outsider


def test_the_dossier_on_a_date_shows_what_was_in_force_and_its_gaps(
    login: Login, planner: User, nation_a: Nation, divergent: None
) -> None:
    declare(nation_a, qkd_stance=QkdStance.REJECTS, declared=PartialDate.parse("2026-01-10"))
    client = login(planner)
    then = client.get("/nations/AA/", {"as_of": "2025-06-01"}).content.decode()
    assert "Position in force on 2025-06-01" in then and "Deploying" in then
    assert "Gaps on 2025-06-01 involving AA" in then
    now = client.get("/nations/AA/").content.decode()
    assert "Current position" in now and "Deploying" not in now


def test_the_timeline_draws_a_line_for_the_date(login: Login, planner: User, divergent: None) -> None:
    client = login(planner)
    assert 'class="day-line"' not in client.get("/timeline/", {"coalition": "ALLY"}).content.decode()
    page = client.get("/timeline/", {"coalition": "ALLY", "as_of": "2031-01-01"}).content.decode()
    assert 'class="day-line"' in page and "Evaluated for 2031-01-01" in page


@pytest.mark.parametrize("url", ["/matrix/", "/findings/", "/nations/AA/", "/timeline/"])
@pytest.mark.parametrize("query", [{"as_of": "2031-13-01"}, {"known_at": "someday"}, {"as_of": "1900-01-01"}])
def test_a_bad_date_is_a_form_error_not_a_500(
    login: Login, planner: User, divergent: None, url: str, query: dict[str, str]
) -> None:
    response = login(planner).get(url, query)
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()


def test_the_evaluated_matrix_query_count_is_pinned(
    login: Login, planner: User, divergent: None, django_assert_num_queries: Any
) -> None:
    client = login(planner)
    client.get("/matrix/", {"coalition": "ALLY"})
    # session, user, coalition (pick form), the snapshot's thirteen reads, the user's clearance, then the
    # header's liaison nations and the user's nation, and the pick form's coalition choices
    with django_assert_num_queries(20):
        assert client.get("/matrix/", {"coalition": "ALLY", "as_of": "2031-01-01"}).status_code == 200


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # session, user, the snapshot's thirteen reads, clearance; the filter form's coalition and protocol
        # choices; the header's liaison nations and the user's nation
        ("/findings/?as_of=2031-01-01", 20),
        # session, user, the nation; its positions, approvals and milestones in force; the snapshot's thirteen
        # reads, clearance; the header's two
        ("/nations/AA/?as_of=2025-06-01", 22),
        # session, user, coalition; members, clearance, their milestones in force; the header's two, the pick
        # form's choices
        ("/timeline/?coalition=ALLY&as_of=2031-01-01", 9),
    ],
)
def test_dated_page_query_counts_are_pinned(
    login: Login, planner: User, divergent: None, django_assert_num_queries: Any, url: str, expected: int
) -> None:
    client = login(planner)
    client.get("/matrix/")
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
