"""Issue 10 on the dossier: "Still true today" on each claim, for who may write for the nation (POST, with
the CSRF token); it records the successor, and the claim is no longer due."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.core.dates import PartialDate
from apps.nations.models import Nation
from apps.positions.models import Position
from tests.factories import declare, make_source, set_milestone

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]
BUTTON = "Still true today"


@pytest.fixture
def old_position(nation_a: Nation) -> Position:
    return declare(nation_a, source=make_source(published=PartialDate.parse("2024-06")))


def _url(position: Position) -> str:
    return f"/nations/AA/position/{position.pk}/reconfirm/"


def test_the_officer_reconfirms_from_the_dossier(login: Login, officer_a: User, old_position: Position) -> None:
    client = login(officer_a)
    page = client.get("/nations/AA/").content.decode()
    assert BUTTON in page and f'action="{_url(old_position)}"' in page and "mark-due" in page
    response = client.post(_url(old_position), follow=True)
    successor = Position.objects.current().get()
    assert successor.pk != old_position.pk
    assert response.redirect_chain[-1][0] == f"/nations/AA/#position-{successor.pk}"
    page = response.content.decode()
    today = f"{timezone.localdate():%Y-%m-%d}"
    assert f"Confirmed as still true on {today}" in page and f"last confirmed {today}" in page
    assert "mark-due" not in page
    history = client.get("/nations/AA/history/").content.decode()
    assert f"position-{old_position.pk}" in history and f"position-{successor.pk}" in history


@pytest.mark.parametrize("persona", ["officer_b", "planner", "analyst"])
def test_others_see_no_button_and_are_refused(
    login: Login, persona: str, old_position: Position, request: pytest.FixtureRequest
) -> None:
    client = login(request.getfixturevalue(persona))
    assert BUTTON not in client.get("/nations/AA/").content.decode()
    assert client.post(_url(old_position)).status_code == 403
    assert Position.objects.count() == 1


def test_an_administrator_may_reconfirm(login: Login, administrator: User, old_position: Position) -> None:
    assert login(administrator).post(_url(old_position)).status_code == 302
    assert Position.objects.count() == 2


def test_it_is_a_post_with_the_csrf_token(officer_a: User, old_position: Position) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_a)
    assert client.get(_url(old_position)).status_code == 405
    assert client.post(_url(old_position)).status_code == 403
    assert Position.objects.count() == 1


def test_a_source_without_a_kind_asks_for_it(login: Login, officer_a: User, nation_a: Nation) -> None:
    position = declare(nation_a, source=make_source(kind=""))
    client = login(officer_a)
    page = client.get("/nations/AA/").content.decode()
    assert f'<select id="kind-position-{position.pk}" name="kind" required>' in page
    refused = client.post(_url(position), follow=True).content.decode()
    assert "Not confirmed: Say what kind of source it is." in refused and Position.objects.count() == 1
    assert client.post(_url(position), {"kind": "rumour"}).status_code == 400
    client.post(_url(position), {"kind": "law"})
    assert Position.objects.current().get().source.kind == "law"  # type: ignore[union-attr]


def test_an_unsourced_claim_has_no_button_and_is_refused_in_words(
    login: Login, officer_a: User, nation_a: Nation
) -> None:
    milestone = set_milestone(nation_a, kind="plan", title="Plan", target="2030")
    client = login(officer_a)
    assert f"/milestone/{milestone.pk}/reconfirm/" not in client.get("/nations/AA/").content.decode()
    page = client.post(f"/nations/AA/milestone/{milestone.pk}/reconfirm/", follow=True).content.decode()
    assert "Not confirmed: It cites no source to confirm" in page


def test_unknown_claims_and_records_of_another_nation_are_not_found(
    login: Login, officer_a: User, old_position: Position, nation_b: Nation
) -> None:
    client = login(officer_a)
    assert client.post(f"/nations/AA/treaty/{old_position.pk}/reconfirm/").status_code == 404
    other = declare(nation_b)
    assert client.post(f"/nations/AA/position/{other.pk}/reconfirm/").status_code == 404
