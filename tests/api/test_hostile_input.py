"""Hostile input is a 4xx with problem details, never a 500 and never silently ignored: nesting bombs,
oversize bodies, malformed UTF-8, NUL bytes in the body, the query and the path, huge query strings, and
cursors or page parameters that do not parse."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.accounts.models import User
from tests.api.conftest import CITATION, client_for
from tests.api.test_errors import problem

MILESTONES = "/api/v1/milestones/"


@pytest.fixture
def officer(officer_a: User) -> APIClient:
    return client_for(officer_a)


def test_a_deeply_nested_body_is_a_400_naming_the_limit(settings: Any, officer: APIClient) -> None:
    body = "[" * 200_000  # well under the size limit; parsing it recursively overflows the stack
    response = officer.post(MILESTONES, body, content_type="application/json")
    assert f"nested deeper than {settings.API_MAX_JSON_DEPTH}" in problem(response, 400)["detail"]


def test_nesting_just_past_the_limit_is_refused_and_at_it_parses(settings: Any, officer: APIClient) -> None:
    limit = settings.API_MAX_JSON_DEPTH
    too_deep = {"title": "x", "note": {"a": [[1]]}}
    for _ in range(limit - 3):
        too_deep = {"note": too_deep}
    assert "nested deeper" in problem(officer.post(MILESTONES, too_deep, format="json"), 400)["detail"]
    at_limit = "[" * (limit - 1) + "]" * (limit - 1)
    refused = problem(officer.post(MILESTONES, {"nation": at_limit}, format="json"), 400)
    assert "nested deeper" not in refused["detail"]  # a string that looks nested is just a string
    shallow = problem(officer.post(MILESTONES, "[" * limit + "]" * limit, content_type="application/json"), 400)
    assert "nested deeper" not in shallow["detail"]


def test_a_body_over_the_size_limit_is_a_413_naming_it(settings: Any, officer: APIClient) -> None:
    body = '{"note": "' + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + '"}'
    response = officer.post(MILESTONES, body, content_type="application/json")
    assert str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) in problem(response, 413)["detail"]


def test_a_body_that_is_not_utf8_is_a_400(officer: APIClient) -> None:
    response = officer.post(MILESTONES, b'{"title": "\xff\xfe"}', content_type="application/json")
    assert "not valid JSON" in problem(response, 400)["detail"]


def test_a_nul_byte_in_a_body_string_is_a_400_naming_the_field(officer: APIClient) -> None:
    body = {"nation": "AA", "kind": "plan", "title": "Pl\x00an", "target": "2030", "source": CITATION}
    assert "title" in problem(officer.post(MILESTONES, body, format="json"), 400)["errors"]


@pytest.mark.parametrize(
    "query",
    ["nation=A%00A", "rule=no_common_kem%00", "pair=AA%00,BB", "ordering=%00id", "cursor=%00", "changed_since=%00"],
)
def test_a_nul_byte_in_a_query_parameter_is_a_400(officer: APIClient, query: str) -> None:
    assert "NUL" in problem(officer.get(f"/api/v1/findings/?{query}"), 400)["detail"]


@pytest.mark.parametrize(
    "path", ["/api/v1/nations/A%00A/", "/api/v1/standards-bodies/IS%00O/", "/api/v1/reports/coalitions/AL%00LY/matrix/"]
)
def test_a_nul_byte_in_the_path_is_a_404(officer: APIClient, path: str) -> None:
    problem(officer.get(path), 404)


def test_malformed_utf8_in_the_query_and_path_is_a_4xx(officer: APIClient) -> None:
    # Decoded with replacement characters, it names no nation.
    assert "nation" in problem(officer.get("/api/v1/findings/?nation=%FF%FE"), 404)["errors"]
    problem(officer.get("/api/v1/nations/%FF%FE/"), 404)


def test_too_many_query_parameters_are_a_400_naming_the_limit(settings: Any, officer: APIClient) -> None:
    query = "&".join(f"p{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = officer.get(f"/api/v1/nations/?{query}")
    assert str(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS) in problem(response, 400)["detail"]


def test_a_huge_query_string_is_a_414_naming_the_limit(settings: Any, officer: APIClient) -> None:
    response = officer.get(f"/api/v1/findings/?nation={'A' * settings.MAX_QUERY_STRING_BYTES}")
    assert str(settings.MAX_QUERY_STRING_BYTES) in problem(response, 414)["detail"]


@pytest.mark.parametrize("cursor", ["garbage", "", "AAAA", "bz0x", "cD0"])
def test_a_cursor_that_does_not_decode_is_a_404(officer: APIClient, cursor: str) -> None:
    problem(officer.get(f"/api/v1/findings/?cursor={cursor}"), 404)


@pytest.mark.parametrize("url", ["/api/v1/nations/", "/api/v1/findings/", "/api/v1/positions/history/"])
@pytest.mark.parametrize("page_size", ["abc", "0", "-1", "101", "1.5", ""])
def test_a_page_size_out_of_range_is_a_400_not_ignored(officer: APIClient, url: str, page_size: str) -> None:
    assert "page_size" in problem(officer.get(f"{url}?page_size={page_size}"), 400)["errors"]


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999"])
def test_a_page_that_does_not_exist_is_a_404(officer: APIClient, page: str) -> None:
    problem(officer.get(f"/api/v1/nations/?page={page}"), 404)


@pytest.mark.parametrize("url", ["/api/v1/nations/", "/api/v1/findings/"])
def test_an_unknown_ordering_is_a_400_not_ignored(officer: APIClient, url: str) -> None:
    assert "ordering" in problem(officer.get(f"{url}?ordering=bogus"), 400)["errors"]


def test_valid_page_parameters_are_honoured(officer: APIClient) -> None:
    response = officer.get("/api/v1/nations/?page=1&page_size=1&ordering=-code")
    assert response.status_code == 200 and [n["code"] for n in response.json()["results"]] == ["BB"]
