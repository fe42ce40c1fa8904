"""What every gap rule shares: the draft it returns, the registry, and the severity scale."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any

from apps.gaps.citations import Citation
from apps.gaps.models import Rule, Severity
from apps.gaps.snapshot import CoalitionRow, Snapshot
from apps.sources.models import evidence_basis, evidence_unconfirmed

DEADLINE = date(2035, 12, 31)


@dataclass(frozen=True)
class Subjects:
    """What a recompute looks at: every allied state (``nation_ids`` None) or only these nations and the
    pairs they belong to (``within``: only the pairs of two of them, as a coalition's own evaluation)."""

    nation_ids: frozenset[int] | None = None
    within: bool = False

    def nations(self, snapshot: Snapshot) -> list[int]:
        states = snapshot.allied_states()
        return states if self.nation_ids is None else [n for n in states if n in self.nation_ids]

    def pairs(self, snapshot: Snapshot) -> list[tuple[int, int]]:
        pairs = snapshot.allied_pairs(self.nation_ids)
        if self.within and self.nation_ids is not None:
            return [(a, b) for a, b in pairs if a in self.nation_ids and b in self.nation_ids]
        return list(pairs)


@dataclass
class FindingDraft:
    """A gap as a rule computes it, before it meets the stored findings. ``key`` is its stable identity."""

    key: str
    rule: str
    severity: str
    score: int
    years_left: Decimal
    title: str
    explanation: str
    object: str = ""
    nation_a_id: int | None = None
    nation_b_id: int | None = None
    coalition_id: int | None = None
    protocol_id: int | None = None
    shared_coalitions: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    required_clearances: list[int] = field(default_factory=list)

    @property
    def rests_on(self) -> str:
        return evidence_basis(self.evidence)

    @property
    def unconfirmed(self) -> bool:
        return evidence_unconfirmed(self.evidence)

    def visible_with(self, cleared: frozenset[int]) -> bool:
        """Whether a user cleared for the coalitions ``cleared`` may see this finding."""
        return set(self.required_clearances) <= cleared

    def fingerprint(self) -> str:
        """A hash of everything computed (a plain list of the fields: ``asdict`` deep-copies, too slow). The
        sweep takes one per finding, so the field names and the encoder (``json.dumps(…, sort_keys=True,
        default=str)``, byte for byte) are made once."""
        payload = [getattr(self, name) for name in _DRAFT_FIELDS]
        return hashlib.sha256(_FINGERPRINT_JSON.encode(payload).encode()).hexdigest()


_DRAFT_FIELDS = tuple(f.name for f in fields(FindingDraft))
_FINGERPRINT_JSON = json.JSONEncoder(sort_keys=True, default=str)


RuleFunction = Callable[[Snapshot, Subjects], list[FindingDraft]]
REGISTRY: dict[str, RuleFunction] = {}


def register(rule: Rule) -> Callable[[RuleFunction], RuleFunction]:
    def decorator(function: RuleFunction) -> RuleFunction:
        REGISTRY[rule.value] = function
        return function

    return decorator


def years_left(as_of: date) -> Decimal:
    """Years from ``as_of`` to the 2035 line (negative once it has passed), to one decimal."""
    return Decimal(round((DEADLINE - as_of).days / 365.25, 1)).quantize(Decimal("0.1"))


def snapshot_years_left(snapshot: Snapshot) -> Decimal:
    """``years_left`` for the snapshot date, worked out once per snapshot."""
    cached = snapshot.__dict__.get("_years_left")
    if cached is None or cached[0] != snapshot.as_of:
        cached = snapshot.__dict__["_years_left"] = (snapshot.as_of, years_left(snapshot.as_of))
    return cached[1]


def urgency(as_of: date, when: date | None = None) -> int:
    """0-20 points: the nearer ``when`` (default: the 2035 line), the more urgent."""
    years = ((when or DEADLINE) - as_of).days / 365.25
    return max(0, min(20, round(20 - 2 * years)))


def severity_of(score: int) -> str:
    if score >= 80:
        return Severity.CRITICAL
    if score >= 60:
        return Severity.HIGH
    if score >= 40:
        return Severity.MEDIUM
    if score >= 20:
        return Severity.LOW
    return Severity.INFO


def defence_bonus(shared: Iterable[CoalitionRow]) -> int:
    """A common-defence coalition makes a gap between two allies worse."""
    return 15 if any(c.is_defence for c in shared) else 0


def clearances(cites: Iterable[Citation]) -> list[int]:
    """Coalitions a user must belong to for every restricted record behind a finding."""
    return sorted({c.releasability_id for c in cites if c.releasability_id is not None})


def pair_key(rule: Rule, snapshot: Snapshot, a: int, b: int, obj: str = "") -> str:
    codes = sorted((snapshot.code(a), snapshot.code(b)))
    return ":".join([rule.value, *codes, *([obj] if obj else [])])


def draft(
    *,
    rule: Rule,
    snapshot: Snapshot,
    key: str,
    score: int,
    title: str,
    explanation: str,
    cites: Iterable[Citation],
    shared: list[CoalitionRow] | None = None,
    **subjects: object,
) -> FindingDraft:
    """Build a draft with the severity, years left and clearances derived the same way for every rule.

    ``cites`` names every national record whose content reaches the finding (its title, explanation, object
    or score): the evidence list and the required clearances are both derived from it, so a rule cannot
    show a record it does not cite, nor cite one without requiring its clearance."""
    score = max(0, min(100, score))
    cited = list(dict.fromkeys(cites))
    evidence = [c.evidence() for c in cited]
    if evidence_unconfirmed(evidence):
        explanation += " None of the records it rests on was confirmed in its source: treat it as unconfirmed."
    a, b = subjects.get("nation_a_id"), subjects.get("nation_b_id")
    if shared is None:
        shared = snapshot.shared_coalitions(a, b) if isinstance(a, int) and isinstance(b, int) else []
    if isinstance(a, int) and not shared and b is None:
        shared = sorted(
            (snapshot.coalitions[c] for c in snapshot.memberships.get(a, ()) if c in snapshot.coalitions),
            key=lambda c: c.code,
        )
    return FindingDraft(
        key=key,
        rule=rule.value,
        severity=severity_of(score),
        score=score,
        years_left=snapshot_years_left(snapshot),
        title=title[:300],
        explanation=explanation,
        shared_coalitions=[c.code for c in shared],
        evidence=evidence,
        required_clearances=clearances(cited),
        **subjects,  # type: ignore[arg-type]
    )


def coalition_phrase(shared: list[CoalitionRow]) -> str:
    codes = ", ".join(c.code for c in shared)
    return f"They share {codes}" + (" (a common-defence coalition)." if any(c.is_defence for c in shared) else ".")
