"""Declaring national positions, approvals and milestones. The admin, the loader, the API and the UI all
write through these functions."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import ensure_can_write_nation
from apps.algorithms.models import Algorithm, ParameterSet
from apps.audit.context import attribute
from apps.core.dates import DatePrecision, PartialDate
from apps.core.exceptions import Conflict, InvalidInput, NotFound, Unprocessable
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
from apps.sources.services import Cited, SourceCitation, source_cited

T = TypeVar("T", bound=Declared)


def _declare(
    model: type[T],
    *,
    fields: dict[str, Any],
    actor: User | None,
    source: Cited,
    token_nations: Collection[int] | None,
    first: bool,
    replaces: T | None = None,
) -> T:
    """Record a declaration (``fields``: its identity and values); it supersedes the one in force and both
    stay. One that says exactly what is in force already is refused (``Conflict``) for a person or a token,
    judged on what they may see; for the system (``actor`` None: the loader restating its reference data)
    it writes nothing and answers with the record in force.

    The checks run in this order, so that a refusal tells a caller nothing about records it may not see:
    the actor's authority to write for the nation, then (``first``: the caller means a first declaration)
    a conflict with the one in force, raised only if the actor may see that one; a hidden one is
    superseded exactly as if the caller had named it, so the answer is the same as when there is none.

    ``replaces``: the record in force that this one corrects under another identity (a retitled milestone).
    It is superseded when nothing is in force for the new identity yet."""
    identity = {name: fields.pop(name) for name in model.identity}
    nation: Nation = identity["nation"]
    ensure_can_write_nation(actor, nation.pk, token_nations=token_nations)
    candidate = model(**identity, **fields, recorded_by=actor)
    validate(candidate, exclude=["superseded_by", "recorded_by", "source"])
    manager: Any = model._default_manager
    current = manager.select_for_update().filter(**identity).current().order_by("pk").first()
    if current is None and replaces is not None:
        if replaces.nation_id != nation.pk:
            raise InvalidInput("A declaration can only replace one of the same nation.", field="replaces")
        current = manager.select_for_update().filter(pk=replaces.pk).current().first()
    if first and current is not None and _seen_in_force(model, identity, actor) is not None:
        raise Conflict("One is already in force for this identity; update it with PUT and its ETag.")
    # Stored here, in the declaration's transaction: a refused declaration leaves no source behind. A
    # user or a token (an actor) must cite who said it and when; the loader (no actor) cites its rows.
    candidate.source = stored = source_cited(source, by_person=actor is not None)
    attribute(actor=actor, source=stored, reason=f"{model._meta.verbose_name} declared for {nation.code}")
    compared = {**fields, "source": stored}
    if actor is None:
        # A system load restates its reference data on every run: what is in force already is no change.
        if current is not None and _says(current, compared):
            return current
    elif _says(_seen_in_force(model, identity, actor), compared):
        name = model._meta.verbose_name
        raise Conflict(f"This declares nothing new: the {name} in force already says exactly this.")
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


def _says(record: Declared | None, values: dict[str, Any]) -> bool:
    """Whether ``record`` already says exactly ``values`` (a declaration's fields but its identity)."""
    return record is not None and all(getattr(record, name) == value for name, value in values.items())


def _seen_in_force(model: type[T], identity: dict[str, Any], actor: User | None) -> T | None:
    """The declaration in force for ``identity`` as ``actor`` may see it (``seen_by``: one superseded only
    by records they may not see still looks in force to them; the system, ``actor`` None, sees everything).
    Refusing a first declaration and judging "nothing new" against it, not against a successor the actor
    may not see, gives the same answer either way."""
    declarations: Any = model._default_manager.filter(**identity)
    in_force = (declarations if actor is None else declarations.seen_by(actor)).current()
    seen: T | None = in_force.select_related("source", "releasability").first()
    return seen


def _stated(releasability: Coalition | None, declared: PartialDate | None, note: str) -> dict[str, Any]:
    """The fields every declaration has: who may see it, when it was declared (a day unless said), a note."""
    return {
        "releasability": releasability,
        "declared_on": declared.value if declared else None,
        "declared_precision": declared.precision if declared else DatePrecision.DAY,
        "note": note,
    }


@transaction.atomic
def position_declare(
    *,
    nation: Nation,
    actor: User | None,
    source: Cited,
    pqc_stance: str = PqcStance.UNDECLARED,
    qkd_stance: str = QkdStance.UNDECLARED,
    hybrid_policy: str = HybridPolicy.UNDECLARED,
    scope: str = Scope.ALL,
    releasability: Coalition | None = None,
    declared: PartialDate | None = None,
    algorithms_named: str = "",
    note: str = "",
    token_nations: Collection[int] | None = None,
    first: bool = False,
) -> Position:
    """Declare ``nation``'s stance for ``scope``. Supersedes the position in force; never overwrites it.
    ``token_nations`` and ``first``: see ``_declare``."""
    return _declare(
        Position,
        fields={
            "nation": nation,
            "scope": scope,
            "pqc_stance": pqc_stance,
            "qkd_stance": qkd_stance,
            "hybrid_policy": hybrid_policy,
            "algorithms_named": algorithms_named,
            **_stated(releasability, declared, note),
        },
        actor=actor,
        source=source,
        token_nations=token_nations,
        first=first,
    )


@transaction.atomic
def approval_set(
    *,
    nation: Nation,
    algorithm: Algorithm,
    status: str,
    actor: User | None,
    source: Cited,
    parameter_set: ParameterSet | None = None,
    scope: str = Scope.ALL,
    releasability: Coalition | None = None,
    declared: PartialDate | None = None,
    until: Any = None,
    note: str = "",
    token_nations: Collection[int] | None = None,
    first: bool = False,
) -> Approval:
    """Record ``nation``'s stance on an algorithm (or one of its parameter sets) for ``scope``.
    ``token_nations`` and ``first``: see ``_declare``."""
    if parameter_set is not None and parameter_set.algorithm_id != algorithm.pk:
        raise InvalidInput(f"{parameter_set.name} is not a parameter set of {algorithm.name}.", field="parameter_set")
    return _declare(
        Approval,
        fields={
            "nation": nation,
            "algorithm": algorithm,
            "parameter_set": parameter_set,
            "scope": scope,
            "status": status,
            "until": until,
            **_stated(releasability, declared, note),
        },
        actor=actor,
        source=source,
        token_nations=token_nations,
        first=first,
    )


@transaction.atomic
def milestone_set(
    *,
    nation: Nation,
    kind: str,
    title: str,
    target: PartialDate,
    actor: User | None,
    source: Cited,
    scope: str = Scope.ALL,
    scope_text: str = "",
    releasability: Coalition | None = None,
    declared: PartialDate | None = None,
    note: str = "",
    token_nations: Collection[int] | None = None,
    first: bool = False,
    replaces: Milestone | None = None,
) -> Milestone:
    """Record a dated national target. The same (kind, scope, title) declared again supersedes the old;
    ``replaces`` names the one a correction supersedes under a new kind, scope or title.
    ``token_nations``, ``first`` and ``replaces``: see ``_declare``."""
    return _declare(
        Milestone,
        fields={
            "nation": nation,
            "kind": kind,
            "scope": scope,
            "title": title,
            "target_on": target.value,
            "target_precision": target.precision,
            "scope_text": scope_text,
            **_stated(releasability, declared, note),
        },
        actor=actor,
        source=source,
        token_nations=token_nations,
        first=first,
        replaces=replaces,
    )


def _successor_values(record: Declared) -> dict[str, Any]:
    """What a successor declared with only some fields given inherits from ``record``: everything but
    its identity, as its service's keyword arguments."""
    values: dict[str, Any] = {
        "releasability": record.releasability,
        "declared": record.declared,
        "note": record.note,
        "source": record.source,
    }
    if isinstance(record, Position):
        for name in ("pqc_stance", "qkd_stance", "hybrid_policy", "algorithms_named"):
            values[name] = getattr(record, name)
    elif isinstance(record, Approval):
        values.update(status=record.status, until=record.until)
    elif isinstance(record, Milestone):
        values.update(target=record.target, scope_text=record.scope_text)
    return values


def _locked_as_seen(record: T, actor: User | None) -> T:
    """``record`` locked, superseded as ``actor`` may know it (``seen_by``); 404 if they may not see it.
    One superseded only by hidden records is in force to them: revising or withdrawing it acts on the one
    really in force, exactly as if they had named it, so the answer tells them nothing."""
    declarations: Any = type(record)._default_manager
    locked: T = declarations.select_for_update().get(pk=record.pk)
    if actor is None:
        return locked
    # Read after the lock: a subquery in the locking statement would see the snapshot from before the wait.
    seen: T | None = declarations.seen_by(actor).filter(pk=record.pk).first()
    if seen is None:
        raise NotFound("No such record.")
    return seen


@transaction.atomic
def declaration_revise(
    *,
    record: T,
    actor: User | None,
    changes: dict[str, Any],
    inherit: bool,
    token_nations: Collection[int] | None = None,
) -> T:
    """Declare the successor of ``record``, which must be the one in force: with ``changes`` alone
    (``inherit=False``, a replacement) or with ``changes`` over what ``record`` says (``inherit=True``).
    Checks the actor's authority, then that they may see ``record``, then that it is still in force, all
    under the row lock."""
    ensure_can_write_nation(actor, record.nation_id, token_nations=token_nations)
    locked = _locked_as_seen(record, actor)
    if not locked.is_current:
        raise Conflict("This record has been superseded; update the one in force.")
    values = {**_successor_values(locked), **changes} if inherit else {"source": None, **changes}
    declare: Any = {Position: position_declare, Approval: approval_set, Milestone: milestone_set}[type(locked)]
    successor: T = declare(**locked.identity_values(), **values, actor=actor, token_nations=token_nations)
    return successor


@transaction.atomic
def declaration_reconfirm(*, record: T, actor: User, kind: str = "", token_nations: Collection[int] | None = None) -> T:
    """Record that ``record`` (the one in force) is still true as of today: its successor, through
    ``declaration_revise``, says the same and cites the same source confirmed today (a new source, as any
    changed citation is; the history keeps the record and its source as they were). The actor attests that
    they read the source and it says so: the new citation is verified. ``kind``: what kind of source it is,
    for a source that does not say (a person's citation must, as ``source_cited`` requires).
    Checks the actor's authority, then that they may see ``record``, then that it cites a source."""
    ensure_can_write_nation(actor, record.nation_id, token_nations=token_nations)
    locked = _locked_as_seen(record, actor)
    if locked.source is None:
        raise Unprocessable("It cites no source to confirm: declare it again with its source.", field="source")
    today = timezone.localdate()
    if locked.source.confirmed_on == today:
        raise Conflict("It was already confirmed today.")
    citation = dataclasses.replace(
        SourceCitation.of(locked.source), confirmed_on=today, verified=True, kind=locked.source.kind or kind
    )
    return declaration_revise(
        record=locked, actor=actor, changes={"source": citation}, inherit=True, token_nations=token_nations
    )


@transaction.atomic
def declaration_withdraw(
    *, record: Approval | Milestone, actor: User | None, reason: str, token_nations: Collection[int] | None = None
) -> None:
    """Withdraw an approval or milestone: it stops being current, and stays in the history."""
    ensure_can_write_nation(actor, record.nation_id, token_nations=token_nations)
    if not reason.strip():
        raise InvalidInput("Say why the record is withdrawn.", field="reason")
    attribute(actor=actor, source=record.source, reason=reason)
    if not _locked_as_seen(record, actor).is_current:
        raise Conflict("This record has already been superseded or withdrawn.")
    type(record).objects.filter(**record.identity_values()).current().update(superseded_at=timezone.now())
    request_recompute(nation_ids=[record.nation_id], reason=f"withdrawn: {reason}"[:200])
