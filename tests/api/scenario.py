"""A small world every API test can stand on: public positions for A and B, a milestone of A, the
catalogues (one algorithm, parameter set, body, protocol, work item) and an open A-B finding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from apps.algorithms.models import Algorithm, AlgorithmKind, ParameterSet
from apps.algorithms.services import algorithm_upsert, parameter_set_upsert
from apps.core.dates import PartialDate
from apps.gaps.models import Finding, FindingStatus, Rule, Severity
from apps.nations.models import Coalition, Nation
from apps.positions.models import Milestone, MilestoneKind, Position
from apps.positions.services import milestone_set
from apps.standards.models import Mechanism, Protocol, StandardsBody, WorkItem
from apps.standards.services import (
    body_upsert,
    mechanism_upsert,
    protocol_upsert,
    work_item_status_record,
    work_item_upsert,
)
from tests.factories import declare


@dataclass
class World:
    position_a: Position
    position_b: Position
    milestone_a: Milestone
    milestone_b: Milestone
    algorithm: Algorithm
    parameter_set: ParameterSet
    body: StandardsBody
    protocol: Protocol
    work_item: WorkItem
    mechanism: Mechanism
    finding: Finding


def make_finding(nation_a: Nation, nation_b: Nation | None = None, **overrides: Any) -> Finding:
    """Findings are computed data; tests write them directly."""
    now = timezone.now()
    values: dict[str, Any] = {
        "key": f"no_common_kem:{nation_a.code}:{nation_b.code if nation_b else ''}:{overrides.get('object', '')}",
        "rule": Rule.NO_COMMON_KEM,
        "nation_a": nation_a,
        "nation_b": nation_b,
        "severity": Severity.HIGH,
        "score": 70,
        "years_left": "9.1",
        "title": "No common KEM",
        "explanation": "The approved KEM sets do not intersect.",
        "evidence": [],
        "required_clearances": [],
        "fingerprint": "f" * 64,
        "status": FindingStatus.OPEN,
        "first_seen_at": now,
        "last_seen_at": now,
    }
    values.update(overrides)
    return Finding.objects.create(**values)


def build_world(nation_a: Nation, nation_b: Nation, ally: Coalition) -> World:
    algorithm = algorithm_upsert(
        name="ML-KEM", kind=AlgorithmKind.KEM, security_categories=[1, 3, 5], actor=None, source=None
    )
    parameter_set = parameter_set_upsert(algorithm=algorithm, name="ML-KEM-768", security_category=3, actor=None)
    body = body_upsert(code="IETF", name="IETF", actor=None)
    protocol = protocol_upsert(code="TLS", name="TLS", actor=None)
    work_item = work_item_upsert(
        body=body,
        identifier="draft-ietf-tls-mlkem",
        title="ML-KEM for TLS 1.3",
        protocol=protocol,
        algorithms=[algorithm],
        actor=None,
        source=None,
    )
    work_item_status_record(
        work_item=work_item, status="wg_draft", on=PartialDate.parse("2025-01"), actor=None, source=None
    )
    target = PartialDate.parse("2030")
    return World(
        position_a=declare(nation_a),
        position_b=declare(nation_b),
        milestone_a=milestone_set(
            nation=nation_a, kind=MilestoneKind.PLAN, title="Plan", target=target, actor=None, source=None
        ),
        milestone_b=milestone_set(
            nation=nation_b, kind=MilestoneKind.PLAN, title="Plan", target=target, actor=None, source=None
        ),
        algorithm=algorithm,
        parameter_set=parameter_set,
        body=body,
        protocol=protocol,
        work_item=work_item,
        mechanism=mechanism_upsert(
            protocol=protocol,
            name="MLKEM768",
            actor=None,
            parameter_sets=[parameter_set],
            work_items=[work_item],
            kind="key_establishment",
            cited_row="standards_work.csv: IETF draft-ietf-tls-mlkem",
        ),
        finding=make_finding(nation_a, nation_b, coalition=ally),
    )


def waiver_expiry() -> str:
    return (timezone.localdate() + timedelta(days=90)).isoformat()


def hybrid_mechanism_body(world: World) -> dict[str, Any]:
    """An API body creating the TLS X25519MLKEM768 group over the world's parameter set and work item."""
    return {
        "protocol": "TLS",
        "name": "X25519MLKEM768",
        "kind": "key_establishment",
        "code_point": "0x11EC",
        "hybrid": True,
        "classical_component": "X25519",
        "parameter_sets": [world.parameter_set.name],
        "work_items": [world.work_item.pk],
        "cited_row": "standards_work.csv: IETF draft-ietf-tls-ecdhe-mlkem",
    }
