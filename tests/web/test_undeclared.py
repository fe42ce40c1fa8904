"""A member that has said nothing shows as undeclared wherever a declared one shows, and planners can list
those nations; a declaration the reader may not see does not make a nation look declared (nor reveal it)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.nations.models import Coalition, Nation
from tests.factories import CoalitionFactory, declare

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


@pytest.fixture
def world(nation_a: Nation, nation_b: Nation, ally: Coalition) -> None:
    """A has declared a public position; B has said nothing; C's only position is releasable to a coalition
    the planner's nation is not in."""
    declare(nation_a)
    secret = CoalitionFactory(code="SECRET")
    declare(Nation.objects.get_or_create(code="CC", defaults={"name": "Carpania"})[0], releasability=secret)


def undeclared_codes(user: User) -> set[str]:
    return set(Nation.objects.said_nothing(user).values_list("code", flat=True))


def test_the_nations_that_said_nothing_are_those_without_a_visible_declaration(
    world: None, planner: User, administrator: User
) -> None:
    assert undeclared_codes(planner) == {"BB", "CC"}
    assert undeclared_codes(administrator) == {"BB"}


def test_dossier_matrix_timeline_and_list_mark_the_silent_member(world: None, login: Login, planner: User) -> None:
    client = login(planner)
    dossier = client.get("/nations/BB/").content.decode()
    assert "<strong>Undeclared:</strong>" in dossier
    assert "<strong>Undeclared:</strong>" not in client.get("/nations/AA/").content.decode()

    matrix = client.get("/matrix/?coalition=ALLY").content.decode()
    row_a, row_b = matrix.split('<th scope="row">')[1:3]
    assert "undeclared" in row_b and "undeclared" not in row_a

    timeline = client.get("/timeline/?coalition=ALLY").content.decode()
    assert "BB: undeclared (no declaration)" in timeline
    assert "AA: undeclared" not in timeline

    listed = client.get("/nations/?undeclared=1").content.decode()
    assert "BB — Borduria" in listed and "CC — Carpania" in listed and "AA — Avalon" not in listed


def test_the_api_marks_and_filters_the_silent_nations(world: None, planner: User, administrator: User) -> None:
    def get(user: User, url: str) -> list[dict[str, object]]:
        client = APIClient()
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        return list(response.json()["results"])

    rows = {r["code"]: r["undeclared"] for r in get(planner, "/api/v1/nations/")}
    assert rows == {"AA": False, "BB": True, "CC": True}
    assert {r["code"] for r in get(planner, "/api/v1/nations/?undeclared=true")} == {"BB", "CC"}
    assert {r["code"] for r in get(planner, "/api/v1/nations/?undeclared=false")} == {"AA"}
    assert {r["code"] for r in get(administrator, "/api/v1/nations/?undeclared=false")} == {"AA", "CC"}


def test_a_bad_undeclared_filter_is_a_400(planner: User) -> None:
    client = APIClient()
    client.force_login(planner)
    assert client.get("/api/v1/nations/?undeclared=perhaps").status_code == 400
