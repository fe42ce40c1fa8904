"""The algorithm catalogue pages: algorithms and parameter sets, read by everyone signed in, each linking to
the standards work covering it and the mechanisms combining it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.algorithms.models import Algorithm, ParameterSet
from apps.nations.models import Coalition, Nation
from tests.gaps.status_world import StatusWorld, build_status_world

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


@pytest.fixture
def world(nation_a: Nation, nation_b: Nation, ally: Coalition) -> StatusWorld:
    return build_status_world(nation_a, nation_b, ally, compute=False)


@pytest.mark.parametrize("persona", ["officer_a", "planner", "analyst", "administrator"])
def test_every_role_reads_the_catalogue(
    login: Login, world: StatusWorld, persona: str, request: pytest.FixtureRequest
) -> None:
    client = login(request.getfixturevalue(persona))
    ml_kem, ml_kem_768 = Algorithm.objects.get(name="ML-KEM"), ParameterSet.objects.get(name="ML-KEM-768")
    for url in ("/algorithms/", f"/algorithms/{ml_kem.pk}/", "/parameter-sets/", f"/parameter-sets/{ml_kem_768.pk}/"):
        assert client.get(url).status_code == 200, url


def test_the_algorithm_lists_its_parameter_sets_work_and_mechanisms(
    login: Login, planner: User, world: StatusWorld
) -> None:
    ml_kem, ml_kem_768 = Algorithm.objects.get(name="ML-KEM"), ParameterSet.objects.get(name="ML-KEM-768")
    client = login(planner)
    index = client.get("/algorithms/").content.decode()
    assert f'href="/algorithms/{ml_kem.pk}/"' in index and f'href="/parameter-sets/{ml_kem_768.pk}/"' in index
    html = client.get(f"/algorithms/{ml_kem.pk}/").content.decode()
    assert "Key establishment (KEM)" in html
    assert f'href="/work-items/{world.item.pk}/"' in html
    assert f'href="/mechanisms/{world.mechanism.pk}/"' in html
    assert "TS 103 744" not in html  # linked to no algorithm


def test_the_parameter_set_names_its_category_and_the_mechanisms_combining_it(
    login: Login, planner: User, world: StatusWorld
) -> None:
    ml_kem_768 = ParameterSet.objects.get(name="ML-KEM-768")
    html = login(planner).get(f"/parameter-sets/{ml_kem_768.pk}/").content.decode()
    assert "<dd>3</dd>" in html
    assert f'href="/mechanisms/{world.mechanism.pk}/"' in html and "hybrid with X25519" in html


def test_unknown_records_are_404s(login: Login, planner: User, world: StatusWorld) -> None:
    client = login(planner)
    assert client.get("/algorithms/999999/").status_code == 404
    assert client.get("/parameter-sets/999999/").status_code == 404


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # session, user, algorithms, their parameter sets, the header's liaison nations and user's nation
        ("/algorithms/", 6),
        # session, user, the algorithm (with source), its parameter sets, work items, mechanisms, header (2)
        ("/algorithms/{algorithm}/", 8),
        # session, user, parameter sets (with algorithm), header (2)
        ("/parameter-sets/", 5),
        # session, user, the parameter set (with algorithm), its mechanisms (with protocol), header (2)
        ("/parameter-sets/{parameter_set}/", 6),
    ],
)
def test_the_catalogue_pages_render_in_a_pinned_number_of_queries(
    login: Login, planner: User, world: StatusWorld, url: str, expected: int, django_assert_num_queries: Any
) -> None:
    path = url.format(
        algorithm=Algorithm.objects.get(name="ML-KEM").pk, parameter_set=ParameterSet.objects.get(name="ML-KEM-768").pk
    )
    client = login(planner)
    with django_assert_num_queries(expected):
        assert client.get(path).status_code == 200
