"""Evaluating "as known at K" gives what the persisted run at K computed, whatever happened before and after.

Random histories on the three-ally world of ``small_world``: new declarations and corrections of positions
(a correction keeps the declared date and supersedes), approvals, milestones, and memberships ended or
resumed in place, each followed by a real sweep of the engine (findings written). At the end, every moment K
a run finished is evaluated on demand, in force on K's day and as recorded by K; the results must be the
stored findings of that run: the same keys, titles, explanations, objects and severities."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.algorithms.models import AlgorithmKind, ParameterSet
from apps.algorithms.services import algorithm_upsert, parameter_set_upsert
from apps.core.dates import PartialDate
from apps.gaps import engine
from apps.gaps.evaluation import EvaluationDates, evaluate_gaps
from apps.gaps.models import Finding, RunTrigger
from apps.nations.models import Coalition, Nation
from apps.nations.services import membership_set
from apps.positions.models import ApprovalStatus, HybridPolicy, MilestoneKind, Position, PqcStance, QkdStance
from apps.positions.services import approval_set, milestone_set, position_declare
from tests.gaps.factories import UserFactory

CODES = ("GB", "IT", "US")
Outcome = dict[str, tuple[str, str, str, str]]


@pytest.fixture
def catalogue(small_world: dict[str, Nation]) -> list[ParameterSet]:
    """ML-KEM at two security categories, for approvals to disagree about."""
    ml_kem = algorithm_upsert(name="ML-KEM", kind=AlgorithmKind.KEM, actor=None, source=None)
    return [
        parameter_set_upsert(algorithm=ml_kem, name=name, security_category=category, actor=None)
        for name, category in (("ML-KEM-768", 3), ("ML-KEM-1024", 5))
    ]


def _day(year: int) -> PartialDate:
    return PartialDate(date(year, 6, 30), "day")


_position = st.tuples(
    st.just("position"),
    st.sampled_from(CODES),
    st.sampled_from(PqcStance.values),
    st.sampled_from(QkdStance.values),
    st.sampled_from(HybridPolicy.values),
)
_approval = st.tuples(
    st.just("approval"), st.sampled_from(CODES), st.integers(0, 1), st.sampled_from(ApprovalStatus.values)
)
_milestone = st.tuples(
    st.just("milestone"),
    st.sampled_from(CODES),
    st.sampled_from(MilestoneKind.values),
    st.integers(2024, 2038),
)
_membership = st.tuples(
    st.just("membership"),
    st.sampled_from(CODES),
    st.sampled_from(["NATO", "FVEY"]),
    st.none() | st.integers(2020, 2030),
)
STEPS = st.lists(st.one_of(_position, _approval, _milestone, _membership), min_size=1, max_size=4)


def _apply(step: tuple[Any, ...], nations: dict[str, Nation], parameter_sets: list[ParameterSet]) -> None:
    kind, code, *rest = step
    nation = nations[code]
    if kind == "position":
        pqc, qkd, hybrid = rest
        # a correction: declared the same day as the position in force, recorded later
        current = Position.objects.current().get(nation=nation, scope="all")
        position_declare(nation=nation, actor=None, source=None, pqc_stance=pqc, qkd_stance=qkd,
                         hybrid_policy=hybrid, declared=current.declared)  # fmt: skip
    elif kind == "approval":
        which, status = rest
        ps = parameter_sets[which]
        approval_set(nation=nation, algorithm=ps.algorithm, parameter_set=ps, status=status, actor=None, source=None)
    elif kind == "milestone":
        milestone_kind, year = rest
        milestone_set(nation=nation, kind=milestone_kind, title=f"{code} {milestone_kind}", target=_day(year),
                      actor=None, source=None)  # fmt: skip
    else:
        coalition, left = rest
        membership_set(coalition=Coalition.objects.get(code=coalition), nation=nation,
                       left=_day(left) if left is not None else None, actor=None)  # fmt: skip


def _stored() -> Outcome:
    return {f.key: (f.title, f.explanation, f.object, f.severity) for f in Finding.objects.unresolved()}


def _evaluated(user: Any, moment: datetime) -> Outcome:
    dates = EvaluationDates(as_of=timezone.localdate(moment), known_at=moment)
    return {
        f.key: (f.title, f.explanation, f.object, f.severity) for f in evaluate_gaps(user=user, dates=dates).findings
    }


@given(steps=STEPS)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_evaluating_as_known_at_each_run_gives_that_runs_stored_findings(
    small_world: dict[str, Nation], catalogue: list[ParameterSet], steps: list[tuple[Any, ...]]
) -> None:
    with transaction.atomic():  # each example starts from the same world
        admin = UserFactory(username="admin", role="administrator")
        runs: list[tuple[datetime, Outcome]] = []
        engine.recompute(trigger=RunTrigger.SWEEP)
        runs.append((timezone.now(), _stored()))
        for step in steps:
            _apply(step, small_world, catalogue)
            engine.recompute(trigger=RunTrigger.SWEEP)
            runs.append((timezone.now(), _stored()))
        for moment, stored in runs:
            assert _evaluated(admin, moment) == stored
        transaction.set_rollback(True)
