"""A coalition's outlook is no oracle for hidden records (issue 9): its sampled days and its periods are
those the reader would get in a world without the records they may not see. Otherwise a hidden milestone's
target shows as a day the outlook samples, and a visible gap that starts citing it ends on that day."""

from __future__ import annotations

import pytest

from apps.accounts.models import User
from apps.gaps.outlook import Outlook, coalition_outlook
from apps.nations.models import Coalition, Nation
from apps.positions.models import MilestoneKind
from tests.api.scenario import World, build_world
from tests.factories import CoalitionFactory, MembershipFactory, declare, set_milestone
from tests.gaps.test_preview_oracle import _without_hidden


@pytest.fixture
def world(nation_a: Nation, nation_b: Nation, ally: Coalition) -> World:
    return build_world(nation_a, nation_b, ally)


def _seen(outlook: Outlook) -> tuple[list[str], list[str]]:
    return [str(day) for day in outlook.days], [bar.label for bar in outlook.bars]


def test_the_outlook_is_the_one_of_the_world_the_reader_knows(
    world: World, nation_a: Nation, nation_b: Nation, ally: Coalition, officer_a: User
) -> None:
    """A requires hybrids and B forbids them (a gap A sees). B goes PQC-exclusive in 2029-06 and completes in 2031, in milestones releasable only to a coalition of
    B alone: officer A's outlook of the alliance must not sample those days nor end a period on them."""
    declare(nation_a, hybrid_policy="required")
    declare(nation_b, hybrid_policy="forbidden")  # a hybrid conflict to project, and to see
    elsewhere = CoalitionFactory(code="BONLY", name="B alone")
    MembershipFactory(coalition=elsewhere, nation=nation_b)
    set_milestone(
        nation_b, kind=MilestoneKind.EXCLUSIVE_PQC, title="Exclusive", target="2029-06", releasability=elsewhere
    )
    set_milestone(nation_b, kind=MilestoneKind.COMPLETE, title="Complete", target="2031", releasability=elsewhere)
    seen = _seen(coalition_outlook(user=officer_a, coalition=ally))
    _without_hidden(officer_a)
    as_if_alone = _seen(coalition_outlook(user=officer_a, coalition=ally))
    assert as_if_alone[1], "the alliance has gaps to project"
    assert seen == as_if_alone
