"""The declaration forms start from the truth: the record in force for the scope (or identity) chosen, as the
officer may see it, not the model's defaults; publishing what is already in force is refused on the form."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from apps.accounts.models import Role, User
from apps.algorithms.models import Algorithm, AlgorithmKind, ParameterSet
from apps.core.dates import PartialDate
from apps.nations.models import Coalition, Nation
from apps.positions.models import HybridPolicy, Position, PqcStance, QkdStance, Scope
from apps.positions.services import approval_set
from tests.factories import CoalitionFactory, MembershipFactory, UserFactory, declare, make_source, set_milestone
from tests.web.test_nation_pages import position_post

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


def _selected(html: str, value: str) -> bool:
    return f'<option value="{value}" selected>' in html


def test_the_position_form_starts_from_the_position_in_force(
    login: Login, officer_a: User, nation_a: Nation, ally: Coalition
) -> None:
    declare(
        nation_a,
        officer_a,
        pqc_stance=PqcStance.EVALUATING,
        qkd_stance=QkdStance.RESEARCH,
        hybrid_policy=HybridPolicy.DISCOURAGED,
        releasability=ally,
        algorithms_named="ML-KEM-768, ML-DSA-65",
    )
    html = login(officer_a).get("/nations/AA/positions/new/").content.decode()
    assert _selected(html, "evaluating") and _selected(html, "research") and _selected(html, "discouraged")
    assert _selected(html, "ALLY")
    assert "ML-KEM-768, ML-DSA-65" in html
    assert not _selected(html, "adopt_mandated") and not _selected(html, "required")


def test_the_scope_asked_for_is_the_one_the_form_starts_from(login: Login, officer_a: User, nation_a: Nation) -> None:
    declare(nation_a, officer_a, hybrid_policy=HybridPolicy.OPTIONAL)
    declare(nation_a, officer_a, scope=Scope.GOVERNMENT, hybrid_policy=HybridPolicy.FORBIDDEN)
    html = login(officer_a).get("/nations/AA/positions/new/?scope=government").content.decode()
    assert _selected(html, "government") and _selected(html, "forbidden")
    assert "/nations/AA/positions/new/?scope=all" in html  # the other scope in force is one click away


def test_with_nothing_in_force_the_form_starts_from_undeclared(login: Login, officer_a: User, nation_a: Nation) -> None:
    html = login(officer_a).get("/nations/AA/positions/new/").content.decode()
    assert _selected(html, "undeclared")
    assert not _selected(html, "adopt_mandated") and not _selected(html, "required")


def test_the_form_starts_from_the_position_the_officer_may_see(
    login: Login, nation_a: Nation, nation_b: Nation, nation_c: Nation
) -> None:
    """A successor releasable to a coalition the officer is outside of must not leak into the form."""
    blind = UserFactory(username="blind", role=Role.LIAISON_OFFICER, nation=nation_c, liaison_for=[nation_a])
    inner = CoalitionFactory(code="INNER", name="Inner circle")
    MembershipFactory(coalition=inner, nation=nation_b)
    declare(nation_a, hybrid_policy=HybridPolicy.OPTIONAL, declared=PartialDate.parse("2024-01-01"))
    declare(nation_a, hybrid_policy=HybridPolicy.FORBIDDEN, releasability=inner)
    html = login(blind).get("/nations/AA/positions/new/").content.decode()
    assert _selected(html, "optional") and not _selected(html, "forbidden")
    assert not _selected(html, "INNER")


def test_publishing_what_is_in_force_is_refused_with_a_clear_message(
    login: Login, officer_a: User, nation_a: Nation
) -> None:
    client = login(officer_a)
    assert client.post("/nations/AA/positions/new/", position_post()).status_code == 302
    response = client.post("/nations/AA/positions/new/", position_post())
    assert response.status_code == 200
    assert "This declares nothing new: the position in force already says exactly this." in response.content.decode()
    assert Position.objects.filter(nation=nation_a).count() == 1


def test_the_approval_form_starts_from_the_approval_in_force_for_its_identity(
    login: Login, officer_a: User, nation_a: Nation
) -> None:
    kem = Algorithm.objects.create(name="ML-KEM", kind=AlgorithmKind.KEM)
    ml_kem_768 = ParameterSet.objects.create(algorithm=kem, name="ML-KEM-768", security_category=3)
    approval_set(
        nation=nation_a,
        algorithm=kem,
        parameter_set=ml_kem_768,
        status="tolerated",
        scope=Scope.GOVERNMENT,
        actor=officer_a,
        source=make_source(),
    )
    client = login(officer_a)
    dossier = client.get("/nations/AA/").content.decode()
    link = "/nations/AA/approvals/new/?algorithm=ML-KEM&amp;parameter_set=ML-KEM-768&amp;scope=government"
    assert link in dossier
    html = client.get(link.replace("&amp;", "&")).content.decode()
    assert _selected(html, "tolerated") and _selected(html, "government") and _selected(html, "ML-KEM-768")


def test_the_milestone_form_starts_from_the_milestone_in_force_for_its_identity(
    login: Login, officer_a: User, nation_a: Nation
) -> None:
    set_milestone(
        nation=nation_a, kind="complete", title="All migrated", target="2031-06", actor=officer_a, source=make_source()
    )
    client = login(officer_a)
    dossier = client.get("/nations/AA/").content.decode()
    link = "/nations/AA/milestones/new/?kind=complete&amp;scope=all&amp;title=All%20migrated"
    assert link in dossier
    html = client.get(link.replace("&amp;", "&")).content.decode()
    assert _selected(html, "complete") and 'value="2031-06"' in html and 'value="All migrated"' in html
