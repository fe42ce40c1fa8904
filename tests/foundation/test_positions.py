"""Declaring positions: never overwritten, history kept, "as of date D" answered in one query."""

from datetime import date

import pytest

from apps.accounts.models import User
from apps.algorithms.models import Algorithm, ParameterSet
from apps.core.dates import PartialDate
from apps.core.exceptions import Conflict, InvalidInput, NotPermitted
from apps.nations.models import Coalition, Nation
from apps.positions.models import Approval, HybridPolicy, Milestone, Position
from apps.positions.services import approval_set, declaration_withdraw, milestone_set
from tests.factories import declare, make_source

pytestmark = pytest.mark.django_db


def test_a_new_declaration_supersedes_the_old_and_both_stay(officer_a: User, nation_a: Nation) -> None:
    first = declare(nation_a, officer_a, hybrid_policy=HybridPolicy.RECOMMENDED, declared=PartialDate.parse("2023"))
    second = declare(nation_a, officer_a, hybrid_policy=HybridPolicy.REQUIRED, declared=PartialDate.parse("2025-06"))

    first.refresh_from_db()
    assert first.superseded_by == second and first.superseded_at is not None
    assert list(Position.objects.filter(nation=nation_a).current()) == [second]
    assert Position.objects.filter(nation=nation_a).count() == 2


def test_a_system_load_declaring_the_same_again_writes_nothing(nation_a: Nation) -> None:
    """The loader restates the reference data on every load: the second load must change nothing."""
    source = make_source()
    first = declare(nation_a, None, source=source)
    again = declare(nation_a, None, source=source)
    assert again == first
    assert Position.objects.filter(nation=nation_a).count() == 1


NOTHING_NEW = "This declares nothing new: the position in force already says exactly this"


def test_a_person_declaring_the_same_again_is_refused_and_nothing_is_written(officer_a: User, nation_a: Nation) -> None:
    source = make_source()
    declare(nation_a, officer_a, source=source)
    with pytest.raises(Conflict, match=NOTHING_NEW):
        declare(nation_a, officer_a, source=source)
    assert Position.objects.filter(nation=nation_a).count() == 1


def test_restating_approvals_and_milestones_is_refused_too(officer_a: User, nation_a: Nation) -> None:
    kem = Algorithm.objects.create(name="ML-KEM", kind="kem")
    source = make_source()
    approval = {"nation": nation_a, "algorithm": kem, "status": "approved", "actor": officer_a, "source": source}
    approval_set(**approval)
    with pytest.raises(Conflict, match="the approval in force already says exactly this"):
        approval_set(**approval)
    milestone = {"nation": nation_a, "kind": "complete", "title": "Done", "actor": officer_a, "source": source}
    milestone_set(**milestone, target=PartialDate.parse("2035"))
    with pytest.raises(Conflict, match="the milestone in force already says exactly this"):
        milestone_set(**milestone, target=PartialDate.parse("2035"))
    assert (Approval.objects.count(), Milestone.objects.count()) == (1, 1)


def test_changing_only_the_source_is_something_new(officer_a: User, nation_a: Nation) -> None:
    declare(nation_a, officer_a, source=make_source())
    declare(nation_a, officer_a, source=make_source(document="A later confirmation"))
    assert Position.objects.filter(nation=nation_a).count() == 2


def test_as_of_answers_what_was_in_force_on_a_date(
    officer_a: User, nation_a: Nation, django_assert_num_queries
) -> None:
    declare(nation_a, officer_a, hybrid_policy=HybridPolicy.RECOMMENDED, declared=PartialDate.parse("2023-03"))
    declare(nation_a, officer_a, hybrid_policy=HybridPolicy.REQUIRED, declared=PartialDate.parse("2025-01-15"))

    with django_assert_num_queries(1):
        before = list(Position.objects.filter(nation=nation_a).as_of(date(2022, 12, 31)))
    with django_assert_num_queries(1):
        in_2024 = Position.objects.filter(nation=nation_a).as_of(date(2024, 6, 1)).get()
    on_the_day = Position.objects.filter(nation=nation_a).as_of(date(2025, 1, 15)).get()

    assert before == []
    assert in_2024.hybrid_policy == HybridPolicy.RECOMMENDED
    assert on_the_day.hybrid_policy == HybridPolicy.REQUIRED


def test_as_of_covers_every_nation_in_one_query(
    officer_a: User, officer_b: User, nation_a: Nation, nation_b: Nation, django_assert_num_queries
) -> None:
    declare(nation_a, officer_a, declared=PartialDate.parse("2023"))
    declare(nation_a, officer_a, hybrid_policy=HybridPolicy.REQUIRED, declared=PartialDate.parse("2026"))
    declare(nation_b, officer_b, declared=PartialDate.parse("2024"))
    with django_assert_num_queries(1):
        in_force = {p.nation_id: p.hybrid_policy for p in Position.objects.as_of(date(2025, 1, 1))}
    assert in_force == {nation_a.pk: HybridPolicy.OPTIONAL, nation_b.pk: HybridPolicy.OPTIONAL}


def test_an_officer_cannot_declare_for_another_nation(officer_a: User, nation_b: Nation) -> None:
    with pytest.raises(NotPermitted):
        declare(nation_b, officer_a)
    assert not Position.objects.filter(nation=nation_b).exists()


@pytest.mark.parametrize("persona", ["planner", "analyst"])
def test_planners_and_analysts_cannot_declare_positions(request, persona: str, nation_a: Nation) -> None:
    with pytest.raises(NotPermitted):
        declare(nation_a, request.getfixturevalue(persona))


def test_a_bad_stance_is_an_input_error_naming_the_field(officer_a: User, nation_a: Nation) -> None:
    with pytest.raises(InvalidInput) as caught:
        declare(nation_a, officer_a, qkd_stance="perhaps")
    assert "qkd_stance" in caught.value.errors
    assert not Position.objects.exists()


def test_restricted_positions_are_visible_only_to_coalition_members(
    officer_a: User, officer_c: User, planner: User, outside_planner: User, administrator: User,
    nation_a: Nation, ally: Coalition,
) -> None:  # fmt: skip
    restricted = declare(nation_a, officer_a, releasability=ally)
    assert list(Position.objects.visible_to(planner)) == [restricted]
    assert list(Position.objects.visible_to(administrator)) == [restricted]
    assert list(Position.objects.visible_to(outside_planner)) == []
    assert list(Position.objects.visible_to(officer_c)) == []


def test_approvals_and_milestones_supersede_and_withdraw(officer_a: User, nation_a: Nation) -> None:
    kem = Algorithm.objects.create(name="ML-KEM", kind="kem", security_categories=[1, 3, 5])
    ml_kem_768 = ParameterSet.objects.create(algorithm=kem, name="ML-KEM-768", security_category=3)
    source = make_source()
    approved = approval_set(
        nation=nation_a, algorithm=kem, parameter_set=ml_kem_768, status="approved", actor=officer_a, source=source
    )
    mandated = approval_set(
        nation=nation_a, algorithm=kem, parameter_set=ml_kem_768, status="mandated", actor=officer_a, source=source
    )
    approved.refresh_from_db()
    assert approved.superseded_by == mandated
    milestone = milestone_set(
        nation=nation_a, kind="complete", title="Done", target=PartialDate.parse("2035"), actor=officer_a, source=source
    )
    declaration_withdraw(record=milestone, actor=officer_a, reason="plan replaced")
    assert not Milestone.objects.filter(nation=nation_a).current().exists()
    assert Milestone.objects.filter(nation=nation_a).count() == 1
    assert list(Approval.objects.current()) == [mandated]


def test_a_parameter_set_must_belong_to_the_algorithm(officer_a: User, nation_a: Nation) -> None:
    kem = Algorithm.objects.create(name="ML-KEM", kind="kem")
    dsa = Algorithm.objects.create(name="ML-DSA", kind="signature")
    ml_dsa_65 = ParameterSet.objects.create(algorithm=dsa, name="ML-DSA-65", security_category=3)
    with pytest.raises(InvalidInput, match="not a parameter set"):
        approval_set(
            nation=nation_a, algorithm=kem, parameter_set=ml_dsa_65, status="approved", actor=officer_a, source=None
        )
