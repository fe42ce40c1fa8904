"""A declaration's checks run in the service, in one order: authority, then visibility, then conflicts. So
no answer tells a caller whether a record it may not see exists."""

from __future__ import annotations

from typing import Any

import pytest

from apps.accounts.models import Role, User
from apps.core.dates import PartialDate
from apps.core.exceptions import NotPermitted
from apps.nations.models import Coalition, Nation
from apps.positions.models import Position
from apps.positions.services import declaration_revise, position_declare
from apps.sources.services import SourceCitation
from tests.api.conftest import CITATION, client_for
from tests.factories import UserFactory, declare

BODY = {"nation": "AA", "pqc_stance": "evaluating", "source": CITATION}


def _world(kind: str, nation_a: Nation, ally: Coalition) -> None:
    """Nothing in force for AA's "all" scope, a public position, or one releasable to ALLY only."""
    if kind == "public":
        declare(nation_a)
    elif kind == "hidden":
        declare(nation_a, releasability=ally)


@pytest.fixture
def blind_writer(nation_a: Nation, nation_c: Nation) -> User:
    """Writes for AA, but belongs to CC (outside ALLY), so AA's ALLY-only records are hidden from them."""
    return UserFactory(username="blind", role=Role.LIAISON_OFFICER, nation=nation_c, liaison_for=[nation_a])


def _answer(response: Any) -> tuple[int, set[str]]:
    return response.status_code, set(response.json())


@pytest.mark.parametrize("kind", ["none", "hidden", "public"])
def test_a_caller_without_authority_gets_403_whatever_is_in_force(
    kind: str, nation_a: Nation, ally: Coalition, officer_c: User
) -> None:
    _world(kind, nation_a, ally)
    assert client_for(officer_c).post("/api/v1/positions/", BODY, format="json").status_code == 403


def test_a_hidden_record_in_force_gives_the_same_answer_as_no_record(
    nation_a: Nation, ally: Coalition, blind_writer: User
) -> None:
    answers = {}
    for kind in ("none", "hidden"):
        Position.objects.filter(nation=nation_a).delete()
        _world(kind, nation_a, ally)
        answers[kind] = _answer(client_for(blind_writer).post("/api/v1/positions/", BODY, format="json"))
    assert answers["none"] == answers["hidden"] == (201, answers["none"][1])


def test_a_visible_record_in_force_is_a_conflict_for_a_writer(
    nation_a: Nation, ally: Coalition, blind_writer: User
) -> None:
    _world("public", nation_a, ally)
    assert client_for(blind_writer).post("/api/v1/positions/", BODY, format="json").status_code == 409


def test_a_tokens_write_nations_are_enforced_by_the_service(officer_a: User, nation_a: Nation) -> None:
    with pytest.raises(NotPermitted):
        position_declare(nation=nation_a, actor=officer_a, source=None, token_nations=frozenset())
    assert not Position.objects.filter(nation=nation_a).exists()


def test_a_revised_declaration_inherits_what_it_does_not_change(officer_a: User, nation_a: Nation) -> None:
    first = declare(nation_a, note="kept")
    successor = declaration_revise(record=first, actor=officer_a, changes={"pqc_stance": "evaluating"}, inherit=True)
    assert (successor.pqc_stance, successor.qkd_stance, successor.note) == ("evaluating", first.qkd_stance, "kept")
    assert successor.source == first.source and successor.declared == first.declared
    # A replacement inherits nothing, so it cites its own source (issue 10: a person's declaration cites one).
    cited = SourceCitation(document="Replacement", published=PartialDate.parse("2026"), kind="guidance")
    replaced = declaration_revise(
        record=successor, actor=officer_a, changes={"pqc_stance": "evaluating", "source": cited}, inherit=False
    )
    assert (replaced.qkd_stance, replaced.note, replaced.source.document) == ("undeclared", "", "Replacement")
    with pytest.raises(Exception, match="superseded"):
        declaration_revise(record=first, actor=officer_a, changes={}, inherit=True)
