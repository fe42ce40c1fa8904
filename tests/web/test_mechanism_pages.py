"""The mechanisms catalogue pages: readable for every role, each mechanism's lifecycle from its work items."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.algorithms.models import AlgorithmKind
from apps.algorithms.services import algorithm_upsert, parameter_set_upsert
from apps.core.dates import PartialDate
from apps.standards.models import Mechanism
from apps.standards.services import (
    body_upsert,
    mechanism_upsert,
    protocol_upsert,
    work_item_status_record,
    work_item_upsert,
)

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


@pytest.fixture
def group() -> Mechanism:
    ml_kem = algorithm_upsert(name="ML-KEM", kind=AlgorithmKind.KEM, actor=None, source=None)
    tls, ssh = protocol_upsert(code="TLS", actor=None), protocol_upsert(code="SSH", actor=None)
    body = body_upsert(code="IETF", actor=None)
    item = work_item_upsert(
        body=body, identifier="draft-ietf-tls-ecdhe-mlkem", title="T", protocol=tls, actor=None, source=None
    )
    work_item_status_record(work_item=item, status="wg_draft", on=PartialDate.parse("2024-03"), actor=None, source=None)
    work_item_status_record(work_item=item, status="rfc", on=PartialDate.parse("2026-08"), actor=None, source=None)
    ssh_item = work_item_upsert(body=body, identifier="draft-ssh", title="S", protocol=ssh, actor=None, source=None)
    ps = parameter_set_upsert(algorithm=ml_kem, name="ML-KEM-768", security_category=3, actor=None)
    mechanism_upsert(protocol=ssh, name="mlkem768x25519-sha256", actor=None, parameter_sets=[ps], work_items=[ssh_item],
                     kind="key_establishment", hybrid=True, classical_component="X25519", cited_row="r")  # fmt: skip
    return mechanism_upsert(protocol=tls, name="X25519MLKEM768", actor=None, parameter_sets=[ps], work_items=[item],
                            kind="key_establishment", code_point="0x11EC", hybrid=True, classical_component="X25519",
                            cited_row="standards_work.csv: IETF draft-ietf-tls-ecdhe-mlkem")  # fmt: skip


@pytest.mark.parametrize("persona", ["officer_a", "officer_c", "planner", "analyst", "administrator"])
def test_list_and_detail_render_for_every_role(
    login: Login, persona: str, group: Mechanism, request: pytest.FixtureRequest
) -> None:
    client = login(request.getfixturevalue(persona))
    assert client.get("/mechanisms/").status_code == 200
    assert client.get(f"/mechanisms/{group.pk}/").status_code == 200


def test_the_list_filters_by_protocol_and_says_hybrid_in_words(login: Login, planner: User, group: Mechanism) -> None:
    html = login(planner).get("/mechanisms/?protocol=TLS").content.decode()
    assert "X25519MLKEM768" in html and "0x11EC" in html and "Hybrid with X25519" in html
    assert "mlkem768x25519-sha256" not in html
    assert "mlkem768x25519-sha256" in login(planner).get("/mechanisms/").content.decode()


def test_the_detail_shows_the_lifecycle_from_the_work_items_status_history(
    login: Login, planner: User, group: Mechanism
) -> None:
    html = login(planner).get(f"/mechanisms/{group.pk}/").content.decode()
    assert html.index("wg_draft") < html.index("rfc<")  # oldest first
    assert "2024-03" in html and "2026-08" in html and "Final" in html
    assert "standards_work.csv: IETF draft-ietf-tls-ecdhe-mlkem" in html


def test_an_unknown_mechanism_is_a_404(login: Login, planner: User) -> None:
    assert login(planner).get("/mechanisms/999999/").status_code == 404


def test_pages_in_a_pinned_number_of_queries(
    login: Login, planner: User, group: Mechanism, django_assert_num_queries
) -> None:
    client = login(planner)
    # session, user, protocols (filter), mechanisms, parameter sets, work items, header nation, liaison
    with django_assert_num_queries(8):
        assert client.get("/mechanisms/").status_code == 200
    # session, user, mechanism, parameter sets, work items, their statuses, header nation, liaison
    with django_assert_num_queries(8):
        assert client.get(f"/mechanisms/{group.pk}/").status_code == 200
