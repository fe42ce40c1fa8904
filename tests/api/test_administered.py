"""Nations, coalitions and memberships written through the API by administrators (issue 13): through the
nations services, audited with the administrator and (for memberships, which decide clearance) the reason;
refused for every other role and for every token. The matrix has the statuses; here what is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import QuerySet
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.api.etag import etag_for
from apps.audit.models import AuditEvent
from apps.core.exceptions import NotPermitted
from apps.gaps import engine
from apps.gaps.models import Finding, FindingStatus, RecomputeRequest, RunTrigger
from apps.nations.models import Coalition, Membership, Nation
from apps.nations.services import coalition_upsert, nation_upsert
from tests.api.conftest import IssuedToken, client_for

Events = Callable[..., QuerySet[AuditEvent]]


@pytest.fixture
def admin_client(administrator: User) -> APIClient:
    return client_for(administrator)


def test_an_administrator_adds_a_nation_audited(
    admin_client: APIClient, administrator: User, new_audit_events: Events
) -> None:
    response = admin_client.post("/api/v1/nations/", {"code": "DE", "name": "Germany"}, format="json")
    assert response.status_code == 201, response.content
    assert response["Location"] == "/api/v1/nations/DE/" and response["ETag"]
    assert response.json() == {"code": "DE", "name": "Germany", "kind": "state", "undeclared": True}
    (event,) = new_audit_events(table_name="nations_nation")
    assert (event.operation, event.actor_id, event.reason) == ("INSERT", administrator.pk, "nation DE")


def test_a_nation_is_renamed_with_its_etag(admin_client: APIClient, nation_a: Nation, new_audit_events: Events) -> None:
    path = "/api/v1/nations/AA/"
    assert admin_client.patch(path, {"name": "Avalonia"}, format="json").status_code == 428
    etag = admin_client.get(path)["ETag"]
    response = admin_client.patch(path, {"name": "Avalonia"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    assert Nation.objects.get(code="AA").name == "Avalonia" and Nation.objects.get(code="AA").kind == "state"
    assert admin_client.patch(path, {"name": "Again"}, format="json", HTTP_IF_MATCH=etag).status_code == 412
    (event,) = new_audit_events(table_name="nations_nation")
    assert event.changed_fields == ["name", "updated_at"]


def _patched(client: APIClient, path: str, body: dict[str, Any]) -> Any:
    response = client.patch(path, body, format="json", HTTP_IF_MATCH=client.get(path)["ETag"])
    assert response.status_code == 200, response.content
    return response


@pytest.mark.parametrize("change", [{"name": "Avalonia"}, {"kind": "body", "name": "Avalon"}])
def test_a_nation_renamed_or_of_another_kind_asks_for_its_gaps_to_be_recomputed(
    admin_client: APIClient, nation_a: Nation, change: dict[str, str]
) -> None:
    """Its name is in its findings' titles and explanations; its kind decides whether it is a subject at all
    (a multinational body is never one)."""
    assert not RecomputeRequest.objects.exists()
    _patched(admin_client, "/api/v1/nations/AA/", change)
    assert list(RecomputeRequest.objects.values_list("nation__code", "reason")) == [("AA", "nation AA changed")]
    RecomputeRequest.objects.all().delete()
    _patched(admin_client, "/api/v1/nations/AA/", change)  # the same again changes nothing
    assert not RecomputeRequest.objects.exists()


def test_the_recompute_a_renaming_asks_for_brings_the_findings_up_to_date(
    admin_client: APIClient, nation_a: Nation, ally: Coalition
) -> None:
    """A has declared nothing: its undeclared-stance finding names it. Renamed, the next drain (what the
    worker runs on the request) names it anew; made a body, it is no subject and the finding resolves."""
    engine.recompute(trigger=RunTrigger.SWEEP)
    assert Finding.objects.get(key="undeclared_stance:AA").title.startswith("Avalon has declared")
    _patched(admin_client, "/api/v1/nations/AA/", {"name": "Avalonia"})
    engine.drain_requests()
    finding = Finding.objects.get(key="undeclared_stance:AA")
    assert finding.title.startswith("Avalonia has declared") and "Avalonia, a member of" in finding.explanation
    _patched(admin_client, "/api/v1/nations/AA/", {"kind": "body"})
    engine.drain_requests()
    assert Finding.objects.get(key="undeclared_stance:AA").status == FindingStatus.RESOLVED


def test_a_state_needs_an_iso_code(admin_client: APIClient, nation_a: Nation) -> None:
    response = admin_client.post("/api/v1/nations/", {"code": "AUKUS", "name": "AUKUS"}, format="json")
    assert response.status_code == 422 and "ISO 3166-1 alpha-2" in response.json()["detail"]
    body = {"code": "AUKUS", "name": "AUKUS", "kind": "body"}
    assert admin_client.post("/api/v1/nations/", body, format="json").status_code == 201
    assert admin_client.post("/api/v1/nations/", body, format="json").status_code == 409


def test_an_existing_record_is_a_conflict_only_for_who_may_write(
    admin_client: APIClient, nation_a: Nation, planner: User
) -> None:
    body = {"code": "AA", "name": "Avalon"}
    assert admin_client.post("/api/v1/nations/", body, format="json").status_code == 409
    assert client_for(planner).post("/api/v1/nations/", body, format="json").status_code == 403


def test_a_coalition_is_added_and_changed(
    admin_client: APIClient, administrator: User, new_audit_events: Events
) -> None:
    created = admin_client.post(
        "/api/v1/coalitions/", {"code": "AUKUS", "name": "AUKUS", "kind": "security"}, format="json"
    )
    assert created.status_code == 201, created.content
    response = admin_client.patch(
        "/api/v1/coalitions/AUKUS/", {"is_defence": True}, format="json", HTTP_IF_MATCH=created["ETag"]
    )
    assert response.status_code == 200 and response.json()["is_defence"] is True
    assert response.json()["kind"] == "security"  # a PATCH changes only what it names
    events = new_audit_events(table_name="nations_coalition").order_by("id")
    assert [(e.operation, e.actor_id) for e in events] == [("INSERT", administrator.pk), ("UPDATE", administrator.pk)]


def test_a_membership_is_recorded_with_its_reason_and_recomputes(
    admin_client: APIClient, administrator: User, ally: Coalition, nation_c: Nation, new_audit_events: Events
) -> None:
    body = {"coalition": "ALLY", "nation": "CC", "joined": "2026-03", "reason": "C joined ALLY"}
    response = admin_client.post("/api/v1/memberships/", body, format="json")
    assert response.status_code == 201, response.content
    membership = Membership.objects.get(coalition=ally, nation=nation_c)
    assert response.json() == {
        "id": membership.pk,
        "coalition": "ALLY",
        "nation": "CC",
        "joined": "2026-03",
        "left": None,
    }
    assert response["Location"] == f"/api/v1/memberships/{membership.pk}/"
    (event,) = new_audit_events(table_name="nations_membership")
    assert event.actor_id == administrator.pk and event.reason == "membership CC in ALLY: C joined ALLY"
    assert RecomputeRequest.objects.filter(nation=nation_c).exists()
    assert admin_client.post("/api/v1/memberships/", body, format="json").status_code == 409


def test_a_membership_ends_by_put_saying_why(admin_client: APIClient, ally: Coalition, nation_b: Nation) -> None:
    membership = Membership.objects.get(coalition=ally, nation=nation_b)
    path = f"/api/v1/memberships/{membership.pk}/"
    etag = etag_for(membership)
    assert admin_client.put(path, {"left": "2030-01-31"}, format="json", HTTP_IF_MATCH=etag).status_code == 400
    response = admin_client.put(path, {"left": "2030-01-31", "reason": "B left"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    assert response.json()["left"] == "2030-01-31"
    assert admin_client.patch(path, {"reason": "x"}, format="json").status_code == 405  # dates are replaced whole


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"coalition": "ALLY", "nation": "ZZ", "reason": "r"}, 422, "nation"),
        ({"coalition": "NOPE", "nation": "CC", "reason": "r"}, 422, "coalition"),
        ({"coalition": "ALLY", "nation": "CC", "reason": " "}, 400, "reason"),
        ({"coalition": "ALLY", "nation": "CC"}, 400, "reason"),
        ({"coalition": "ALLY", "nation": "CC", "joined": "2030", "left": "2029", "reason": "r"}, 422, "left_on"),
    ],
)
def test_a_bad_membership_is_a_clear_4xx(
    body: dict[str, Any], status: int, field: str, admin_client: APIClient, ally: Coalition, nation_c: Nation
) -> None:
    response = admin_client.post("/api/v1/memberships/", body, format="json")
    assert response.status_code == status, response.content
    assert field in response.json()["errors"]
    assert not Membership.objects.filter(nation=nation_c).exists()


def test_unknown_records_are_404(admin_client: APIClient, ally: Coalition) -> None:
    assert admin_client.patch("/api/v1/nations/ZZ/", {"name": "x"}, format="json", HTTP_IF_MATCH="*").status_code == 404
    body = {"left": "2030", "reason": "r"}
    assert admin_client.put("/api/v1/memberships/999999/", body, format="json", HTTP_IF_MATCH="*").status_code == 404


@pytest.mark.parametrize("token", ["read_token", "write_token_a", "catalogue_token"])
def test_no_token_writes_nations(token: str, request: pytest.FixtureRequest, ally: Coalition, nation_c: Nation) -> None:
    issued: IssuedToken = request.getfixturevalue(token)
    body = {"coalition": "ALLY", "nation": "CC", "reason": "self-granted clearance"}
    response = client_for(issued).post("/api/v1/memberships/", body, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "No token may do this: sign in as an administrator."
    assert not Membership.objects.filter(nation=nation_c).exists()


@pytest.mark.parametrize("persona", ["analyst", "officer_a", "planner"])
def test_only_administrators_change_nations_and_coalitions(persona: str, request: pytest.FixtureRequest) -> None:
    actor = request.getfixturevalue(persona)
    with pytest.raises(NotPermitted, match="Only administrators"):
        nation_upsert(code="DE", name="Germany", actor=actor)
    with pytest.raises(NotPermitted, match="Only administrators"):
        coalition_upsert(code="AUKUS", name="AUKUS", kind="security", is_defence=False, actor=actor)
    assert not Nation.objects.filter(code="DE").exists() and not Coalition.objects.filter(code="AUKUS").exists()


def test_a_put_names_every_field_rather_than_resetting_one(admin_client: APIClient) -> None:
    """PUT replaces the record, so a field left out is an error, never its default: a body left without its
    kind is not silently made a state, nor a defence alliance's flag or note cleared. PATCH changes some."""
    body = admin_client.post("/api/v1/nations/", {"code": "XB", "name": "Body", "kind": "body"}, format="json")
    response = admin_client.put("/api/v1/nations/XB/", {"name": "Renamed"}, format="json", HTTP_IF_MATCH=body["ETag"])
    assert response.status_code == 400 and "kind" in response.json()["errors"], response.content
    assert Nation.objects.get(code="XB").kind == "body" and Nation.objects.get(code="XB").name == "Body"
    alliance = {"code": "AUKUS", "name": "AUKUS", "kind": "security", "is_defence": True, "note": "trilateral"}
    created = admin_client.post("/api/v1/coalitions/", alliance, format="json")
    partial = {"name": "AUKUS pact", "kind": "security"}
    response = admin_client.put("/api/v1/coalitions/AUKUS/", partial, format="json", HTTP_IF_MATCH=created["ETag"])
    assert response.status_code == 400 and {"is_defence", "note"} <= set(response.json()["errors"]), response.content
    assert Coalition.objects.filter(code="AUKUS", is_defence=True, note="trilateral", name="AUKUS").exists()
    whole = {**partial, "is_defence": True, "note": "trilateral"}
    response = admin_client.put("/api/v1/coalitions/AUKUS/", whole, format="json", HTTP_IF_MATCH=created["ETag"])
    assert response.status_code == 200 and response.json()["name"] == "AUKUS pact"


@pytest.mark.parametrize("persona", ["analyst", "officer_a", "planner"])
def test_who_may_not_write_learns_nothing_from_the_status(
    persona: str, request: pytest.FixtureRequest, nation_a: Nation, ally: Coalition
) -> None:
    """Permission first (issue 9): a refused caller gets 403 whether the record exists or not, with or
    without If-Match, stale or fresh, with a good body or a bad one; never 404, 428, 412 or 400, which
    would tell it about the record."""
    client = client_for(request.getfixturevalue(persona))
    membership = Membership.objects.filter(coalition=ally).first()
    assert membership is not None
    for path, body in (
        ("/api/v1/nations/AA/", {"name": "Avalon", "kind": "state"}),
        ("/api/v1/nations/ZZ/", {"name": "Nowhere", "kind": "state"}),
        ("/api/v1/nations/AA/", {"name": ""}),  # a bad body too: 403, not its 400
        ("/api/v1/coalitions/ALLY/", {"name": "Ally", "kind": "security", "is_defence": False, "note": ""}),
        ("/api/v1/coalitions/NONE/", {"name": "None", "kind": "security", "is_defence": False, "note": ""}),
        (f"/api/v1/memberships/{membership.pk}/", {"left": "2030", "reason": "r"}),
        ("/api/v1/memberships/999999/", {"left": "2030", "reason": "r"}),
    ):
        for headers in ({}, {"HTTP_IF_MATCH": '"stale"'}, {"HTTP_IF_MATCH": "*"}):
            response = client.put(path, body, format="json", **headers)
            assert response.status_code == 403, (path, headers, response.status_code)
