"""Evidence you can follow: each evidence item on a finding page names its record in a planner's words and
links to the record's page; a record the reader may not see is not shown at all."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.algorithms.models import Algorithm, AlgorithmKind, ParameterSet
from apps.gaps.models import Finding
from apps.nations.models import Coalition, Nation
from apps.positions.models import Declared, HybridPolicy, Scope
from apps.positions.services import approval_set
from apps.standards.models import Protocol, StandardsBody, WorkItem
from tests.factories import declare, make_source, set_milestone
from tests.web.conftest import make_finding

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


def _cited(*records: Declared | WorkItem) -> list[dict[str, object]]:
    """Evidence entries as the engine stores them, with the bare labels planners used to see."""
    return [{"model": r._meta.label_lower, "id": r.pk, "label": f"{r._meta.label_lower} #{r.pk}"} for r in records]


@pytest.fixture
def cited(nation_a: Nation, nation_b: Nation) -> dict[str, Declared | WorkItem]:
    kem = Algorithm.objects.create(name="ML-KEM", kind=AlgorithmKind.KEM)
    ml_kem_768 = ParameterSet.objects.create(algorithm=kem, name="ML-KEM-768", security_category=3)
    old = declare(nation_b, hybrid_policy=HybridPolicy.OPTIONAL)
    declare(nation_b, hybrid_policy=HybridPolicy.REQUIRED)
    tls = Protocol.objects.create(code="TLS", name="TLS")
    return {
        "position": declare(nation_a, scope=Scope.NATIONAL_SECURITY_SYSTEMS),
        "approval": approval_set(
            nation=nation_a,
            algorithm=kem,
            parameter_set=ml_kem_768,
            status="mandated",
            scope=Scope.NATIONAL_SECURITY_SYSTEMS,
            actor=None,
            source=make_source(verified=False),
        ),
        "milestone": set_milestone(nation=nation_a, kind="complete", title="All migrated", target="2031"),
        "superseded": old,
        "work_item": WorkItem.objects.create(
            body=StandardsBody.objects.create(code="IETF", name="IETF"),
            identifier="draft-ietf-tls-mlkem",
            title="ML-KEM for TLS 1.3",
            protocol=tls,
            source=make_source(url="https://datatracker.ietf.org/doc/draft-ietf-tls-mlkem/"),
        ),
    }


def _finding(nation_a: Nation, nation_b: Nation, *records: Declared | WorkItem) -> Finding:
    return make_finding(nation_a, nation_b, evidence=_cited(*records))


def test_each_evidence_item_is_named_in_planner_words_and_links_to_its_record(
    login: Login, planner: User, nation_a: Nation, nation_b: Nation, cited: dict[str, Declared | WorkItem]
) -> None:
    finding = _finding(nation_a, nation_b, *cited.values())
    html = login(planner).get(f"/findings/{finding.pk}/").content.decode()
    approval, position, milestone = cited["approval"].pk, cited["position"].pk, cited["milestone"].pk
    assert f'<a href="/nations/AA/#approval-{approval}">AA approval of ML-KEM-768 (national security systems)' in html
    assert f'<a href="/nations/AA/#position-{position}">AA position (national security systems)' in html
    assert f'<a href="/nations/AA/#milestone-{milestone}">AA milestone: Migration complete, All migrated' in html
    # A record superseded since is found in the nation's history, not on its dossier.
    assert f'<a href="/nations/BB/history/#position-{cited["superseded"].pk}">BB position (all systems)' in html
    assert '<a href="https://datatracker.ietf.org/doc/draft-ietf-tls-mlkem/"' in html
    assert "IETF draft-ietf-tls-mlkem (TLS): ML-KEM for TLS 1.3" in html
    assert "unverified" in html and "· verified" in html  # each item says whether its source confirmed it
    assert "positions.approval #" not in html and "#" + str(approval) + ")" not in html


def test_the_linked_anchors_exist_on_the_dossier_and_the_history(
    login: Login, officer_a: User, cited: dict[str, Declared | WorkItem]
) -> None:
    client = login(officer_a)
    dossier = client.get("/nations/AA/").content.decode()
    for name in ("position", "approval", "milestone"):
        assert f'id="{name}-{cited[name].pk}"' in dossier
    assert f'id="position-{cited["superseded"].pk}"' in client.get("/nations/BB/history/").content.decode()


def test_an_evidence_record_the_reader_may_not_see_is_not_shown(
    login: Login, outside_planner: User, planner: User, nation_a: Nation, nation_b: Nation, ally: Coalition
) -> None:
    restricted = declare(nation_a, scope=Scope.GOVERNMENT, releasability=ally)
    public = declare(nation_b)
    finding = _finding(nation_a, nation_b, restricted, public)
    outside = login(outside_planner).get(f"/findings/{finding.pk}/").content.decode()
    assert "BB position (all systems)" in outside
    assert "AA position (government)" not in outside and f"position-{restricted.pk}" not in outside
    assert "AA position (government)" in login(planner).get(f"/findings/{finding.pk}/").content.decode()
