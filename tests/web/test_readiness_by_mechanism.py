"""The readiness board by mechanism: pure and hybrid apart, per parameter set, each entry linking to the
mechanism and to its work items."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from apps.accounts.models import User
from apps.algorithms.models import Algorithm, AlgorithmKind, ParameterSet
from apps.standards.models import Lifecycle, Mechanism, Protocol, StandardsBody, WorkItem, WorkItemStatus

Login = Callable[[User], Client]


def test_the_hybrid_rfc_and_the_pure_draft_are_shown_apart_for_the_same_parameter_set(
    login: Login, analyst: User, django_assert_num_queries
) -> None:
    kem = Algorithm.objects.create(name="ML-KEM", kind=AlgorithmKind.KEM)
    ecdh = Algorithm.objects.create(name="ECDH", kind=AlgorithmKind.KEM, quantum_vulnerable=True)
    ps768 = ParameterSet.objects.create(algorithm=kem, name="ML-KEM-768", security_category=3)
    ps1024 = ParameterSet.objects.create(algorithm=kem, name="ML-KEM-1024", security_category=5)
    tls = Protocol.objects.create(code="TLS", name="TLS")
    ietf = StandardsBody.objects.create(code="IETF", name="IETF")
    rfc = WorkItem.objects.create(body=ietf, identifier="RFC 10024", title="ECDHE-MLKEM", protocol=tls)
    draft = WorkItem.objects.create(body=ietf, identifier="draft-ietf-tls-mlkem", title="ML-KEM", protocol=tls)
    WorkItemStatus.objects.create(work_item=rfc, status="rfc", lifecycle=Lifecycle.FINAL)
    WorkItemStatus.objects.create(work_item=draft, status="iesg_evaluation", lifecycle=Lifecycle.ADOPTED)
    hybrid = Mechanism.objects.create(
        protocol=tls, name="X25519MLKEM768", kind="key_establishment", code_point="0x11EC", hybrid=True,
        classical_component="X25519", classical_algorithm=ecdh, cited_row="test",
    )  # fmt: skip
    pure = Mechanism.objects.create(protocol=tls, name="MLKEM768", kind="key_establishment", cited_row="test")
    hybrid.parameter_sets.add(ps768)
    hybrid.work_items.add(rfc)
    pure.parameter_sets.add(ps768)
    pure.work_items.add(draft)
    client = login(analyst)
    # session, user, board (5), by mechanism: mechanisms, their parameter sets, their work items, statuses;
    # the header's nation and liaison nations
    with django_assert_num_queries(13):
        response = client.get("/readiness/")
    board = response.context["mechanisms"]
    assert board.columns == [(ps768, False), (ps768, True)]  # ML-KEM-1024 has no mechanism: no column
    [(protocol, [pure_cell, hybrid_cell])] = board.rows()
    assert protocol == tls
    assert [(e.mechanism.name, e.lifecycle) for e in pure_cell] == [("MLKEM768", "adopted")]
    assert [(e.mechanism.name, e.lifecycle) for e in hybrid_cell] == [("X25519MLKEM768", "final")]
    html = response.content.decode()
    assert f'href="/mechanisms/{hybrid.pk}/">X25519MLKEM768</a> <code>0x11EC</code>: ✔ Final' in html
    assert f'href="/mechanisms/{pure.pk}/">MLKEM768</a>: ◐ Adopted' in html
    assert f'href="/readiness/{tls.pk}/{kem.pk}/">RFC 10024</a>' in html
    assert ps1024.name not in html.split('id="by-mechanism"')[1]
