"""Curating mechanisms: what the service accepts and refuses, and who may write."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from apps.accounts.models import Role
from apps.audit.models import AuditEvent
from apps.core.exceptions import InvalidInput, NotPermitted
from apps.standards.models import Mechanism
from apps.standards.services import mechanism_upsert
from tests.factories import UserFactory
from tests.mechanisms.conftest import Catalogue


def hybrid_group(c: Catalogue, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "protocol": c.tls,
        "name": "X25519MLKEM768",
        "actor": None,
        "parameter_sets": [c.ml_kem_768],
        "work_items": [c.ecdhe_mlkem],
        "kind": "key_establishment",
        "code_point": "0x11EC",
        "hybrid": True,
        "classical_component": "X25519",
        "classical_algorithm": c.ecdh,
        "cited_row": "standards_work.csv: IETF draft-ietf-tls-ecdhe-mlkem",
    }
    values.update(overrides)
    return values


def test_an_analyst_records_a_hybrid_named_group_with_its_components(catalogue: Catalogue, new_audit_events) -> None:
    analyst = UserFactory(role=Role.STANDARDS_ANALYST)
    mechanism = mechanism_upsert(**hybrid_group(catalogue, actor=analyst))
    assert list(mechanism.parameter_sets.all()) == [catalogue.ml_kem_768]
    assert list(mechanism.work_items.all()) == [catalogue.ecdhe_mlkem]
    assert (mechanism.code_point, mechanism.classical_component) == ("0x11EC", "X25519")
    # the trail outlives test transactions (committing tests truncate tables), so count only new events
    assert new_audit_events(table_name="standards_mechanism").count() == 1


def test_recording_the_same_mechanism_again_writes_nothing(catalogue: Catalogue) -> None:
    mechanism_upsert(**hybrid_group(catalogue))
    before = AuditEvent.objects.count()
    mechanism_upsert(**hybrid_group(catalogue))
    assert AuditEvent.objects.count() == before
    mechanism_upsert(**hybrid_group(catalogue, parameter_sets=[catalogue.ml_kem_1024]))
    assert list(Mechanism.objects.get().parameter_sets.all()) == [catalogue.ml_kem_1024]


@pytest.mark.parametrize("role", [Role.LIAISON_OFFICER, Role.PLANNER, Role.SYSTEM])
def test_only_analysts_curate_mechanisms(catalogue: Catalogue, role: str) -> None:
    with pytest.raises(NotPermitted):
        mechanism_upsert(**hybrid_group(catalogue, actor=UserFactory(role=role)))
    assert not Mechanism.objects.exists()


def test_a_mechanism_combines_at_least_one_parameter_set(catalogue: Catalogue) -> None:
    with pytest.raises(InvalidInput) as refused:
        mechanism_upsert(**hybrid_group(catalogue, parameter_sets=[]))
    assert refused.value.field == "parameter_sets"


def test_a_work_item_of_another_protocol_cannot_define_it(catalogue: Catalogue) -> None:
    with pytest.raises(InvalidInput) as refused:
        mechanism_upsert(**hybrid_group(catalogue, work_items=[catalogue.ssh_kex]))
    assert "draft-ietf-sshm-mlkem-hybrid-kex" in refused.value.message
    mechanism_upsert(**hybrid_group(catalogue, protocol=catalogue.ssh, work_items=[catalogue.ssh_kex]))


@pytest.mark.parametrize(
    "overrides",
    [
        {"classical_component": "", "classical_algorithm": None},  # hybrid without its classical half
        {"hybrid": False},  # pure, yet naming a classical half
        {"hybrid": False, "classical_component": ""},  # pure, yet linked to a classical algorithm
    ],
)
def test_the_classical_component_is_named_exactly_when_hybrid(catalogue: Catalogue, overrides: dict) -> None:
    with pytest.raises(InvalidInput):
        mechanism_upsert(**hybrid_group(catalogue, **overrides))
    pure = {"hybrid": False, "classical_component": "", "classical_algorithm": None, "name": "MLKEM768"}
    assert not mechanism_upsert(**hybrid_group(catalogue, **pure)).hybrid


def test_the_database_refuses_a_hybrid_without_classical_component(catalogue: Catalogue) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Mechanism.objects.create(protocol=catalogue.tls, name="X", kind="key_establishment", hybrid=True)


def test_names_are_unique_per_protocol_not_globally(catalogue: Catalogue) -> None:
    pure = {"hybrid": False, "classical_component": "", "classical_algorithm": None, "name": "ML-KEM-768"}
    mechanism_upsert(**hybrid_group(catalogue, **pure))
    mechanism_upsert(**hybrid_group(catalogue, **pure, protocol=catalogue.ssh, work_items=[catalogue.ssh_kex]))
    assert Mechanism.objects.filter(name="ML-KEM-768").count() == 2
