"""Rule 9: for a protocol, two allies accept no mechanism in common on the snapshot date.

Per allied pair, protocol and scope, and within it per kind of mechanism (key establishment, signature):
each side accepts some mechanisms (``apps.gaps.acceptance``: parameter sets approved, hybrid policy,
classical cut-off, final standard), and the two lists do not meet, so a connection between their systems
has nothing to negotiate. One side may accept nothing while the other accepts something; when neither
accepts anything, that is the standards' state ("standard not ready" for each), and when one declares no
approval of the kind, its silence (the undeclared rule). The explanation names what each side accepts and
the first reason each side refuses each option the other accepts.

A scope other than "all systems" is judged only where a cited record of one of the two is declared for
it. The finding cites every record the verdicts read, so it is derivable from what a user cleared for it
may see."""

from __future__ import annotations

from apps.gaps.acceptance import Verdict, accepts, declared_scopes, mechanisms_by_protocol, reads_own_scope
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
from apps.gaps.snapshot import Snapshot
from apps.positions.models import ApprovalStatus, Scope
from apps.standards.models import MechanismKind

KIND_TEXT: dict[str, str] = {MechanismKind.KEY_ESTABLISHMENT: "key establishment", MechanismKind.SIGNATURE: "signature"}


def _names(verdicts: list[Verdict]) -> str:
    return ", ".join(f"{v.mechanism.name} ({v.mechanism.shape})" for v in verdicts) or "none"


def _refusals(name: str, verdicts: list[Verdict]) -> str:
    """The sentence naming the first reason ``name`` refuses each option the other side accepts."""
    if not verdicts:
        return ""
    return f" {name} refuses " + "; ".join(f"{v.mechanism.name} ({v.reason})" for v in verdicts) + "."


@register(Rule.NO_COMMON_MECHANISM)
def evaluate(snapshot: Snapshot, subjects: Subjects) -> list[FindingDraft]:
    by_protocol = mechanisms_by_protocol(snapshot)
    verdict_cache: dict[tuple[int, str, int, str], list[Verdict]] = {}

    def verdicts(nation: int, scope: str, protocol_id: int, kind: str) -> list[Verdict]:
        key = (nation, scope, protocol_id, kind)
        if key not in verdict_cache:
            verdict_cache[key] = [accepts(snapshot, m, nation, scope) for m in by_protocol[protocol_id][kind]]
        return verdict_cache[key]

    found = []
    for a, b in subjects.pairs(snapshot):
        name_a, name_b = snapshot.nations[a].name, snapshot.nations[b].name
        for scope in declared_scopes(snapshot, a, b):
            scope_text = "all systems" if scope == Scope.ALL else Scope(scope).label.lower()
            for protocol_id in sorted(by_protocol, key=lambda p: snapshot.protocols[p].code):
                protocol = snapshot.protocols[protocol_id]
                parts: list[str] = []
                cites: list[Citation] = []
                for kind in sorted(by_protocol[protocol_id]):
                    va, vb = verdicts(a, scope, protocol_id, kind), verdicts(b, scope, protocol_id, kind)
                    # Every kind's verdicts are cited: that the other kind has common ground shapes the text too.
                    cites += [c for v in (*va, *vb) for c in v.cites]
                    ok_a = [v for v in va if v.accepted]
                    ok_b = [v for v in vb if v.accepted]
                    if not (ok_a or ok_b) or not va[0].declared or not vb[0].declared:
                        continue  # neither accepts anything (the standards' state), or one declares nothing
                    accepted_a = {v.mechanism.id for v in ok_a}
                    accepted_b = {v.mechanism.id for v in ok_b}
                    if accepted_a & accepted_b:
                        continue
                    parts.append(
                        f"For {protocol.code} {KIND_TEXT.get(kind, kind)}, {name_a} accepts {_names(ok_a)}; "
                        f"{name_b} accepts {_names(ok_b)}."
                        + _refusals(name_a, [v for v in va if v.mechanism.id in accepted_b])
                        + _refusals(name_b, [v for v in vb if v.mechanism.id in accepted_a])
                    )
                if not parts or not reads_own_scope(snapshot, scope, cites, a, b):
                    continue
                shared = snapshot.shared_coalitions(a, b)
                cited = {c.id for c in cites if c.model == "positions.approval"}
                mandated = any(
                    x.id in cited and x.status == ApprovalStatus.MANDATED
                    for nid in (a, b)
                    for x in snapshot.approvals.get(nid, [])
                )
                found.append(
                    draft(
                        rule=Rule.NO_COMMON_MECHANISM,
                        snapshot=snapshot,
                        key=pair_key(Rule.NO_COMMON_MECHANISM, snapshot, a, b, f"{protocol.code}:{scope}"),
                        score=50
                        + 5 * (len(parts) - 1)
                        + (10 if mandated else 0)
                        + defence_bonus(shared)
                        + urgency(snapshot.as_of),
                        object=f"{protocol.code} ({scope})",
                        title=f"No common {protocol.code} mechanism: {name_a} and {name_b} ({scope_text})",
                        explanation=(
                            f"On {snapshot.as_of}, for {scope_text}: " + " ".join(parts) + " A connection between "
                            f"them has no mechanism both allow. {coalition_phrase(shared)}"
                        ),
                        cites=cites,
                        shared=shared,
                        nation_a_id=a,
                        nation_b_id=b,
                        protocol_id=protocol_id,
                    )
                )
    return found
