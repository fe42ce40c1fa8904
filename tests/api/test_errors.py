"""Bad requests get clear problem details (RFC 9457) with field-level messages, never a 500."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.api.etag import etag_for
from apps.api.models import IdempotencyKey
from apps.api.throttling import PerCallerThrottle
from apps.nations.models import Nation
from apps.positions.models import Milestone, Position
from apps.standards.models import Protocol
from tests.api.conftest import CITATION, IssuedToken, client_for
from tests.api.scenario import make_finding
from tests.factories import declare

MILESTONE = {"nation": "AA", "kind": "plan", "title": "Plan", "target": "2030", "source": CITATION}


@pytest.fixture
def officer(officer_a: User) -> APIClient:
    return client_for(officer_a)


def problem(response: object, status: int) -> dict:
    assert response.status_code == status, response.content  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/problem+json"  # type: ignore[index]
    body = response.json()  # type: ignore[attr-defined]
    assert {"type", "title", "status", "detail"} <= set(body) and body["status"] == status
    return body


def test_malformed_json_is_a_400(officer: APIClient) -> None:
    response = officer.post("/api/v1/milestones/", "{not json", content_type="application/json")
    assert "not valid JSON" in problem(response, 400)["detail"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"bogus": 1}, "bogus"),
        ({"target": "2030-13-45"}, "target"),
        ({"target": 2030}, "target"),
        ({"nation": ["AA"]}, "nation"),
        ({"kind": "someday"}, "kind"),
        ({"title": None}, "title"),
        ({"declared": "last year"}, "declared"),
    ],
)
def test_invalid_fields_are_named(officer: APIClient, change: dict, field: str) -> None:
    response = officer.post("/api/v1/milestones/", {**MILESTONE, **change}, format="json")
    assert field in problem(response, 400)["errors"]


def test_naming_a_record_that_does_not_exist_is_a_422_on_a_write_and_a_404_on_a_read(officer: APIClient) -> None:
    """Well-formed but naming nothing: the schema says what a code looks like, not which codes exist."""
    assert (
        "nation"
        in problem(officer.post("/api/v1/milestones/", {**MILESTONE, "nation": "ZZ"}, format="json"), 422)["errors"]
    )
    assert "nation" in problem(officer.get("/api/v1/findings/?nation=ZZ"), 404)["errors"]
    assert "pair" in problem(officer.get("/api/v1/findings/?pair=AA,ZZ"), 404)["errors"]
    # Malformed as well: the malformed part decides.
    response = officer.post("/api/v1/milestones/", {**MILESTONE, "nation": "ZZ", "kind": "someday"}, format="json")
    assert {"nation", "kind"} <= set(problem(response, 400)["errors"])


def test_a_blank_code_is_a_400_not_read_as_none(officer: APIClient) -> None:
    """DRF reads "" as null for a related field; the schema says a code has at least one character."""
    response = officer.post("/api/v1/milestones/", {**MILESTONE, "releasability": ""}, format="json")
    assert "releasability" in problem(response, 400)["errors"]


def test_a_common_ground_question_without_nations_is_a_422(officer: APIClient) -> None:
    Protocol.objects.create(code="TLS", name="TLS")
    assert "coalition" in problem(officer.get("/api/v1/reports/common-ground/?protocol=TLS"), 422)["errors"]


def test_a_blank_or_loose_evaluation_date_is_a_400(officer: APIClient) -> None:
    for query in ("as_of=", "as_of=2030-1-1", "as_of=1999-12-31", "known_at=", "known_at=2030-01-01t00:00:00Z"):
        assert query.split("=")[0] in problem(officer.get(f"/api/v1/findings/?{query}"), 400)["errors"]


def test_a_body_that_is_not_an_object_is_a_400(officer: APIClient) -> None:
    problem(officer.post("/api/v1/milestones/", [1, 2], format="json"), 400)


def test_an_oversize_body_is_a_413(officer: APIClient) -> None:
    body = '{"note": "' + "x" * (300 * 1024) + '"}'
    problem(officer.post("/api/v1/milestones/", body, content_type="application/json"), 413)


def test_a_non_json_body_is_a_415(officer: APIClient) -> None:
    problem(officer.post("/api/v1/milestones/", "a=b", content_type="application/x-www-form-urlencoded"), 415)


def test_bad_query_parameters_are_400s(officer: APIClient) -> None:
    assert "as_of" in problem(officer.get("/api/v1/positions/?as_of=yesterday"), 400)["errors"]
    assert "changed_since" in problem(officer.get("/api/v1/findings/?changed_since=soon"), 400)["errors"]
    problem(officer.get("/api/v1/findings/?cursor=garbage"), 404)


def test_update_without_if_match_is_428_and_with_a_stale_one_412(nation_a: Nation, officer: APIClient) -> None:
    first = declare(nation_a)
    url = f"/api/v1/positions/{first.pk}/"
    problem(officer.patch(url, {"note": "a"}, format="json"), 428)
    stale = etag_for(first)
    ok = officer.patch(url, {"pqc_stance": "adopt_mandated"}, format="json", HTTP_IF_MATCH=stale)
    assert ok.status_code == 200 and ok["ETag"] == etag_for(Position.objects.get(pk=ok.json()["id"]))
    problem(officer.patch(url, {"pqc_stance": "evaluating"}, format="json", HTTP_IF_MATCH=stale), 412)


def test_a_superseding_update_keeps_history(nation_a: Nation, officer: APIClient) -> None:
    first = declare(nation_a)
    response = officer.put(
        f"/api/v1/positions/{first.pk}/",
        {"pqc_stance": "adopt_mandated", "declared": "2026-02", "source": CITATION},
        format="json",
        HTTP_IF_MATCH=etag_for(first),
    )
    assert response.status_code == 200
    new = response.json()
    assert new["id"] != first.pk and new["is_current"] and new["declared"] == "2026-02"
    history = officer.get("/api/v1/positions/history/?nation=AA").json()["results"]
    assert [p["id"] for p in history] == [new["id"], first.pk]


def test_declaring_again_where_one_is_in_force_is_a_409(nation_a: Nation, officer: APIClient) -> None:
    declare(nation_a)
    problem(officer.post("/api/v1/positions/", {"nation": "AA", "pqc_stance": "evaluating"}, format="json"), 409)


def test_an_idempotency_key_reused_for_another_request_is_a_422(officer: APIClient) -> None:
    assert officer.post("/api/v1/milestones/", MILESTONE, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    other = {**MILESTONE, "title": "Other"}
    problem(officer.post("/api/v1/milestones/", other, format="json", HTTP_IDEMPOTENCY_KEY="k"), 422)
    assert Milestone.objects.count() == 1


def test_waiver_needs_reason_and_expiry(planner: User, nation_a: Nation, nation_b: Nation) -> None:
    finding = make_finding(nation_a, nation_b)
    response = client_for(planner).post(
        f"/api/v1/findings/{finding.pk}/waive/", {}, format="json", HTTP_IF_MATCH=etag_for(finding)
    )
    assert set(problem(response, 400)["errors"]) == {"reason", "expires_on"}


def test_throttled_callers_get_429_with_retry_after(settings: object, read_token: IssuedToken) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"caller": "2/hour"}}  # type: ignore[attr-defined]
    # Ids restart with each test database; a count left in the shared cache by an earlier run must not count.
    throttle = PerCallerThrottle()
    cache.delete(throttle.key(f"token-{read_token.token.pk}", int(time.time() // 3600)))
    client = client_for(read_token)
    statuses = [client.get("/api/v1/nations/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get("/api/v1/nations/")
    problem(response, 429)
    assert 0 < int(response["Retry-After"]) <= 3600


def test_a_throttle_window_counts_in_the_cache_and_expires_with_its_window(
    settings: object, read_token: IssuedToken
) -> None:
    """The counter is the cache's own key (``cache.get`` reads it), created with the window's lifetime and not
    given a new one by later requests, so a window never outlives itself."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"caller": "100/hour"}}  # type: ignore[attr-defined]
    key = PerCallerThrottle().key(f"token-{read_token.token.pk}", int(time.time() // 3600))
    cache.delete(key)
    redis = cache._cache.get_client(write=False)  # type: ignore[attr-defined]
    client = client_for(read_token)
    assert client.get("/api/v1/nations/").status_code == 200
    assert cache.get(key) == 1
    redis.expire(cache.make_key(key), 100)  # as if the window were nearly over
    assert client.get("/api/v1/nations/").status_code == 200
    assert cache.get(key) == 2
    assert 0 < redis.ttl(cache.make_key(key)) <= 100


def test_anonymous_callers_reach_only_the_schema_and_docs() -> None:
    client = APIClient()
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"/static/drf_spectacular_sidecar/" in docs.content
    assert b"cdn" not in docs.content.lower()
    response = client.get("/api/v1/nations/")
    problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_withdrawing_keeps_the_record_in_history_and_a_second_time_is_stale(
    nation_a: Nation, officer: APIClient
) -> None:
    created = officer.post("/api/v1/milestones/", MILESTONE, format="json")
    assert created["Location"] == f"/api/v1/milestones/{created.json()['id']}/"
    url = f"{created['Location']}withdraw/"
    response = officer.post(url, {"reason": "Replaced."}, format="json", HTTP_IF_MATCH=created["ETag"])
    assert response.status_code == 200 and response.json()["is_current"] is False
    assert officer.get("/api/v1/milestones/").json()["count"] == 0
    assert officer.get("/api/v1/milestones/history/").json()["results"][0]["id"] == created.json()["id"]
    problem(officer.post(url, {"reason": "Again."}, format="json", HTTP_IF_MATCH=created["ETag"]), 412)


def test_an_idempotency_key_expires_after_a_day(officer: APIClient) -> None:
    first = officer.post("/api/v1/milestones/", MILESTONE, format="json", HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(days=2))
    Milestone.objects.all().delete()
    again = officer.post("/api/v1/milestones/", MILESTONE, format="json", HTTP_IDEMPOTENCY_KEY="old")
    assert again.status_code == 201 and not again.has_header("Idempotent-Replayed")
    assert again.json()["id"] != first.json()["id"]


def test_codes_with_a_slash_are_addressable(analyst: User) -> None:
    client = client_for(analyst)
    assert client.post("/api/v1/standards-bodies/", {"code": "ISO/IEC"}, format="json").status_code == 201
    assert client.get("/api/v1/standards-bodies/ISO/IEC/").json() == {"code": "ISO/IEC", "name": "ISO/IEC"}


def test_an_unknown_code_is_a_404_on_another_date_too(officer: APIClient) -> None:
    """The findings list evaluated on another date validates its filters itself, with the same answers."""
    assert "nation" in problem(officer.get("/api/v1/findings/?as_of=2030-01-01&nation=ZZ"), 404)["errors"]
    assert "nation" in problem(officer.get("/api/v1/findings/?as_of=2030-01-01&nation="), 400)["errors"]
