"""The gaps on any date, computed on demand and never written: "as they stood on D", "as they will be on D"
(from what is declared), and "as we knew them on K" (only what the tracker had recorded by K).

The same rules and the same snapshot loader as a persisted run, so evaluating the day of a run with what was
known at its moment gives that run's results. Persisted findings and their triage stay "today"; results
here carry their dates instead of a lifecycle, and are scoped by the caller's clearance exactly like stored
findings (a result is shown only to a user cleared for every restricted record behind it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from apps.accounts.models import User
from apps.accounts.releasability import may_see_derived
from apps.core.exceptions import InvalidInput
from apps.gaps.engine import evaluate
from apps.gaps.models import SEVERITY_RANK, Rule, Severity
from apps.gaps.rules import FindingDraft, Subjects
from apps.gaps.snapshot import CoalitionRow, NationRow, ProtocolRow, Snapshot, load_snapshot
from apps.nations.models import Coalition, NationKind


@dataclass(frozen=True)
class EvaluationDates:
    """The two time axes of a question: the day the data must be in force (``as_of``) and, optionally, the
    moment by which it must have been recorded (``known_at``)."""

    as_of: date
    known_at: datetime | None = None

    @classmethod
    def today(cls) -> EvaluationDates:
        return cls(as_of=timezone.localdate())

    @property
    def is_today(self) -> bool:
        """Today with everything known: the persisted findings answer it (with their triage)."""
        return self.known_at is None and self.as_of == timezone.localdate()


#: The days an evaluation may be asked for: the data says nothing useful outside them, and date arithmetic
#: near the ends of the calendar would fail.
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2100, 12, 31)


def _day(text: str) -> date | None:
    try:
        return parse_date(text.strip())
    except ValueError:
        return None


def evaluation_dates(as_of: str | None, known_at: str | None) -> EvaluationDates:
    """Read the two axes from text (a query string, a form): ``as_of`` a day (blank: today); ``known_at`` a
    day (meaning the end of that day) or an ISO 8601 moment (blank, or not in the past: everything known).
    Raises ``InvalidInput`` naming each field at fault."""
    errors: dict[str, list[str]] = {}
    day = timezone.localdate()
    if as_of and as_of.strip():
        parsed = _day(as_of)
        if parsed is None:
            errors["as_of"] = ["Enter a date as YYYY-MM-DD."]
        elif not EARLIEST_DAY <= parsed <= LATEST_DAY:
            errors["as_of"] = [f"Choose a date between {EARLIEST_DAY} and {LATEST_DAY}."]
        else:
            day = parsed
    moment: datetime | None = None
    if known_at and known_at.strip():
        text = known_at.strip()
        known_day = _day(text)
        try:
            moment = (
                timezone.make_aware(datetime.combine(known_day, time.max))
                if known_day is not None
                else parse_datetime(text)
            )
        except ValueError:
            moment = None
        if moment is None:
            errors["known_at"] = ["Enter a date (YYYY-MM-DD) or a date and time (ISO 8601)."]
        else:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            if moment.date() < EARLIEST_DAY:
                errors["known_at"] = [f"Choose a moment after {EARLIEST_DAY}."]
            elif moment >= timezone.now():
                moment = None
    if errors:
        raise InvalidInput("Invalid date.", errors=errors)
    return EvaluationDates(as_of=day, known_at=moment)


@dataclass(frozen=True)
class EvaluatedFinding:
    """A gap as the rules found it on ``as_of`` (as known at ``known_at``): what a stored finding holds,
    minus the lifecycle, plus its dates."""

    key: str
    rule: str
    severity: str
    score: int
    years_left: Decimal
    title: str
    explanation: str
    object: str
    nation_a: NationRow | None
    nation_b: NationRow | None
    coalition: CoalitionRow | None
    protocol: ProtocolRow | None
    shared_coalitions: list[str]
    evidence: list[dict[str, Any]]
    required_clearances: list[int]
    fingerprint: str
    as_of: date
    known_at: datetime | None

    @property
    def severity_rank(self) -> int:
        return SEVERITY_RANK[self.severity]

    def get_rule_display(self) -> str:
        return str(Rule(self.rule).label)

    def get_severity_display(self) -> str:
        return str(Severity(self.severity).label)


@dataclass
class Evaluation:
    """The result of one on-demand evaluation: its dates, the nations it looked at (a coalition's members on
    ``as_of``, in code order) and the findings the user may see, worst first."""

    dates: EvaluationDates
    nations: list[NationRow] = field(default_factory=list)
    findings: list[EvaluatedFinding] = field(default_factory=list)


def evaluated_finding(draft: FindingDraft, snapshot: Snapshot, dates: EvaluationDates) -> EvaluatedFinding:
    """``draft`` as a result of the evaluation of ``snapshot`` on ``dates``: its subjects as rows (with codes)."""

    def nation(nid: int | None) -> NationRow | None:
        return snapshot.nations.get(nid) if nid is not None else None

    return EvaluatedFinding(
        key=draft.key,
        rule=draft.rule,
        severity=draft.severity,
        score=draft.score,
        years_left=draft.years_left,
        title=draft.title,
        explanation=draft.explanation,
        object=draft.object,
        nation_a=nation(draft.nation_a_id),
        nation_b=nation(draft.nation_b_id),
        coalition=snapshot.coalitions.get(draft.coalition_id) if draft.coalition_id is not None else None,
        protocol=snapshot.protocols.get(draft.protocol_id) if draft.protocol_id is not None else None,
        shared_coalitions=list(draft.shared_coalitions),
        evidence=list(draft.evidence),
        required_clearances=list(draft.required_clearances),
        fingerprint=draft.fingerprint(),
        as_of=dates.as_of,
        known_at=dates.known_at,
    )


def visible_drafts(user: User, drafts: list[FindingDraft]) -> list[FindingDraft]:
    """The drafts every evidence record of which ``user`` may see (``may_see_derived``: the rule of
    ``FindingQuerySet.visible_to`` for results that are not stored)."""
    return [d for d in drafts if may_see_derived(user, d.required_clearances)]


def evaluate_snapshot(*, user: User, snapshot: Snapshot, subjects: Subjects, dates: EvaluationDates) -> Evaluation:
    """Run every rule over an already loaded ``snapshot`` (the outlook loads many) and scope the result."""
    drafts = visible_drafts(user, evaluate(snapshot, subjects))
    findings = sorted(
        (evaluated_finding(d, snapshot, dates) for d in drafts), key=lambda f: (-f.severity_rank, -f.score, f.key)
    )
    ids = subjects.nation_ids
    nations = sorted(
        (n for n in snapshot.nations.values() if n.kind == NationKind.STATE and (ids is None or n.id in ids)),
        key=lambda n: n.code,
    )
    return Evaluation(dates=dates, nations=nations, findings=findings)


def coalition_snapshot(*, coalition: Coalition, dates: EvaluationDates) -> tuple[Snapshot, Subjects]:
    """The snapshot of a coalition's members on ``dates`` and the subjects of its own evaluation: its member
    states and the pairs of two of them."""
    snapshot = load_snapshot(dates.as_of, known_at=dates.known_at, coalition_id=coalition.pk)
    members = frozenset(n for n, cs in snapshot.memberships.items() if coalition.pk in cs)
    return snapshot, Subjects(members, within=True)


def evaluate_gaps(
    *,
    user: User,
    dates: EvaluationDates,
    coalition: Coalition | None = None,
    nation_ids: list[int] | None = None,
) -> Evaluation:
    """The gaps on ``dates`` as ``user`` may see them, written nowhere: for a coalition (its members and
    their pairs), for some nations (and every pair they are in), or for everyone. Thirteen queries or so,
    whatever the number of nations."""
    if coalition is not None:
        snapshot, subjects = coalition_snapshot(coalition=coalition, dates=dates)
    else:
        ids = frozenset(nation_ids) if nation_ids is not None else None
        snapshot = load_snapshot(dates.as_of, ids, known_at=dates.known_at)
        subjects = Subjects(ids)
    return evaluate_snapshot(user=user, snapshot=snapshot, subjects=subjects, dates=dates)
