"""API tokens: issued by administrators (admin page, management command), shown once, stored hashed,
expiring, revocable, scoped, with a last-used time."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from apps.accounts.models import ApiToken, Role, TokenScope, User
from apps.accounts.services import token_digest, token_issue, token_revoke
from apps.api.authentication import ApiTokenAuthentication
from apps.api.etag import etag_for
from apps.core.dates import DatePrecision
from apps.core.exceptions import Conflict, InvalidInput, NotPermitted
from apps.nations.models import Coalition, Nation
from tests.api.conftest import IssuedToken, client_for
from tests.api.scenario import make_finding
from tests.factories import CoalitionFactory, MembershipFactory, UserFactory


def test_only_the_digest_is_stored(read_token: IssuedToken) -> None:
    token = ApiToken.objects.get(pk=read_token.token.pk)
    assert read_token.secret not in (token.digest, token.prefix)
    assert token.digest == token_digest(read_token.secret)


def test_a_token_reads_and_records_its_last_use(read_token: IssuedToken) -> None:
    assert read_token.token.last_used_at is None
    assert client_for(read_token).get("/api/v1/nations/").status_code == 200
    assert ApiToken.objects.get(pk=read_token.token.pk).last_used_at is not None


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer", "Bearer a b", "Bearer \u00e9t\u00e9"])
def test_malformed_or_unknown_tokens_are_401(header: str, db: None) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/api/v1/nations/").status_code == 401


def test_revoked_and_expired_tokens_are_refused(
    expired_token: IssuedToken, revoked_token: IssuedToken, administrator: User
) -> None:
    assert "expired" in client_for(expired_token).get("/api/v1/nations/").json()["detail"]
    assert "revoked" in client_for(revoked_token).get("/api/v1/nations/").json()["detail"]


def test_revoking_takes_effect_at_once_and_only_once(read_token: IssuedToken, administrator: User) -> None:
    client = client_for(read_token)
    assert client.get("/api/v1/nations/").status_code == 200
    token_revoke(token=read_token.token, actor=administrator)
    assert client.get("/api/v1/nations/").status_code == 401
    with pytest.raises(Conflict):
        token_revoke(token=read_token.token, actor=administrator)


def test_only_administrators_issue_tokens(system_a: User, planner: User) -> None:
    with pytest.raises(NotPermitted):
        token_issue(
            user=system_a,
            name="x",
            scopes=[TokenScope.READ],
            expires_at=timezone.now() + timedelta(days=1),
            actor=planner,
        )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"scopes": []}, "scopes"),
        ({"scopes": ["admin"]}, "scopes"),
        ({"expires_at": timezone.now() - timedelta(days=1)}, "expires_at"),
        ({"scopes": [TokenScope.WRITE]}, "write_nations"),
        ({"name": " "}, "name"),
    ],
)
def test_token_issue_refuses_bad_requests(system_a: User, kwargs: dict, field: str) -> None:
    values = {
        "user": system_a,
        "name": "ok",
        "scopes": [TokenScope.READ],
        "expires_at": timezone.now() + timedelta(days=1),
        "actor": None,
        **kwargs,
    }
    with pytest.raises(InvalidInput) as error:
        token_issue(**values)
    assert field in error.value.errors


def test_a_token_writes_only_for_nations_its_owner_may(system_a: User, nation_b: Nation) -> None:
    with pytest.raises(InvalidInput):
        token_issue(
            user=system_a,
            name="x",
            scopes=[TokenScope.WRITE],
            write_nations=[nation_b],
            expires_at=timezone.now() + timedelta(days=1),
            actor=None,
        )


def test_a_token_never_acts_as_an_administrator(administrator: User) -> None:
    with pytest.raises(InvalidInput):
        token_issue(
            user=administrator,
            name="x",
            scopes=[TokenScope.READ],
            expires_at=timezone.now() + timedelta(days=1),
            actor=None,
        )


@pytest.mark.parametrize("promotion", [{"role": "administrator"}, {"is_superuser": True}])
def test_a_token_is_refused_once_its_owner_sees_everything(read_token: IssuedToken, promotion: dict) -> None:
    client = client_for(read_token)
    assert client.get("/api/v1/nations/").status_code == 200
    User.objects.filter(pk=read_token.token.user_id).update(**promotion)
    response = client.get("/api/v1/nations/")
    assert response.status_code == 401 and "may no longer hold a token" in response.json()["detail"]


def test_a_token_acts_with_its_owners_current_clearance(read_token: IssuedToken, nation_a: Nation, ally) -> None:  # type: ignore[no-untyped-def]
    hidden = make_finding(nation_a, None, required_clearances=[ally.pk], object="hidden")
    client = client_for(read_token)
    assert client.get(f"/api/v1/findings/{hidden.pk}/").status_code == 200
    User.objects.filter(pk=read_token.token.user_id).update(nation=None)
    assert client.get(f"/api/v1/findings/{hidden.pk}/").status_code == 404


def test_management_command_prints_the_secret_once(system_a: User, nation_a: Nation) -> None:
    out = StringIO()
    call_command(
        "issue_token", "system_a", "--name", "feed", "--scope", "read", "--scope", "write", "--write-nation", "AA",
        stdout=out, stderr=StringIO(),
    )  # fmt: skip
    secret = out.getvalue().strip()
    token = ApiToken.objects.get(digest=token_digest(secret))
    assert token.scopes == ["read", "write"] and list(token.write_nations.all()) == [nation_a]


def test_admin_page_issues_a_token_and_shows_the_secret_once(administrator: User, system_a: User) -> None:
    client = Client()
    client.force_login(administrator)
    expires = timezone.now() + timedelta(days=10)
    response = client.post(
        "/admin/accounts/apitoken/add/",
        {
            "user": system_a.pk,
            "name": "feed",
            "scopes": ["read"],
            "expires_at_0": expires.strftime("%Y-%m-%d"),
            "expires_at_1": expires.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    secret = next(m for m in messages if "shown once" in m).rsplit(" ", 1)[-1]
    token = ApiToken.objects.get(digest=token_digest(secret))
    assert token.created_by == administrator
    assert client_for(IssuedToken(token, secret)).get("/api/v1/nations/").status_code == 200


def test_triage_scope_lets_a_planner_token_acknowledge(
    triage_token: IssuedToken, nation_a: Nation, nation_b: Nation
) -> None:
    finding = make_finding(nation_a, nation_b)
    response = client_for(triage_token).post(
        f"/api/v1/findings/{finding.pk}/acknowledge/",
        {"reason": "seen"},
        format="json",
        HTTP_IF_MATCH=etag_for(finding),
    )
    assert response.status_code == 200 and response.json()["status"] == "acknowledged"


def test_admin_page_reports_a_refused_token_without_creating_one(administrator: User, system_a: User) -> None:
    client = Client()
    client.force_login(administrator)
    expires = timezone.now() + timedelta(days=10)
    response = client.post(
        "/admin/accounts/apitoken/add/",
        {
            "user": system_a.pk,
            "name": "feed",
            "scopes": ["write"],
            "expires_at_0": expires.strftime("%Y-%m-%d"),
            "expires_at_1": expires.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302 and response["Location"] == "/admin/accounts/apitoken/add/"
    assert any("names the nations" in str(m) for m in get_messages(response.wsgi_request))
    assert not ApiToken.objects.exists()


def test_a_token_reads_its_owners_clearance_with_itself_and_it_is_the_same_set(
    system_a: User, nation_a: Nation, django_assert_num_queries: Any
) -> None:
    """The clearance read with the token (one query fewer per request) names exactly the coalitions
    ``cleared_coalition_ids`` reads on its own: memberships in force today, not those ended, not yet begun or
    whose join period is not over, nor another nation's."""
    today = timezone.localdate()
    in_force = [
        MembershipFactory(nation=nation_a, coalition=CoalitionFactory(code="BLANK")).coalition_id,
        MembershipFactory(nation=nation_a, coalition=CoalitionFactory(code="ENDSTODAY"), left_on=today).coalition_id,
        MembershipFactory(
            nation=nation_a,
            coalition=CoalitionFactory(code="LASTYEAR"),
            joined_on=date(today.year - 1, 1, 1),
            joined_precision=DatePrecision.YEAR,
        ).coalition_id,
    ]
    MembershipFactory(nation=nation_a, coalition=CoalitionFactory(code="ENDED"), left_on=today - timedelta(days=1))
    MembershipFactory(nation=nation_a, coalition=CoalitionFactory(code="LATER"), joined_on=today + timedelta(days=1))
    MembershipFactory(
        nation=nation_a,
        coalition=CoalitionFactory(code="THISYEAR"),
        joined_on=date(today.year, 1, 1),
        joined_precision=DatePrecision.YEAR,
    )
    MembershipFactory(coalition=CoalitionFactory(code="OTHERS"))
    issued = token_issue(
        user=system_a,
        name="clearance",
        scopes=[TokenScope.READ],
        expires_at=timezone.now() + timedelta(days=1),
        actor=None,
    )
    request = Request(APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {issued[1]}"))
    ApiTokenAuthentication().authenticate(request)  # stamps the last use
    with django_assert_num_queries(1):
        user, _ = ApiTokenAuthentication().authenticate(request)  # type: ignore[misc]
        primed = user.cleared_coalition_ids()
    fresh = User.objects.get(pk=system_a.pk).cleared_coalition_ids()
    assert primed == fresh
    assert set(in_force) <= primed and not primed & set(
        Coalition.objects.filter(code__in=["ENDED", "LATER", "THISYEAR", "OTHERS"]).values_list("pk", flat=True)
    )


def test_a_token_whose_owner_has_no_nation_is_cleared_for_nothing(db: None) -> None:
    owner = UserFactory(username="nationless-system", role=Role.SYSTEM)
    _, secret = token_issue(
        user=owner, name="n", scopes=[TokenScope.READ], expires_at=timezone.now() + timedelta(days=1), actor=None
    )
    request = Request(APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {secret}"))
    user, _ = ApiTokenAuthentication().authenticate(request)  # type: ignore[misc]
    assert user.cleared_coalition_ids() == frozenset()
