"""The algorithm catalogue pages: algorithms and parameter sets, read by everyone signed in, each linking to
the standards work covering it and the mechanisms combining it."""

from __future__ import annotations

import re
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


def edit_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "kem",
        "family": "lattice (module-LWE)",
        "aliases": "Kyber, CRYSTALS-Kyber",
        "standard": "FIPS 203",
        "status": "final",
        "status_date": "2024-08-13",
        "security_categories": ["1", "3", "5"],
        "source-authority": "NIST",
        "source-document": "FIPS 203",
        "source-kind": "guidance",
        "source-url": "https://csrc.nist.gov/pubs/fips/203/final",
        "source-published": "2024-08-13",
        "source-verified": "on",
    }
    data.update(overrides)
    return data


def edit_url() -> str:
    return f"/algorithms/{Algorithm.objects.get(name='ML-KEM').pk}/edit/"


@pytest.mark.parametrize("persona", ["officer_a", "planner"])
def test_the_edit_form_is_refused_to_those_who_may_not_curate(
    login: Login, world: StatusWorld, persona: str, request: pytest.FixtureRequest
) -> None:
    client = login(request.getfixturevalue(persona))
    assert client.get(edit_url()).status_code == 403
    assert client.post(edit_url(), edit_post()).status_code == 403
    assert Algorithm.objects.get(name="ML-KEM").standard == ""
    assert "Update this algorithm" not in client.get(edit_url().removesuffix("edit/")).content.decode()


@pytest.mark.parametrize("persona", ["analyst", "administrator"])
def test_analysts_and_administrators_update_an_algorithm_with_its_source(
    login: Login, world: StatusWorld, persona: str, request: pytest.FixtureRequest
) -> None:
    client = login(request.getfixturevalue(persona))
    assert "Update this algorithm" in client.get(edit_url().removesuffix("edit/")).content.decode()
    response = client.post(edit_url(), edit_post())
    assert response.status_code == 302
    algorithm = Algorithm.objects.select_related("source").get(name="ML-KEM")
    assert (algorithm.standard, algorithm.status, str(algorithm.status_date)) == ("FIPS 203", "final", "2024-08-13")
    assert algorithm.aliases == ["Kyber", "CRYSTALS-Kyber"] and algorithm.security_categories == [1, 3, 5]
    assert algorithm.source is not None and algorithm.source.authority == "NIST"


def test_the_edit_form_starts_from_the_algorithm_as_recorded(login: Login, analyst: User, world: StatusWorld) -> None:
    client = login(analyst)
    assert client.post(edit_url(), edit_post(status_date="2024-08")).status_code == 302
    html = client.get(edit_url()).content.decode()
    assert 'value="FIPS 203"' in html and 'value="Kyber, CRYSTALS-Kyber"' in html and 'value="2024-08"' in html
    checked = re.findall(r'<input type="checkbox" name="security_categories" value="(\d)"[^>]* checked>', html)
    assert checked == ["1", "3", "5"]


def test_an_edit_without_its_source_is_refused_and_changes_nothing(
    login: Login, analyst: User, world: StatusWorld
) -> None:
    response = login(analyst).post(edit_url(), edit_post(**{"source-document": "", "source-published": ""}))
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Algorithm.objects.get(name="ML-KEM").standard == ""


def test_the_edit_form_renders_in_a_pinned_number_of_queries(
    login: Login, analyst: User, world: StatusWorld, django_assert_num_queries: Any
) -> None:
    client, url = login(analyst), edit_url()
    # session, user, the algorithm, the header's liaison nations and user's nation
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(("persona", "expected"), [("officer_a", 403), ("planner", 403), ("analyst", 302)])
def test_a_parameter_set_is_corrected_only_by_those_who_curate(
    login: Login, world: StatusWorld, persona: str, expected: int, request: pytest.FixtureRequest
) -> None:
    ml_kem_768 = ParameterSet.objects.get(name="ML-KEM-768")
    client = login(request.getfixturevalue(persona))
    response = client.post(f"/parameter-sets/{ml_kem_768.pk}/edit/", {"security_category": "", "note": "Kyber768"})
    assert response.status_code == expected
    ml_kem_768.refresh_from_db()
    if expected == 302:
        assert (ml_kem_768.security_category, ml_kem_768.note) == (None, "Kyber768")
    else:
        assert (ml_kem_768.security_category, ml_kem_768.note) == (3, "")


def test_the_parameter_set_form_starts_from_what_is_recorded_and_refuses_a_category_out_of_range(
    login: Login, analyst: User, world: StatusWorld
) -> None:
    ml_kem_768 = ParameterSet.objects.get(name="ML-KEM-768")
    client = login(analyst)
    assert '<option value="3" selected>' in client.get(f"/parameter-sets/{ml_kem_768.pk}/edit/").content.decode()
    response = client.post(f"/parameter-sets/{ml_kem_768.pk}/edit/", {"security_category": "6"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
