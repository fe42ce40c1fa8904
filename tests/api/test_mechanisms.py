"""The mechanisms endpoint: a PATCH changes only what it names, and bad input is a 400, never a 500."""

from __future__ import annotations

import pytest

from apps.accounts.models import User
from apps.api.etag import etag_for
from apps.nations.models import Coalition, Nation
from apps.standards.models import Mechanism
from tests.api.conftest import client_for
from tests.api.scenario import World, build_world, hybrid_mechanism_body


@pytest.fixture
def world(nation_a: Nation, nation_b: Nation, ally: Coalition) -> World:
    return build_world(nation_a, nation_b, ally)


def test_a_patch_keeps_what_it_does_not_name(world: World, analyst: User) -> None:
    client = client_for(analyst)
    created = client.post("/api/v1/mechanisms/", hybrid_mechanism_body(world), format="json")
    assert created.status_code == 201, created.content
    mechanism = Mechanism.objects.get(pk=created.json()["id"])
    response = client.patch(
        f"/api/v1/mechanisms/{mechanism.pk}/",
        {"note": "Recommended=Y"},
        format="json",
        HTTP_IF_MATCH=etag_for(mechanism),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["hybrid"], body["classical_component"], body["code_point"]) == (True, "X25519", "0x11EC")
    assert body["parameter_sets"] == ["ML-KEM-768"] and body["note"] == "Recommended=Y"
    assert body["work_items"] == [{"id": world.work_item.pk, "body": "IETF", "identifier": "draft-ietf-tls-mlkem"}]


@pytest.mark.parametrize(
    "change, field, status",
    [
        ({"parameter_sets": ["ML-KEM-9"]}, "parameter_sets", 422),
        ({"parameter_sets": []}, "parameter_sets", 400),
        ({"classical_component": ""}, "classical_component", 400),
        ({"protocol": "NOPE"}, "protocol", 422),
        ({"work_items": [999999]}, "work_items", 422),
        ({"kind": "cipher"}, "kind", 400),
    ],
)
def test_bad_input_is_a_problem_naming_the_field(
    world: World, analyst: User, change: dict, field: str, status: int
) -> None:
    """Malformed input is a 400; well-formed input naming records that do not exist a 422."""
    response = client_for(analyst).post(
        "/api/v1/mechanisms/", {**hybrid_mechanism_body(world), **change}, format="json"
    )
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.content.decode()
    assert not Mechanism.objects.filter(name="X25519MLKEM768").exists()


def test_a_taken_name_is_a_conflict(world: World, analyst: User) -> None:
    response = client_for(analyst).post(
        "/api/v1/mechanisms/",
        {**hybrid_mechanism_body(world), "name": "MLKEM768", "hybrid": False, "classical_component": ""},
        format="json",
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    "change, status",
    [
        ({"hybrid": False}, 400),  # alone: the stored classical component would contradict it
        ({"classical_component": "X448"}, 400),
        ({"hybrid": False, "classical_component": "", "classical_algorithm": None}, 200),
        ({"hybrid": True, "classical_component": "X448"}, 200),
    ],
)
def test_a_patch_changes_the_hybrid_fields_together(world: World, analyst: User, change: dict, status: int) -> None:
    """The schema's rule for a PATCH (schema_rules): merged with a stored mechanism, a change to whether
    it is hybrid could otherwise be valid alone and refused once merged."""
    client = client_for(analyst)
    created = client.post("/api/v1/mechanisms/", hybrid_mechanism_body(world), format="json")
    mechanism = Mechanism.objects.get(pk=created.json()["id"])
    response = client.patch(
        f"/api/v1/mechanisms/{mechanism.pk}/", change, format="json", HTTP_IF_MATCH=etag_for(mechanism)
    )
    assert response.status_code == status, response.content
