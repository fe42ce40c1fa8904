"""Rules 2a and 2b: two allies approve no usable KEM (or signature) parameter set in common.

Compared per scope: a nation's approvals for national security systems replace its approvals for all
systems when it has any of that kind, so CNSA 2.0's ML-KEM-1024-only rule is set against the other's
general list. An approval of a whole algorithm covers all its parameter sets; a parameter set's own
approval overrides its algorithm's. The same parameter set on both sides is by definition a match at the
same NIST security category; the explanation names the categories each side accepts."""

from __future__ import annotations

from dataclasses import dataclass

from apps.gaps.citations import Citation
from apps.gaps.models import Rule
from apps.gaps.rules.base import (
    FindingDraft,
    Subjects,
    coalition_phrase,
    defence_bonus,
    draft,
    pair_key,
    register,
    urgency,
)
from apps.gaps.snapshot import ApprovalRow, Snapshot
from apps.positions.models import ApprovalStatus, Scope

USABLE = {ApprovalStatus.APPROVED, ApprovalStatus.MANDATED, ApprovalStatus.PREFERRED, ApprovalStatus.TOLERATED}

#: (algorithm id, parameter set id); an algorithm without parameter sets counts as one, with id None.
Item = tuple[int, int | None]


@dataclass(frozen=True)
class Usable:
    items: frozenset[Item]
    approvals: tuple[ApprovalRow, ...]


def _of_kind(snapshot: Snapshot, approval: ApprovalRow, signature: bool) -> bool:
    algorithm = snapshot.algorithms.get(approval.algorithm_id)
    return algorithm is not None and not algorithm.quantum_vulnerable and algorithm.is_signature == signature


def approvals_of_kind(snapshot: Snapshot, nation_id: int, *, signature: bool) -> list[ApprovalRow]:
    """``nation_id``'s approvals of post-quantum algorithms of the kind (signature or KEM)."""
    return [a for a in snapshot.approvals.get(nation_id, []) if _of_kind(snapshot, a, signature)]


def usable_set(
    snapshot: Snapshot, nation_id: int, scope: str, *, signature: bool, rows: list[ApprovalRow] | None = None
) -> Usable | None:
    """The post-quantum parameter sets ``nation_id`` may use in ``scope``; None when it has declared no
    approval of that kind at all (nothing to compare; the undeclared rule speaks to that). ``rows``: its
    ``approvals_of_kind``, when the caller has them already."""
    if rows is None:
        rows = approvals_of_kind(snapshot, nation_id, signature=signature)
    scoped = [a for a in rows if a.scope == scope] or [a for a in rows if a.scope == Scope.ALL]
    if not scoped:
        return None
    live = [a for a in scoped if a.until is None or a.until >= snapshot.as_of]
    by_algorithm = {a.algorithm_id: a for a in live if a.parameter_set_id is None}
    by_set = {a.parameter_set_id: a for a in live if a.parameter_set_id is not None}
    items: set[Item] = set()
    for algorithm_id in {a.algorithm_id for a in live}:
        sets = snapshot.parameter_sets_of(algorithm_id)
        if not sets:
            whole = by_algorithm.get(algorithm_id)
            if whole is not None and whole.status in USABLE:
                items.add((algorithm_id, None))
            continue
        for ps in sets:
            approval = by_set.get(ps.id) or by_algorithm.get(algorithm_id)
            if approval is not None and approval.status in USABLE:
                items.add((algorithm_id, ps.id))
    return Usable(frozenset(items), tuple(sorted(scoped, key=lambda a: a.id)))


def _describe(snapshot: Snapshot, items: frozenset[Item]) -> str:
    if not items:
        return "nothing usable"
    names = []
    for algorithm_id, ps_id in sorted(items, key=lambda i: (snapshot.algorithms[i[0]].name, i[1] or 0)):
        if ps_id is None:
            names.append(snapshot.algorithms[algorithm_id].name)
        else:
            ps = snapshot.parameter_sets[ps_id]
            names.append(f"{ps.name} (cat. {ps.category})" if ps.category else ps.name)
    if len(names) > 6:
        names = [*names[:6], f"and {len(names) - 6} more"]
    return ", ".join(names)


def _evaluate(snapshot: Snapshot, subjects: Subjects, *, signature: bool) -> list[FindingDraft]:
    rule = Rule.NO_COMMON_SIGNATURE if signature else Rule.NO_COMMON_KEM
    what = "signature" if signature else "key-establishment (KEM)"
    found = []
    # Per nation (and scope) work done once, not once per pair.
    usable_cache: dict[tuple[int, str], Usable | None] = {}
    kind_cache: dict[int, list[ApprovalRow]] = {}
    scopes_cache: dict[int, set[str]] = {}
    text_cache: dict[tuple[int, str], tuple[str, list[Citation]]] = {}

    def of_kind(nation_id: int) -> list[ApprovalRow]:
        if nation_id not in kind_cache:
            kind_cache[nation_id] = approvals_of_kind(snapshot, nation_id, signature=signature)
        return kind_cache[nation_id]

    def usable(nation_id: int, scope: str) -> Usable | None:
        if (nation_id, scope) not in usable_cache:
            usable_cache[nation_id, scope] = usable_set(
                snapshot, nation_id, scope, signature=signature, rows=of_kind(nation_id)
            )
        return usable_cache[nation_id, scope]

    def scopes_of(nation_id: int) -> set[str]:
        if nation_id not in scopes_cache:
            scopes_cache[nation_id] = {x.scope for x in of_kind(nation_id)}
        return scopes_cache[nation_id]

    def text(nation_id: int, scope: str, found: Usable) -> tuple[str, list[Citation]]:
        if (nation_id, scope) not in text_cache:
            cites = [
                x.cite(f"{snapshot.code(x.nation_id)} {_label(snapshot, x)}: {x.status} ({x.scope})")
                for x in found.approvals
            ]
            text_cache[nation_id, scope] = (_describe(snapshot, found.items), cites)
        return text_cache[nation_id, scope]

    for a, b in subjects.pairs(snapshot):
        base = None
        for scope in sorted({Scope.ALL.value} | scopes_of(a) | scopes_of(b), key=lambda s: (s != Scope.ALL, s)):
            ua, ub = usable(a, scope), usable(b, scope)
            if ua is None or ub is None:
                continue
            if scope == Scope.ALL:
                base = (ua, ub)
            elif (ua, ub) == base:
                continue  # the same comparison as for all systems
            if ua.items & ub.items:
                continue
            shared = snapshot.shared_coalitions(a, b)
            name_a, name_b = snapshot.nations[a].name, snapshot.nations[b].name
            scope_text = "all systems" if scope == Scope.ALL else Scope(scope).label.lower()
            approvals = ua.approvals + ub.approvals
            mandated = any(x.status == ApprovalStatus.MANDATED for x in approvals)
            (text_a, cites_a), (text_b, cites_b) = text(a, scope, ua), text(b, scope, ub)
            found.append(
                draft(
                    rule=rule,
                    snapshot=snapshot,
                    key=pair_key(rule, snapshot, a, b, scope),
                    score=50 + (10 if mandated else 0) + defence_bonus(shared) + urgency(snapshot.as_of),
                    object=f"{'signature' if signature else 'KEM'} ({scope})",
                    title=f"No common {what} algorithm: {name_a} and {name_b} ({scope_text})",
                    explanation=(
                        f"For {scope_text}, {name_a} accepts {text_a}; {name_b} accepts {text_b}. They share no "
                        f"post-quantum {what} parameter set at a matching security category, so a connection "
                        f"between them has no algorithm both allow. {coalition_phrase(shared)}"
                    ),
                    cites=cites_a + cites_b,
                    shared=shared,
                    nation_a_id=a,
                    nation_b_id=b,
                )
            )
    return found


def _label(snapshot: Snapshot, approval: ApprovalRow) -> str:
    if approval.parameter_set_id is not None:
        return snapshot.parameter_sets[approval.parameter_set_id].name
    return snapshot.algorithms[approval.algorithm_id].name


@register(Rule.NO_COMMON_KEM)
def evaluate_kem(snapshot: Snapshot, subjects: Subjects) -> list[FindingDraft]:
    return _evaluate(snapshot, subjects, signature=False)


@register(Rule.NO_COMMON_SIGNATURE)
def evaluate_signature(snapshot: Snapshot, subjects: Subjects) -> list[FindingDraft]:
    return _evaluate(snapshot, subjects, signature=True)
