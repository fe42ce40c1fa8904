"""A small mechanisms world: ML-KEM with two parameter sets, ECDH, TLS with one hybrid work item."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from apps.algorithms.models import Algorithm, AlgorithmKind, ParameterSet
from apps.algorithms.services import algorithm_upsert, parameter_set_upsert
from apps.standards.models import Protocol, WorkItem
from apps.standards.services import body_upsert, protocol_upsert, work_item_upsert


@dataclass
class Catalogue:
    ml_kem: Algorithm
    ml_kem_768: ParameterSet
    ml_kem_1024: ParameterSet
    ecdh: Algorithm
    tls: Protocol
    ssh: Protocol
    ecdhe_mlkem: WorkItem
    ssh_kex: WorkItem


@pytest.fixture
def catalogue(db: None) -> Catalogue:
    ml_kem = algorithm_upsert(name="ML-KEM", kind=AlgorithmKind.KEM, actor=None, source=None)
    ecdh = algorithm_upsert(name="ECDH", kind=AlgorithmKind.KEM, quantum_vulnerable=True, actor=None, source=None)
    ietf = body_upsert(code="IETF", actor=None)
    tls, ssh = protocol_upsert(code="TLS", actor=None), protocol_upsert(code="SSH", actor=None)
    return Catalogue(
        ml_kem=ml_kem,
        ml_kem_768=parameter_set_upsert(algorithm=ml_kem, name="ML-KEM-768", security_category=3, actor=None),
        ml_kem_1024=parameter_set_upsert(algorithm=ml_kem, name="ML-KEM-1024", security_category=5, actor=None),
        ecdh=ecdh,
        tls=tls,
        ssh=ssh,
        ecdhe_mlkem=work_item_upsert(
            body=ietf,
            identifier="draft-ietf-tls-ecdhe-mlkem",
            title="ECDHE-MLKEM",
            protocol=tls,
            actor=None,
            source=None,
        ),
        ssh_kex=work_item_upsert(
            body=ietf, identifier="draft-ietf-sshm-mlkem-hybrid-kex", title="SSH", protocol=ssh, actor=None, source=None
        ),
    )
