"""Issue 10: a liaison officer (for their own nation) or an administrator records that a declaration is
still true as of today; its successor cites the same source confirmed today, and the history keeps both."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import User
from apps.algorithms.models import Algorithm, AlgorithmKind
from apps.core.dates import PartialDate
from apps.core.exceptions import Conflict, NotFound, NotPermitted, Unprocessable
from apps.gaps.engine import evaluate
from apps.gaps.rules import Subjects
from apps.gaps.snapshot import load_snapshot
from apps.nations.models import Coalition, Nation
from apps.positions.models import Approval, Milestone, Position
from apps.positions.services import approval_set, declaration_reconfirm
from apps.sources.models import Source
from apps.sources.services import SourceCitation
from tests.factories import CoalitionFactory, declare, make_source, set_milestone

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_position(nation_a: Nation) -> Position:
    """A's position, resting on a verified 2024-06 source: last confirmed 2024-06-30, due today."""
    return declare(nation_a, source=make_source(published=PartialDate.parse("2024-06")))


def test_reconfirming_records_a_successor_citing_the_source_confirmed_today(
    officer_a: User, old_position: Position
) -> None:
    today = timezone.localdate()
    assert old_position.reverification(today).due
    successor = declaration_reconfirm(record=old_position, actor=officer_a)
    assert successor.pk != old_position.pk and successor.is_current and successor.recorded_by == officer_a
    assert successor.source is not None and successor.source.pk != old_position.source_id
    assert successor.source.confirmed_on == today
    assert SourceCitation.of(successor.source) == dataclasses.replace(
        SourceCitation.of(old_position.source),  # type: ignore[arg-type]
        confirmed_on=today,
    )
    says = ("pqc_stance", "qkd_stance", "hybrid_policy", "scope", "declared_on", "releasability_id", "note")
    assert all(getattr(successor, name) == getattr(old_position, name) for name in says)
    old_position.refresh_from_db()
    assert old_position.superseded_by_id == successor.pk  # the history keeps the older row and its source
    assert Source.objects.filter(pk=old_position.source_id, confirmed_on=None).exists()
    assert not successor.reverification(today).due
    assert successor.reverification(today).last_confirmed_on == today


def test_an_administrator_may_reconfirm_any_nations_claim(administrator: User, old_position: Position) -> None:
    assert declaration_reconfirm(record=old_position, actor=administrator).source.confirmed_on  # type: ignore[union-attr]


@pytest.mark.parametrize("persona", ["officer_b", "officer_c", "planner", "analyst"])
def test_others_may_not_reconfirm(persona: str, old_position: Position, request: pytest.FixtureRequest) -> None:
    with pytest.raises(NotPermitted):
        declaration_reconfirm(record=old_position, actor=request.getfixturevalue(persona))
    assert Position.objects.count() == 1 and not Source.objects.exclude(confirmed_on=None).exists()


def test_a_claim_the_officer_may_not_see_is_not_found(nation_a: Nation, ally: Coalition, officer_a: User) -> None:
    """A record of A releasable only to a coalition A does not belong to (recorded by the system)."""
    other = CoalitionFactory(code="OTHER")
    hidden = declare(nation_a, releasability=other)
    with pytest.raises(NotFound):
        declaration_reconfirm(record=hidden, actor=officer_a)


def test_a_claim_without_a_source_cannot_be_reconfirmed(officer_a: User, nation_a: Nation) -> None:
    milestone = set_milestone(nation_a, kind="plan", title="Plan", target="2030")
    with pytest.raises(Unprocessable) as refused:
        declaration_reconfirm(record=milestone, actor=officer_a)
    assert refused.value.errors == {"source": ["It cites no source to confirm: declare it again with its source."]}
    assert Milestone.objects.count() == 1


def test_a_source_without_a_kind_needs_one_from_the_officer(officer_a: User, nation_a: Nation) -> None:
    """The shipped national rows say no kind: the officer confirming one says what it is."""
    kem = Algorithm.objects.create(name="ML-KEM", kind=AlgorithmKind.KEM)
    approval = approval_set(nation=nation_a, algorithm=kem, status="approved", actor=None, source=make_source(kind=""))
    with pytest.raises(Unprocessable, match="Say what kind of source it is"):
        declaration_reconfirm(record=approval, actor=officer_a)
    successor = declaration_reconfirm(record=approval, actor=officer_a, kind="guidance")
    assert successor.source.kind == "guidance" and successor.status == "approved"  # type: ignore[union-attr]
    assert Approval.objects.count() == 2


def test_twice_the_same_day_is_a_conflict_and_a_superseded_record_is_refused(
    officer_a: User, old_position: Position
) -> None:
    successor = declaration_reconfirm(record=old_position, actor=officer_a)
    with pytest.raises(Conflict, match="already confirmed today"):
        declaration_reconfirm(record=successor, actor=officer_a)
    old_position.refresh_from_db()
    with pytest.raises(Conflict):
        declaration_reconfirm(record=old_position, actor=officer_a)


def test_the_stale_rule_sees_the_reconfirmation(officer_a: User, old_position: Position, nation_a: Nation) -> None:
    today = timezone.localdate()

    def stale() -> list[str]:
        found = evaluate(load_snapshot(today), Subjects(frozenset([nation_a.pk])))
        return [d.object for d in found if d.rule == "stale_position"]

    assert stale() == ["stale"]
    declaration_reconfirm(record=old_position, actor=officer_a)
    assert stale() == []
    assert load_snapshot(today + timedelta(days=181)).position(nation_a.pk).last_confirmed_on == today  # type: ignore[union-attr]


def test_reconfirming_an_unverified_claim_attests_it_was_read_in_the_source(officer_a: User, nation_a: Nation) -> None:
    position = declare(nation_a, source=make_source(verified=False))
    assert position.source is not None and position.source.unconfirmed
    successor = declaration_reconfirm(record=position, actor=officer_a)
    assert successor.source is not None and successor.source.verified and not successor.source.unconfirmed
    position.refresh_from_db()
    assert position.source is not None and not position.source.verified  # the history keeps what it was
