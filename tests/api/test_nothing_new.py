"""A declaration that changes nothing is refused (409, problem details) instead of silently answering with the
record in force; the refusal is decided on what the caller may see, so it tells them nothing about hidden
records."""

from __future__ import annotations

import pytest

from apps.accounts.models import Role, User
from apps.core.dates import PartialDate
from apps.nations.models import Coalition, Nation
from apps.positions.models import Position
from tests.api.conftest import client_for
from tests.factories import CoalitionFactory, MembershipFactory, UserFactory, declare

pytestmark = pytest.mark.django_db

SOURCE = {"authority": "Ministry", "document": "Statement", "url": "https://example.org/s", "published": "2025-05"}
NOTHING_NEW = "This declares nothing new: the position in force already says exactly this."


def _restate(who: User, position: Position) -> object:
    api = client_for(who)
    url = f"/api/v1/positions/{position.pk}/"
    etag = api.get(url).headers["ETag"]
    return api.patch(url, {"pqc_stance": position.pqc_stance}, format="json", HTTP_IF_MATCH=etag)


def test_a_patch_that_changes_nothing_is_a_409_problem_and_writes_nothing(officer_a: User, nation_a: Nation) -> None:
    position = declare(nation_a, officer_a)
    response = _restate(officer_a, position)
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/problem+json"  # type: ignore[index]
    assert response.json()["detail"] == NOTHING_NEW  # type: ignore[attr-defined]
    assert Position.objects.filter(nation=nation_a).count() == 1


def test_a_patch_that_changes_one_field_still_supersedes(officer_a: User, nation_a: Nation) -> None:
    position = declare(nation_a, officer_a)
    api = client_for(officer_a)
    url = f"/api/v1/positions/{position.pk}/"
    etag = api.get(url).headers["ETag"]
    response = api.patch(url, {"hybrid_policy": "required"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert Position.objects.filter(nation=nation_a).count() == 2


@pytest.mark.parametrize("hidden", [False, True])
def test_restating_the_record_seen_in_force_is_refused_whether_or_not_a_hidden_successor_exists(
    hidden: bool, nation_a: Nation, nation_b: Nation, nation_c: Nation
) -> None:
    blind = UserFactory(username="blind", role=Role.LIAISON_OFFICER, nation=nation_c, liaison_for=[nation_a])
    position = declare(nation_a, declared=PartialDate.parse("2024-01-01"))
    if hidden:
        inner: Coalition = CoalitionFactory(code="INNER", name="Inner circle")
        MembershipFactory(coalition=inner, nation=nation_b)
        declare(nation_a, releasability=inner, pqc_stance="evaluating", declared=PartialDate.parse("2025-01-01"))
    response = _restate(blind, position)
    assert (response.status_code, response.json()["detail"]) == (409, NOTHING_NEW)  # type: ignore[attr-defined]
