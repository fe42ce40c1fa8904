"""On-demand evaluation on both time axes: in force on D, and as recorded by K."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from apps.core.dates import PartialDate
from apps.core.exceptions import InvalidInput
from apps.gaps import engine
from apps.gaps.evaluation import EvaluationDates, evaluate_gaps, evaluation_dates
from apps.gaps.models import Finding, RunTrigger
from apps.nations.models import Coalition, Membership
from apps.positions.services import position_declare
from apps.reports.queries import coalition_matrix
from tests.factories import set_milestone
from tests.gaps.factories import UserFactory


@pytest.fixture
def admin(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="admin", role="administrator")


def _stored() -> dict[str, str]:
    return {f.key: f.fingerprint for f in Finding.objects.unresolved()}


def _evaluated(user, dates: EvaluationDates) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {f.key: f.fingerprint for f in evaluate_gaps(user=user, dates=dates).findings}


def test_as_known_at_a_run_gives_that_runs_results_after_later_changes(small_world, redeclare, admin):
    engine.recompute(trigger=RunTrigger.SWEEP)
    at_t1 = _stored()
    t1 = timezone.now()
    # T2: Italy drops QKD, the UK plans to disallow classical algorithms, the US leaves Five Eyes.
    redeclare("IT", qkd_stance="rejects")
    set_milestone(
        nation=small_world["GB"], kind="disallow_classical", title="Classical disallowed", target="2030-12-31"
    )
    Membership.objects.filter(nation=small_world["US"], coalition__code="FVEY").delete()
    engine.recompute(trigger=RunTrigger.SWEEP)
    assert _stored() != at_t1  # the changes did change the gaps

    today = timezone.localdate()
    assert _evaluated(admin, EvaluationDates(as_of=today, known_at=t1)) == at_t1
    assert _evaluated(admin, EvaluationDates(as_of=today)) == _stored()


def test_known_at_before_a_correction_shows_the_old_belief(small_world, admin):
    def italy(qkd: str) -> None:
        position_declare(
            nation=small_world["IT"],
            actor=None,
            source=None,
            pqc_stance="adopt_mandated",
            qkd_stance=qkd,
            declared=PartialDate(date(2025, 1, 10), "day"),
        )

    italy("deploying")
    before = timezone.now()
    italy("rejects")  # the same declaration, corrected: recorded later, declared the same day
    day = date(2025, 6, 1)
    believed = _evaluated(admin, EvaluationDates(as_of=day, known_at=before))
    now_known = _evaluated(admin, EvaluationDates(as_of=day))
    assert "qkd_divergence:GB:IT" in believed
    assert "qkd_divergence:GB:IT" not in now_known


def test_nothing_recorded_yet_means_no_members_and_no_gaps(small_world, admin):
    long_ago = timezone.now() - timedelta(days=3650)
    evaluation = evaluate_gaps(
        user=admin, dates=EvaluationDates(as_of=date(2025, 6, 1), known_at=long_ago), coalition=_nato()
    )
    assert evaluation.nations == [] and evaluation.findings == []


def _nato() -> Coalition:
    return Coalition.objects.get(code="NATO")


def _leaves_nato(nation, last_day: date) -> None:  # type: ignore[no-untyped-def]
    from apps.nations.services import membership_set

    membership_set(coalition=_nato(), nation=nation, left=PartialDate(last_day, "day"), actor=None)


def test_a_leave_date_changes_a_past_matrix(small_world, admin):
    _leaves_nato(small_world["GB"], date(2024, 12, 31))
    before = coalition_matrix(user=admin, coalition=_nato(), dates=EvaluationDates(as_of=date(2024, 6, 1)))
    after = coalition_matrix(user=admin, coalition=_nato(), dates=EvaluationDates(as_of=date(2025, 6, 1)))
    assert [n.code for n in before.nations] == ["GB", "IT", "US"]
    assert [n.code for n in after.nations] == ["IT", "US"]
    gb, it = small_world["GB"], small_world["IT"]
    assert before.cells[(gb.pk, it.pk)].severity is not None  # QKD divergence between them, then
    assert (gb.pk, it.pk) not in after.cells


def test_known_at_before_a_leave_was_recorded_still_counts_the_member(small_world, admin):
    before = timezone.now()
    _leaves_nato(small_world["GB"], date(2024, 12, 31))
    day = date(2025, 6, 1)
    believed = coalition_matrix(user=admin, coalition=_nato(), dates=EvaluationDates(as_of=day, known_at=before))
    assert [n.code for n in believed.nations] == ["GB", "IT", "US"]


def _partial(day: date, precision: str) -> PartialDate:
    text = {"year": f"{day.year}", "month": f"{day:%Y-%m}", "day": day.isoformat()}[precision]
    return PartialDate.parse(text)


_PARTIALS = st.none() | st.builds(
    _partial, st.dates(date(2021, 1, 1), date(2027, 12, 31)), st.sampled_from(["year", "month", "day"])
)


@given(joined=_PARTIALS, left=_PARTIALS, day=st.dates(date(2020, 6, 1), date(2028, 6, 1)))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_rebuilt_membership_is_in_force_exactly_when_the_query_says(small_world, joined, left, day):
    from apps.nations.services import membership_set

    assume(joined is None or left is None or left.value > joined.value)
    membership = membership_set(coalition=_nato(), nation=small_world["GB"], joined=joined, left=left, actor=None)
    in_sql = Membership.objects.as_of(day).filter(pk=membership.pk).exists()
    assert membership.in_force_on(day) == in_sql


def test_a_future_date_shows_a_transition_window_todays_findings_do_not(small_world, admin):
    from apps.nations.services import membership_set, nation_upsert

    lt = nation_upsert(code="LT", name="Lithuania", actor=None)
    nato = _nato()
    membership_set(coalition=nato, nation=lt, joined=PartialDate(date(2029, 1, 1), "day"), actor=None)
    set_milestone(
        nation=small_world["GB"], kind="disallow_classical", title="Classical disallowed", target="2030-12-31"
    )
    set_milestone(nation=lt, kind="start_migration", title="Start of migration", target="2031-06-01")
    engine.recompute(trigger=RunTrigger.SWEEP)
    assert "transition_window:GB>LT" not in _stored()  # Lithuania is not an ally yet
    future = evaluate_gaps(user=admin, dates=EvaluationDates(as_of=date(2031, 1, 1)), coalition=nato)
    [window] = [f for f in future.findings if f.key == "transition_window:GB>LT"]
    assert window.object == "2030-12-31 to 2031-06-01"
    assert window.as_of == date(2031, 1, 1)
    assert window.evidence and window.evidence[0]["model"] == "positions.milestone"


def test_results_are_scoped_by_clearance_like_stored_findings(small_world, admin):
    fvey = Coalition.objects.get(code="FVEY")
    position_declare(
        nation=small_world["US"],
        actor=None,
        source=None,
        pqc_stance="adopt_mandated",
        qkd_stance="rejects",
        releasability=fvey,
    )
    italian = UserFactory(username="it", nation=small_world["IT"])
    briton = UserFactory(username="gb", nation=small_world["GB"])
    dates = EvaluationDates(as_of=date(2031, 1, 1))
    assert "qkd_divergence:IT:US" in _evaluated(admin, dates)
    assert "qkd_divergence:IT:US" in _evaluated(briton, dates)
    assert "qkd_divergence:IT:US" not in _evaluated(italian, dates)
    [gap] = [f for f in evaluate_gaps(user=admin, dates=dates).findings if f.key == "qkd_divergence:IT:US"]
    assert gap.required_clearances == [fvey.pk]


@pytest.mark.parametrize(
    ("as_of", "known_at", "field"),
    [
        ("2025-13-01", "", "as_of"),
        ("yesterday", "", "as_of"),
        ("1066-10-14", "", "as_of"),
        ("", "2025-02-30", "known_at"),
        ("", "not a time", "known_at"),
        ("", "1999-12-31", "known_at"),
    ],
)
def test_bad_dates_are_refused_naming_the_field(as_of: str, known_at: str, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        evaluation_dates(as_of, known_at)
    assert list(refused.value.errors) == [field]


def test_a_known_at_day_means_its_end_and_the_future_means_everything_known(db) -> None:
    dates = evaluation_dates("2031-01-01", "2025-06-01")
    assert dates.as_of == date(2031, 1, 1)
    assert dates.known_at is not None and dates.known_at.date() == date(2025, 6, 1)
    assert (dates.known_at.hour, dates.known_at.minute) == (23, 59)
    assert evaluation_dates("", "2999-01-01") == EvaluationDates.today()
