"""Declaring national positions, approvals and milestones. The admin, the loader, the API and the UI all
write through these functions."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import ensure_can_write_nation
from apps.algorithms.models import Algorithm, ParameterSet
from apps.audit.context import attribute
from apps.core.dates import DatePrecision, PartialDate
from apps.core.exceptions import Conflict, InvalidInput
from apps.core.services import validate
from apps.gaps.services import request_recompute
from apps.nations.models import Coalition, Nation
from apps.positions.models import (
    Approval,
    Declared,
    HybridPolicy,
    Milestone,
    Position,
    PqcStance,
    QkdStance,
    Scope,
)
from apps.sources.models import Source

T = TypeVar("T", bound=Declared)


def _declare(
    model: type[T],
    *,
    identity: dict[str, Any],
    values: dict[str, Any],
    actor: User | None,
    source: Source | None,
) -> T:
    """Record a declaration. If the one in force for the same identity says exactly the same, nothing is
    written; otherwise the new one supersedes it and both stay."""
    nation: Nation = identity["nation"]
    ensure_can_write_nation(actor, nation.pk)
    candidate = model(**identity, **values, source=source, recorded_by=actor)
    validate(candidate, exclude=["superseded_by", "recorded_by"])
    attribute(actor=actor, source=source, reason=f"{model._meta.verbose_name} declared for {nation.code}")
    current = model._default_manager.select_for_update().filter(**identity).current().order_by("pk").first()  # type: ignore[attr-defined]
    compared = {**values, "source": source}
    if current is not None and all(getattr(current, name) == value for name, value in compared.items()):
        return current
    now = timezone.now()
    try:
        with transaction.atomic():
            if current is not None:
                model._default_manager.filter(pk=current.pk).update(superseded_at=now)
            candidate.save()
            if current is not None:
                model._default_manager.filter(pk=current.pk).update(superseded_by=candidate)
    except IntegrityError:
        raise Conflict(
            f"Another {model._meta.verbose_name} for {nation.code} was recorded at the same time; reload and retry."
        ) from None
    request_recompute(nation_ids=[nation.pk], reason=f"{model._meta.verbose_name} changed for {nation.code}")
    return candidate


@transaction.atomic
def position_declare(
    *,
    nation: Nation,
    actor: User | None,
    source: Source | None,
    pqc_stance: str = PqcStance.UNDECLARED,
    qkd_stance: str = QkdStance.UNDECLARED,
    hybrid_policy: str = HybridPolicy.UNDECLARED,
    scope: str = Scope.ALL,
    releasability: Coalition | None = None,
    declared: PartialDate | None = None,
    algorithms_named: str = "",
    note: str = "",
) -> Position:
    """Declare ``nation``'s stance for ``scope``. Supersedes the position in force; never overwrites it."""
    return _declare(
        Position,
        identity={"nation": nation, "scope": scope},
        values={
            "pqc_stance": pqc_stance,
            "qkd_stance": qkd_stance,
            "hybrid_policy": hybrid_policy,
            "releasability": releasability,
            "declared_on": declared.value if declared else None,
            "declared_precision": declared.precision if declared else DatePrecision.DAY,
            "algorithms_named": algorithms_named,
            "note": note,
        },
        actor=actor,
        source=source,
    )


@transaction.atomic
def approval_set(
    *,
    nation: Nation,
    algorithm: Algorithm,
    status: str,
    actor: User | None,
    source: Source | None,
    parameter_set: ParameterSet | None = None,
    scope: str = Scope.ALL,
    releasability: Coalition | None = None,
    declared: PartialDate | None = None,
    until: Any = None,
    note: str = "",
) -> Approval:
    """Record ``nation``'s stance on an algorithm (or one of its parameter sets) for ``scope``."""
    if parameter_set is not None and parameter_set.algorithm_id != algorithm.pk:
        raise InvalidInput(f"{parameter_set.name} is not a parameter set of {algorithm.name}.", field="parameter_set")
    return _declare(
        Approval,
        identity={"nation": nation, "algorithm": algorithm, "parameter_set": parameter_set, "scope": scope},
        values={
            "status": status,
            "releasability": releasability,
            "declared_on": declared.value if declared else None,
            "declared_precision": declared.precision if declared else DatePrecision.DAY,
            "until": until,
            "note": note,
        },
        actor=actor,
        source=source,
    )


@transaction.atomic
def milestone_set(
    *,
    nation: Nation,
    kind: str,
    title: str,
    target: PartialDate,
    actor: User | None,
    source: Source | None,
    scope: str = Scope.ALL,
    scope_text: str = "",
    releasability: Coalition | None = None,
    declared: PartialDate | None = None,
    note: str = "",
) -> Milestone:
    """Record a dated national target. The same (kind, scope, title) declared again supersedes the old."""
    return _declare(
        Milestone,
        identity={"nation": nation, "kind": kind, "scope": scope, "title": title},
        values={
            "target_on": target.value,
            "target_precision": target.precision,
            "scope_text": scope_text,
            "releasability": releasability,
            "declared_on": declared.value if declared else None,
            "declared_precision": declared.precision if declared else DatePrecision.DAY,
            "note": note,
        },
        actor=actor,
        source=source,
    )


@transaction.atomic
def declaration_withdraw(*, record: Approval | Milestone, actor: User | None, reason: str) -> None:
    """Withdraw an approval or milestone: it stops being current, and stays in the history."""
    ensure_can_write_nation(actor, record.nation_id)
    if not reason.strip():
        raise InvalidInput("Say why the record is withdrawn.", field="reason")
    attribute(actor=actor, source=record.source, reason=reason)
    updated = type(record).objects.filter(pk=record.pk, superseded_at__isnull=True).update(superseded_at=timezone.now())
    if not updated:
        raise Conflict("This record has already been superseded or withdrawn.")
    request_recompute(nation_ids=[record.nation_id], reason=f"withdrawn: {reason}"[:200])
