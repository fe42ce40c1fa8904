"""Hand-built in-memory snapshots for the rule tests: no database, just the facts each test states."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date

from apps.gaps.rules import REGISTRY, FindingDraft, Subjects
from apps.gaps.snapshot import (
    AlgorithmRow,
    ApprovalRow,
    CoalitionRow,
    MilestoneRow,
    NationRow,
    ParameterSetRow,
    PositionRow,
    ProtocolRow,
    Snapshot,
    WorkItemRow,
)
from apps.gaps.snapshot_mechanisms import MechanismRow


class World:
    """A tiny world: ``w.nation("FR", "NATO")`` and so on, then ``w.run("rule")``."""

    def __init__(self, as_of: date = date(2026, 6, 1)) -> None:
        self.as_of = as_of
        self.ids = itertools.count(1)
        self.snap = Snapshot(as_of=as_of)
        self.coalition_ids: dict[str, int] = {}
        self.nation_ids: dict[str, int] = {}
        self.subject_ids: dict[str, tuple[int, int | None]] = {}
        self.protocol_ids: dict[str, int] = {}
        self.memberships: dict[int, set[int]] = defaultdict(set)

    def coalition(self, code: str, *, defence: bool = True) -> int:
        cid = next(self.ids)
        self.snap.coalitions[cid] = CoalitionRow(cid, code, defence)
        self.coalition_ids[code] = cid
        return cid

    def nation(self, code: str, *coalitions: str, kind: str = "state") -> int:
        nid = next(self.ids)
        self.snap.nations[nid] = NationRow(nid, code, f"Nation {code}", kind)
        self.nation_ids[code] = nid
        for c in coalitions:
            if c not in self.coalition_ids:
                self.coalition(c)
            self.memberships[nid].add(self.coalition_ids[c])
        self.snap.memberships[nid] = frozenset(self.memberships[nid])
        return nid

    def position(self, code: str, **fields: object) -> PositionRow:
        nid = self.nation_ids[code]
        fields.setdefault("source_id", 1)
        fields.setdefault("last_confirmed_on", self.as_of)
        row = PositionRow(id=next(self.ids), nation_id=nid, **fields)  # type: ignore[arg-type]
        self.snap.positions.setdefault(nid, {})[row.scope] = row
        return row

    def algorithm(self, name: str, kind: str, *sets: tuple[str, int | None], quantum_vulnerable: bool = False) -> int:
        aid = next(self.ids)
        self.snap.algorithms[aid] = AlgorithmRow(aid, name, kind, quantum_vulnerable)
        self.subject_ids[name] = (aid, None)
        for ps_name, category in sets:
            pid = next(self.ids)
            self.snap.parameter_sets[pid] = ParameterSetRow(pid, aid, ps_name, category)
            self.subject_ids[ps_name] = (aid, pid)
        return aid

    def nist(self) -> World:
        """The NIST algorithms most tests need."""
        self.algorithm("ML-KEM", "kem", ("ML-KEM-512", 1), ("ML-KEM-768", 3), ("ML-KEM-1024", 5))
        self.algorithm("ML-DSA", "signature", ("ML-DSA-44", 2), ("ML-DSA-65", 3), ("ML-DSA-87", 5))
        self.algorithm("LMS", "stateful_signature")
        self.algorithm("ECDH", "kem", quantum_vulnerable=True)
        return self

    def approve(self, code: str, subject: str, status: str = "approved", **fields: object) -> ApprovalRow:
        nid = self.nation_ids[code]
        aid, pid = self.subject_ids[subject]
        row = ApprovalRow(
            id=next(self.ids), nation_id=nid, algorithm_id=aid, parameter_set_id=pid, status=status, **fields
        )  # type: ignore[arg-type]
        self.snap.approvals.setdefault(nid, []).append(row)
        return row

    def milestone(self, code: str, kind: str, target: date, **fields: object) -> MilestoneRow:
        nid = self.nation_ids[code]
        row = MilestoneRow(
            id=next(self.ids), nation_id=nid, kind=kind, target_on=target, title=f"{code} {kind}", **fields
        )  # type: ignore[arg-type]
        self.snap.milestones.setdefault(nid, []).append(row)
        return row

    def work_item(
        self, protocol: str, identifier: str, algorithms: list[str], lifecycle: str, **fields: object
    ) -> WorkItemRow:
        if protocol not in self.protocol_ids:
            pid = next(self.ids)
            self.snap.protocols[pid] = ProtocolRow(pid, protocol)
            self.protocol_ids[protocol] = pid
        row = WorkItemRow(
            id=next(self.ids),
            identifier=identifier,
            protocol_id=self.protocol_ids[protocol],
            algorithm_ids=frozenset(self.subject_ids[a][0] for a in algorithms),
            lifecycle=lifecycle,
            status=lifecycle,
            **fields,  # type: ignore[arg-type]
        )
        self.snap.work_items.append(row)
        return row

    def mechanism(
        self, name: str, *sets: str, items: list[WorkItemRow], hybrid: bool = False, classical: str = "ECDH"
    ) -> MechanismRow:
        """A mechanism combining the parameter sets ``sets`` (with ``classical`` when hybrid), defined by
        ``items``; its kind follows the first set's algorithm."""
        first = self.snap.algorithms[self.subject_ids[sets[0]][0]]
        row = MechanismRow(
            id=next(self.ids),
            protocol_id=items[0].protocol_id,
            name=name,
            kind="signature" if first.is_signature else "key_establishment",
            hybrid=hybrid,
            classical_component="X25519" if hybrid else "",
            classical_algorithm_id=self.subject_ids[classical][0] if hybrid else None,
            parameter_set_ids=tuple(sorted(p for s in sets if (p := self.subject_ids[s][1]) is not None)),
            work_item_ids=tuple(w.id for w in items),
        )
        self.snap.mechanisms.append(row)
        return row

    def run(self, rule: str, only: list[str] | None = None) -> list[FindingDraft]:
        subjects = Subjects(None if only is None else frozenset(self.nation_ids[c] for c in only))
        return REGISTRY[rule](self.snap, subjects)

    def keys(self, rule: str, only: list[str] | None = None) -> set[str]:
        return {d.key for d in self.run(rule, only)}
