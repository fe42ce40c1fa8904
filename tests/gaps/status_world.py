"""A small standards world for previewing and recording work item statuses: SSH has one hybrid ML-KEM
mechanism, defined by a document still adopted (not final). Avalon approves ML-KEM publicly, Borduria
approves it releasable to ALLY only: each has a "standard not ready" gap in SSH, Borduria's restricted."""

from __future__ import annotations

from dataclasses import dataclass

from apps.algorithms.models import AlgorithmKind
from apps.algorithms.services import algorithm_upsert, parameter_set_upsert
from apps.core.dates import PartialDate
from apps.gaps import engine
from apps.gaps.models import RunTrigger
from apps.nations.models import Coalition, Nation
from apps.positions.services import approval_set
from apps.standards.models import Mechanism, WorkItem
from apps.standards.services import (
    body_upsert,
    mechanism_upsert,
    protocol_upsert,
    work_item_status_record,
    work_item_upsert,
)
from tests.factories import make_source

ADOPTED_ON = "2025-06"


@dataclass
class StatusWorld:
    item: WorkItem
    mechanism: Mechanism
    tls_item: WorkItem


def build_status_world(nation_a: Nation, nation_b: Nation, ally: Coalition, *, compute: bool = True) -> StatusWorld:
    """The world above, with today's findings computed (``compute``) as a run would store them."""
    ml_kem = algorithm_upsert(name="ML-KEM", kind=AlgorithmKind.KEM, actor=None, source=None)
    ml_kem_768 = parameter_set_upsert(algorithm=ml_kem, name="ML-KEM-768", security_category=3, actor=None)
    ietf = body_upsert(code="IETF", name="Internet Engineering Task Force", actor=None)
    ssh, tls = protocol_upsert(code="SSH", actor=None), protocol_upsert(code="TLS", actor=None)
    item = work_item_upsert(
        body=ietf,
        identifier="draft-ietf-sshm-mlkem-hybrid-kex",
        title="PQ/T Hybrid Key Exchange with ML-KEM in SSH",
        protocol=ssh,
        algorithms=[ml_kem],
        hybrid="yes",
        actor=None,
        source=None,
    )
    work_item_status_record(work_item=item, status="draft", on=PartialDate.parse("2024-03"), actor=None, source=None)
    work_item_status_record(
        work_item=item, status="wg_draft", on=PartialDate.parse(ADOPTED_ON), actor=None, source=make_source()
    )
    tls_item = work_item_upsert(
        body=body_upsert(code="ETSI", actor=None),
        identifier="TS 103 744",
        title="Hybrid key exchange in TLS",
        protocol=tls,
        actor=None,
        source=None,
    )
    work_item_status_record(
        work_item=tls_item, status="published", on=PartialDate.parse("2025"), actor=None, source=None
    )
    mechanism = mechanism_upsert(
        protocol=ssh,
        name="mlkem768x25519-sha256",
        kind="key_establishment",
        hybrid=True,
        classical_component="X25519",
        cited_row="test",
        parameter_sets=[ml_kem_768],
        work_items=[item],
        actor=None,
    )
    approval_set(nation=nation_a, algorithm=ml_kem, status="approved", actor=None, source=make_source())
    approval_set(
        nation=nation_b, algorithm=ml_kem, status="approved", actor=None, source=make_source(), releasability=ally
    )
    if compute:
        engine.recompute(trigger=RunTrigger.MANUAL)
    return StatusWorld(item=item, mechanism=mechanism, tls_item=tls_item)
