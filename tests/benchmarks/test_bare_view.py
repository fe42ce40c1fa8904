"""The API benchmark's bare comparison view answers with the rows the findings API pages through."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory

from benchmarks.api_urls import BARE_FIELDS, bare_findings
from tests.api.scenario import make_finding
from tests.factories import NationFactory

pytestmark = pytest.mark.django_db


def test_bare_view_returns_the_newest_findings_with_every_stored_column() -> None:
    a, b = NationFactory(), NationFactory()
    made = [make_finding(a, b, object=f"o{i}") for i in range(3)]

    response = bare_findings(RequestFactory().get("/bench/bare-findings/"))

    assert response.status_code == 200
    rows = json.loads(response.content)["results"]
    assert [row["id"] for row in rows] == [f.pk for f in reversed(made)]
    assert set(rows[0]) == set(BARE_FIELDS)
    assert rows[0]["nation_a__code"] == a.code


def test_bare_view_reads_one_query(django_assert_num_queries: object) -> None:
    a = NationFactory()
    for i in range(3):
        make_finding(a, object=f"o{i}")
    with django_assert_num_queries(1):  # type: ignore[operator]
        bare_findings(RequestFactory().get("/bench/bare-findings/"))
