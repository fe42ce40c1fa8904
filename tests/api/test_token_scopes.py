"""The ``catalogue`` token scope (issue 13) and attributed token use (issue 9): a standards feed curates the
catalogues with a token that can do nothing else, issued only to someone who may curate, acting with its
owner's role as it is now; a token's last use is a change its owner made."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.accounts.models import ApiToken, Role, TokenScope, User
from apps.accounts.services import token_digest, token_issue
from apps.algorithms.models import Algorithm
from apps.api.etag import etag_for
from apps.audit.models import AuditEvent
from apps.core.exceptions import InvalidInput
from apps.nations.models import Coalition, Nation
from apps.standards.models import WorkItemStatus
from tests.api.conftest import CITATION, IssuedToken, client_for
from tests.api.scenario import World, build_world


@pytest.fixture
def world(nation_a: Nation, nation_b: Nation, ally: Coalition) -> World:
    return build_world(nation_a, nation_b, ally)


def test_a_catalogue_token_curates_the_catalogues(catalogue_token: IssuedToken, world: World) -> None:
    client = client_for(catalogue_token)
    created = client.post("/api/v1/algorithms/", {"name": "HQC", "kind": "kem"}, format="json")
    assert created.status_code == 201, created.content
    status = client.post(
        f"/api/v1/work-items/{world.work_item.pk}/statuses/",
        {"status": "rfc", "on": "2026-03", "source": CITATION},
        format="json",
    )
    assert status.status_code == 201, status.content
    edited = client.patch(
        f"/api/v1/mechanisms/{world.mechanism.pk}/",
        {"code_point": "0x0201"},
        format="json",
        HTTP_IF_MATCH=etag_for(world.mechanism),
    )
    assert edited.status_code == 200, edited.content
    assert Algorithm.objects.filter(name="HQC").exists()
    assert WorkItemStatus.objects.filter(work_item=world.work_item, status="rfc").exists()


def test_a_write_token_cannot_write_the_catalogues(write_token_a: IssuedToken, world: World) -> None:
    response = client_for(write_token_a).post("/api/v1/algorithms/", {"name": "HQC", "kind": "kem"}, format="json")
    assert response.status_code == 403
    assert "catalogue scope" in response.json()["detail"]
    assert not Algorithm.objects.filter(name="HQC").exists()


def test_a_catalogue_token_cannot_write_national_data(catalogue_token: IssuedToken, world: World) -> None:
    body = {"nation": "AA", "scope": "government", "pqc_stance": "adopt_mandated", "source": CITATION}
    response = client_for(catalogue_token).post("/api/v1/positions/", body, format="json")
    assert response.status_code == 403
    assert "write scope" in response.json()["detail"]


@pytest.mark.parametrize("owner", ["system_a", "planner", "officer_a"])
def test_a_catalogue_token_is_refused_to_whoever_may_not_curate(owner: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(owner)
    with pytest.raises(InvalidInput) as error:
        token_issue(
            user=user,
            name="feed",
            scopes=[TokenScope.READ, TokenScope.CATALOGUE],
            expires_at=timezone.now() + timedelta(days=1),
            actor=None,
        )
    assert "may not curate the catalogues" in error.value.errors["scopes"][0]
    assert not ApiToken.objects.exists()


def test_issue_token_issues_a_catalogue_token_to_an_analyst(analyst: User) -> None:
    out = StringIO()
    call_command("issue_token", "analyst", "--name", "feed", "--scope", "read", "--scope", "catalogue",
                 stdout=out, stderr=StringIO())  # fmt: skip
    token = ApiToken.objects.get(digest=token_digest(out.getvalue().strip()))
    assert token.scopes == ["catalogue", "read"] and token.user == analyst


def test_issue_token_explains_a_refused_catalogue_token(system_a: User) -> None:
    with pytest.raises(CommandError, match="system_a may not curate the catalogues"):
        call_command("issue_token", "system_a", "--name", "feed", "--scope", "catalogue", stderr=StringIO())
    assert not ApiToken.objects.exists()


def test_a_catalogue_token_acts_with_its_owners_current_role(catalogue_token: IssuedToken, world: World) -> None:
    client = client_for(catalogue_token)
    assert client.post("/api/v1/protocols/", {"code": "SSH"}, format="json").status_code == 201
    User.objects.filter(pk=catalogue_token.token.user_id).update(role=Role.PLANNER)
    response = client.post("/api/v1/protocols/", {"code": "IKEv2"}, format="json")
    assert response.status_code == 403
    assert "Only standards analysts" in response.json()["detail"]
    assert client.get("/api/v1/protocols/").status_code == 200  # it still reads, as its owner may


def test_a_tokens_use_is_attributed_to_its_owner(
    read_token: IssuedToken, system_a: User, new_audit_events: Callable[..., QuerySet[AuditEvent]]
) -> None:
    client = client_for(read_token)
    assert client.get("/api/v1/nations/").status_code == 200
    (event,) = new_audit_events(table_name="accounts_apitoken")
    assert (event.operation, event.row_id, event.changed_fields) == (
        "UPDATE",
        str(read_token.token.pk),
        ["last_used_at"],
    )
    assert event.actor_id == system_a.pk
    assert event.reason == f"API token {read_token.token.name} used"
    assert client.get("/api/v1/nations/").status_code == 200  # within the minute: no second stamp
    assert new_audit_events(table_name="accounts_apitoken").count() == 1


def test_a_tokens_use_is_attributed_inside_a_write_too(
    write_token_a: IssuedToken, system_a: User, world: World, new_audit_events: Callable[..., QuerySet[AuditEvent]]
) -> None:
    body = {"nation": "AA", "scope": "government", "pqc_stance": "adopt_mandated", "source": CITATION}
    assert client_for(write_token_a).post("/api/v1/positions/", body, format="json").status_code == 201
    stamp, declared = (
        new_audit_events(table_name="accounts_apitoken").get(),
        new_audit_events(table_name="positions_position").get(),
    )
    assert stamp.actor_id == declared.actor_id == system_a.pk
    assert declared.reason == "position declared for AA"


def test_an_external_system_registered_as_a_standards_feed_curates_with_a_catalogue_token(
    system_a: User, world: World
) -> None:
    system_a.standards_feed = True
    system_a.save()
    feed = IssuedToken(
        *token_issue(
            user=system_a,
            name="standards feed",
            scopes=[TokenScope.READ, TokenScope.CATALOGUE],
            expires_at=timezone.now() + timedelta(days=1),
            actor=None,
        )
    )
    client = client_for(feed)
    url = f"/api/v1/work-items/{world.work_item.pk}/statuses/"
    recorded = client.post(url, {"status": "rfc", "on": "2026-03", "source": CITATION}, format="json")
    assert recorded.status_code == 201, recorded.content
    User.objects.filter(pk=system_a.pk).update(standards_feed=False)  # the administrator takes it back
    refused = client.post(url, {"status": "rfc", "on": "2026-04", "source": CITATION}, format="json")
    assert refused.status_code == 403
    assert list(WorkItemStatus.objects.filter(work_item=world.work_item, status="rfc").values_list("status_on")) == [
        (date(2026, 3, 1),)
    ]


def test_only_an_external_system_can_be_a_standards_feed(planner: User) -> None:
    planner.standards_feed = True
    with pytest.raises(ValidationError, match="Only an external system can be a standards feed"):
        planner.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        planner.save()
