"""A declaration superseded only by records a caller may not see looks, to that caller, exactly as if nothing
had superseded it: the same list, detail, ETag, history and dossier, and the same answers to their writes. The
supersession itself is a fact about the hidden record, so showing it would be an oracle."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import Role, User
from apps.algorithms.models import AlgorithmKind
from apps.algorithms.services import algorithm_upsert
from apps.core.dates import PartialDate
from apps.nations.models import Coalition, Nation
from apps.positions.models import MilestoneKind, Position
from apps.positions.services import approval_set, milestone_set
from tests.api.conftest import CITATION, client_for
from tests.factories import CoalitionFactory, MembershipFactory, UserFactory, declare, make_source


@pytest.fixture
def inner(nation_b: Nation) -> Coalition:
    """A coalition of B alone: what is releasable to it, A's own officers cannot see."""
    coalition = CoalitionFactory(code="INNER", name="Inner circle")
    MembershipFactory(coalition=coalition, nation=nation_b)
    return coalition


@pytest.fixture
def blind_writer(nation_a: Nation, nation_c: Nation) -> User:
    """Writes for AA from CC, outside every coalition the hidden records are releasable to."""
    return UserFactory(username="blind", role=Role.LIAISON_OFFICER, nation=nation_c, liaison_for=[nation_a])


@pytest.fixture
def public_position(nation_a: Nation) -> Position:
    return declare(nation_a, declared=PartialDate.parse("2024-01-01"))


def _hide_behind(record: Position, coalition: Coalition) -> Position:
    """A successor of ``record`` releasable to ``coalition`` only, recorded by the system."""
    return declare(
        record.nation, releasability=coalition, pqc_stance="evaluating", declared=PartialDate.parse("2025-01-01")
    )


def _page(client: Client, url: str) -> str:
    """A page's text without what changes on every request (the CSRF token, in the form and for htmx)."""
    content = client.get(url).content.decode()
    return re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"', "", content)


def _observe(who: User, record: Position) -> dict[str, Any]:
    """Everything ``who`` can read about ``record``'s nation through the API and the web pages."""
    api = client_for(who)
    detail = api.get(f"/api/v1/positions/{record.pk}/")
    web = Client()
    web.force_login(who)
    return {
        "list": api.get("/api/v1/positions/?nation=AA").json(),
        "detail": detail.json(),
        "etag": detail.headers.get("ETag"),
        "history": api.get("/api/v1/positions/history/?nation=AA").json(),
        "dossier": _page(web, "/nations/AA/"),
        "history_page": _page(web, "/nations/AA/history/"),
        "nations": api.get("/api/v1/nations/?undeclared=true").json(),
    }


@pytest.mark.parametrize("viewer", ["officer_c", "blind_writer"])
def test_reads_are_unchanged_by_a_hidden_successor(
    viewer: str, public_position: Position, inner: Coalition, request: pytest.FixtureRequest
) -> None:
    who: User = request.getfixturevalue(viewer)
    before = _observe(who, public_position)
    assert before["detail"]["is_current"] is True and before["detail"]["superseded_at"] is None
    _hide_behind(public_position, inner)
    assert _observe(who, public_position) == before


def test_those_cleared_see_the_supersession(public_position: Position, inner: Coalition, officer_b: User) -> None:
    successor = _hide_behind(public_position, inner)
    body = client_for(officer_b).get(f"/api/v1/positions/{public_position.pk}/").json()
    assert body["is_current"] is False and body["superseded_at"] is not None
    listed = client_for(officer_b).get("/api/v1/positions/?nation=AA").json()["results"]
    assert [p["id"] for p in listed] == [successor.pk]


def test_a_visible_successor_after_a_hidden_one_shows_as_the_supersession(
    public_position: Position, inner: Coalition, blind_writer: User
) -> None:
    hidden = _hide_behind(public_position, inner)
    visible = declare(public_position.nation, pqc_stance="adopt_mandated", declared=PartialDate.parse("2026-01-01"))
    body = client_for(blind_writer).get(f"/api/v1/positions/{public_position.pk}/").json()
    hidden.refresh_from_db()
    assert body["is_current"] is False
    assert body["superseded_at"] == hidden.superseded_at.isoformat().replace("+00:00", "Z")
    listed = client_for(blind_writer).get("/api/v1/positions/?nation=AA").json()["results"]
    assert [p["id"] for p in listed] == [visible.pk]


Answer = tuple[int, str]


def _answers(hidden: bool, record: Position, inner: Coalition, act: Callable[[Position], Any]) -> Answer:
    if hidden:
        _hide_behind(record, inner)
    response = act(record)
    return response.status_code, response.json().get("title", "")


@pytest.mark.parametrize("hidden", [False, True])
def test_a_first_declaration_is_a_conflict_whether_or_not_a_hidden_successor_exists(
    hidden: bool, public_position: Position, inner: Coalition, blind_writer: User
) -> None:
    body = {"nation": "AA", "pqc_stance": "evaluating", "source": CITATION}
    answer = _answers(
        hidden,
        public_position,
        inner,
        lambda _: client_for(blind_writer).post("/api/v1/positions/", body, format="json"),
    )
    assert answer[0] == 409


@pytest.mark.parametrize("hidden", [False, True])
def test_an_update_of_the_record_seen_in_force_succeeds_whether_or_not_a_hidden_successor_exists(
    hidden: bool, public_position: Position, inner: Coalition, blind_writer: User
) -> None:
    api = client_for(blind_writer)
    etag = api.get(f"/api/v1/positions/{public_position.pk}/").headers["ETag"]
    answer = _answers(
        hidden,
        public_position,
        inner,
        lambda record: api.patch(
            f"/api/v1/positions/{record.pk}/",
            {"pqc_stance": "adopt_mandated", "source": CITATION},
            format="json",
            HTTP_IF_MATCH=etag,
        ),
    )
    assert answer[0] == 200
    # Exactly one position is in force afterwards, the caller's, which superseded whatever was.
    in_force = Position.objects.filter(nation=public_position.nation).current()
    assert [p.pqc_stance for p in in_force] == ["adopt_mandated"]


@pytest.mark.parametrize("hidden", [False, True])
def test_a_withdrawal_of_the_record_seen_in_force_succeeds_whether_or_not_a_hidden_successor_exists(
    hidden: bool, nation_a: Nation, inner: Coalition, blind_writer: User
) -> None:
    values: dict[str, Any] = {"nation": nation_a, "kind": MilestoneKind.COMPLETE, "title": "Done", "actor": None}
    milestone = milestone_set(**values, target=PartialDate.parse("2033"), source=make_source())
    if hidden:
        milestone_set(**values, target=PartialDate.parse("2031"), source=make_source(), releasability=inner)
    api = client_for(blind_writer)
    url = f"/api/v1/milestones/{milestone.pk}/"
    etag = api.get(url).headers["ETag"]
    response = api.post(f"{url}withdraw/", {"reason": "Plan replaced"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    assert not type(milestone).objects.filter(nation=nation_a).current().exists()


def test_an_approval_of_a_whole_algorithm_follows_the_same_rule(
    nation_a: Nation, inner: Coalition, blind_writer: User, officer_b: User
) -> None:
    """Its identity has no parameter set (NULL), which must still match its namesakes."""
    algorithm = algorithm_upsert(name="ML-KEM", kind=AlgorithmKind.KEM, actor=None, source=None)
    values: dict[str, Any] = {"nation": nation_a, "algorithm": algorithm, "parameter_set": None, "actor": None}
    approval = approval_set(**values, status="approved", source=make_source())
    url = f"/api/v1/approvals/{approval.pk}/"
    before = client_for(blind_writer).get(url)
    approval_set(**values, status="deprecated", source=make_source(), releasability=inner)
    after = client_for(blind_writer).get(url)
    assert (after.json(), after.headers["ETag"]) == (before.json(), before.headers["ETag"])
    assert after.json()["is_current"] is True
    assert client_for(officer_b).get(url).json()["is_current"] is False
    # A later public approval, visible to all, is the end of the public one for everyone.
    approval_set(**values, status="mandated", source=make_source())
    assert client_for(blind_writer).get(url).json()["is_current"] is False
