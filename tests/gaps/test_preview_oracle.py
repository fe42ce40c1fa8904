"""A draft's preview is no oracle for hidden records (issue 9): what it says would open and close is judged
on what the actor may see, so it is exactly the preview the actor would get in a world without the records
they may not see. Otherwise a gap the draft opens goes unlisted because a hidden finding with its key
exists already, or a finding it closes goes unlisted because a hidden record holds it open."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.accounts.models import Role, User
from apps.algorithms.models import Algorithm, ParameterSet
from apps.algorithms.services import parameter_set_upsert
from apps.core.dates import PartialDate
from apps.gaps import engine
from apps.gaps.models import Finding, RunTrigger
from apps.gaps.preview import Preview, preview_approval, preview_milestone, preview_position, preview_work_item_status
from apps.nations.models import Coalition, Nation
from apps.positions.models import Approval, Milestone, MilestoneKind, Position, Scope
from apps.positions.services import approval_set
from apps.standards.models import WorkItem
from apps.standards.services import work_item_status_record
from tests.api.scenario import World, build_world
from tests.factories import CITED, CoalitionFactory, MembershipFactory, UserFactory, declare, set_milestone

NATIONAL = (Position, Approval, Milestone)


@pytest.fixture
def world(nation_a: Nation, nation_b: Nation, ally: Coalition) -> World:
    return build_world(nation_a, nation_b, ally)


@pytest.fixture
def elsewhere(nation_b: Nation) -> Coalition:
    """A coalition of B alone: officer A is not cleared for what is releasable to it."""
    coalition = CoalitionFactory(code="BONLY", name="B alone")
    MembershipFactory(coalition=coalition, nation=nation_b)
    return coalition


def _swept() -> None:
    Finding.objects.all().delete()
    engine.recompute(trigger=RunTrigger.SWEEP)


def _opened(preview: Preview) -> list[tuple[str, str, str, str, int]]:
    return sorted((d.key, d.title, d.explanation, d.severity, d.score) for d in preview.opened)


def _closed(preview: Preview) -> list[str]:
    return [f.key for f in preview.closed]


def _ml_kem_768() -> dict[str, Any]:
    algorithm = Algorithm.objects.get(name="ML-KEM")
    return {"algorithm": algorithm, "parameter_set": ParameterSet.objects.get(name="ML-KEM-768")}


def _without_hidden(actor: User) -> None:
    """Delete every national record ``actor`` may not see, as if it had never been recorded: what it
    superseded is superseded by its own successor (or back in force)."""
    for model in NATIONAL:
        for pk in model.objects.exclude(pk__in=model.objects.visible_to(actor)).order_by("-pk").values_list("pk"):
            hidden = model.objects.get(pk=pk[0])
            predecessors = list(model.objects.filter(superseded_by=hidden).values_list("pk", flat=True))
            model.objects.filter(pk__in=predecessors).update(superseded_by=None)
            hidden.delete()
            model.objects.filter(pk__in=predecessors).update(
                superseded_by=hidden.superseded_by_id, superseded_at=hidden.superseded_at
            )


def test_a_gap_opened_is_listed_even_when_a_hidden_finding_has_its_key(
    world: World, nation_a: Nation, officer_a: User, elsewhere: Coalition
) -> None:
    """A's approval of ML-KEM, releasable only to B's coalition, already makes TLS not ready for A (a finding
    A may not see); A's own draft approval of ML-KEM-768 opens that gap as A may see it."""
    approval_set(
        nation=nation_a,
        algorithm=Algorithm.objects.get(name="ML-KEM"),
        status="approved",
        releasability=elsewhere,
        actor=None,
        source=None,
    )
    _swept()
    hidden = Finding.objects.get(key="standard_not_ready:AA:TLS")
    assert not Finding.objects.visible_to(officer_a).filter(pk=hidden.pk).exists()

    draft = {**_ml_kem_768(), "status": "approved", "source": CITED}
    seen = preview_approval(nation=nation_a, actor=officer_a, **draft)
    _without_hidden(officer_a)
    _swept()
    as_if_alone = preview_approval(nation=nation_a, actor=officer_a, **draft)
    assert "standard_not_ready:AA:TLS" in [key for key, *_ in _opened(as_if_alone)]
    assert _opened(seen) == _opened(as_if_alone)
    assert _closed(seen) == _closed(as_if_alone)


def test_a_finding_closed_is_judged_without_the_hidden_record_that_would_hold_it_open(
    world: World, nation_a: Nation, officer_a: User, elsewhere: Coalition
) -> None:
    """A's plan runs to 2037, past the 2035 line (a deadline risk A sees, citing the plan alone). A also
    completes in 2034, in a milestone releasable only to B's coalition. Bringing the plan forward to 2033
    ends the risk only because of that hidden milestone; as A knows the world, the risk stays (no milestone
    completes), and the preview must say so rather than list it as resolved."""
    set_milestone(nation_a, kind=MilestoneKind.PLAN, title="Plan", target="2037")
    set_milestone(nation_a, kind=MilestoneKind.COMPLETE, title="Complete", target="2034", releasability=elsewhere)
    _swept()
    assert Finding.objects.visible_to(officer_a).filter(key="deadline_risk:AA").exists()
    draft = {"kind": "plan", "title": "Plan", "target": PartialDate.parse("2033"), "source": CITED}
    seen = preview_milestone(nation=nation_a, actor=officer_a, **draft)
    _without_hidden(officer_a)
    as_if_alone = preview_milestone(nation=nation_a, actor=officer_a, **draft)  # the stored findings unchanged
    assert "deadline_risk:AA" not in _closed(as_if_alone)
    assert _closed(seen) == _closed(as_if_alone)
    assert _opened(seen) == _opened(as_if_alone)


def test_a_record_superseded_only_by_one_the_actor_may_not_see_is_still_in_force_for_the_preview(
    world: World, nation_a: Nation, officer_a: User, elsewhere: Coalition
) -> None:
    """A's public position (a PQC adopter) is superseded by one releasable only to B's coalition. To A's
    officer the public one is still in force (as every read shows it), so a draft that declares nothing on
    PQC opens the undeclared-stance gap, as it would had the hidden one never been recorded; a preview that
    merely left the hidden one out would find A with no position at all, the gap open already."""
    declare(nation_a, qkd_stance="deploying", releasability=elsewhere)
    _swept()
    draft = {"pqc_stance": "undeclared", "qkd_stance": "rejects", "hybrid_policy": "optional", "source": CITED}
    seen = preview_position(nation=nation_a, actor=officer_a, **draft)
    _without_hidden(officer_a)
    assert Position.objects.current().get(nation=nation_a) == world.position_a  # back in force
    as_if_alone = preview_position(nation=nation_a, actor=officer_a, **draft)
    assert "undeclared_stance:AA" in [key for key, *_ in _opened(as_if_alone)]
    assert _opened(seen) == _opened(as_if_alone)
    assert _closed(seen) == _closed(as_if_alone)


def test_the_status_preview_judges_on_what_the_analyst_may_see(
    world: World, nation_a: Nation, nation_b: Nation, elsewhere: Coalition
) -> None:
    """The status preview (every nation, ``_gaps`` with no nation) inherits the rule. TLS's ML-KEM draft
    is final; A approves ML-KEM-768 (public) and ML-KEM (releasable only to B's coalition). Withdrawing the
    standard leaves TLS with nothing final: as an analyst of A knows the world, that opens a gap for A."""
    analyst = UserFactory(username="analyst_a", role=Role.STANDARDS_ANALYST, nation=nation_a)
    item = WorkItem.objects.get()
    work_item_status_record(work_item=item, status="rfc", on=PartialDate.parse("2026-01"), actor=None, source=None)
    approval_set(nation=nation_a, **_ml_kem_768(), status="approved", actor=None, source=None)
    approval_set(
        nation=nation_a,
        algorithm=Algorithm.objects.get(name="ML-KEM"),
        status="approved",
        releasability=elsewhere,
        actor=None,
        source=None,
    )
    _swept()

    def preview() -> tuple[list[str], list[str]]:
        status = preview_work_item_status(
            work_item=item, status="withdrawn", on=PartialDate.parse("2026-11"), source=CITED, actor=analyst
        )
        return sorted(f.key for f in status.opened), sorted(f.key for f in status.closed)

    seen = preview()
    _without_hidden(analyst)
    as_if_alone = preview()
    assert "standard_not_ready:AA:TLS" in as_if_alone[0]
    assert seen == as_if_alone


# --- the property ---------------------------------------------------------------------------------------


@pytest.fixture
def rich_world(world: World, nation_a: Nation, nation_b: Nation, elsewhere: Coalition) -> list[Any]:
    """The API world with more to mark: approvals on both sides, scoped positions, milestones that complete,
    run late or cut classical algorithms off; every national record in force, in a stable order."""
    kem, ps = Algorithm.objects.get(name="ML-KEM"), ParameterSet.objects.get(name="ML-KEM-768")
    parameter_set_upsert(algorithm=kem, name="ML-KEM-1024", security_category=5, actor=None)
    MembershipFactory(coalition=CoalitionFactory(code="AONLY", name="A alone"), nation=nation_a)
    for nation, status in ((nation_a, "approved"), (nation_b, "mandated")):
        approval_set(nation=nation, algorithm=kem, status=status, actor=None, source=None)
        approval_set(nation=nation, algorithm=kem, parameter_set=ps, status="approved", actor=None, source=None)
    declare(nation_a, scope=Scope.NATIONAL_SECURITY_SYSTEMS, qkd_stance="deploying", hybrid_policy="required")
    declare(nation_b, scope=Scope.NATIONAL_SECURITY_SYSTEMS, qkd_stance="rejects", hybrid_policy="forbidden")
    set_milestone(nation_a, kind=MilestoneKind.PLAN, title="Plan", target="2037")
    set_milestone(nation_a, kind=MilestoneKind.COMPLETE, title="Complete", target="2034")
    set_milestone(nation_a, kind=MilestoneKind.EXCLUSIVE_PQC, title="Exclusive", target="2029-06")
    set_milestone(nation_b, kind=MilestoneKind.PLAN, title="Late", target="2037")
    return [r for model in NATIONAL for r in model.objects.current().order_by("nation__code", "pk")]


def _drafts(nation: Nation) -> list[Callable[[User], Preview]]:
    """Drafts officer A might preview: some replace a record of A that may be hidden from them."""
    kem = Algorithm.objects.get(name="ML-KEM")
    position = {"pqc_stance": "adopt_mandated", "hybrid_policy": "optional", "source": CITED}
    return [
        lambda actor: preview_approval(nation=nation, actor=actor, **_ml_kem_768(), status="rejected", source=CITED),
        lambda actor: preview_approval(nation=nation, actor=actor, algorithm=kem, status="approved", source=CITED),
        lambda actor: preview_approval(nation=nation, actor=actor, algorithm=kem, status="rejected", source=CITED),
        lambda actor: preview_position(nation=nation, actor=actor, **position, qkd_stance="deploying"),
        lambda actor: preview_position(nation=nation, actor=actor, pqc_stance="undeclared", source=CITED),
        lambda actor: preview_position(
            nation=nation, actor=actor, **position, qkd_stance="rejects", scope=Scope.NATIONAL_SECURITY_SYSTEMS
        ),
        lambda actor: preview_milestone(
            nation=nation,
            actor=actor,
            kind="complete",
            title="Complete",
            target=PartialDate.parse("2037"),
            source=CITED,
        ),
        lambda actor: preview_milestone(
            nation=nation, actor=actor, kind="plan", title="Plan", target=PartialDate.parse("2033"), source=CITED
        ),
    ]


@pytest.fixture
def rolled_back() -> Callable[[], Any]:
    """A savepoint rolled back on leaving, so that each example starts from the same world."""

    class RolledBack:
        def __enter__(self) -> None:
            self.atomic = transaction.atomic()
            self.atomic.__enter__()

        def __exit__(self, *exc: Any) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(*exc)

    return RolledBack


def test_a_preview_is_the_one_the_actor_would_get_without_the_records_they_may_not_see(
    rich_world: list[Any], nation_a: Nation, officer_a: User, rolled_back: Callable[[], Any]
) -> None:
    """For random markings (public, the alliance, A's or B's coalition alone), every draft A previews opens
    and closes exactly what it would in the world with the records A may not see deleted."""
    markings = [None, *Coalition.objects.filter(code__in=["ALLY", "AONLY", "BONLY"]).order_by("code")]
    drafts = _drafts(nation_a)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.sampled_from(markings), min_size=len(rich_world), max_size=len(rich_world)), st.data())
    def check(marked: list[Coalition | None], data: st.DataObject) -> None:
        with rolled_back():
            for record, coalition in zip(rich_world, marked, strict=True):
                type(record).objects.filter(pk=record.pk).update(releasability=coalition)
            _swept()
            actor = User.objects.get(pk=officer_a.pk)
            for index in data.draw(st.lists(st.sampled_from(range(len(drafts))), min_size=1, max_size=3, unique=True)):
                seen = drafts[index](actor)
                with rolled_back():
                    _without_hidden(actor)
                    as_if_alone = drafts[index](actor)
                assert _opened(seen) == _opened(as_if_alone), f"draft {index}: opened"
                assert _closed(seen) == _closed(as_if_alone), f"draft {index}: closed"

    check()
