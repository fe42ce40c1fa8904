"""API personas: the shared session users plus tokens (read-only, write for A, triage, catalogue, expired, revoked),
and one client per persona."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken, Role, TokenScope, User
from apps.accounts.services import token_issue
from apps.nations.models import Nation
from tests.factories import UserFactory

#: A citation a person may give: who said it and when (issue 10). Declarations posted in tests carry it.
CITATION = {
    "authority": "Ministry",
    "document": "Guidance",
    "kind": "guidance",
    "url": "https://example.org/g",
    "published": "2025-04",
}


@pytest.fixture(autouse=True)
def api_test_settings(settings: Any) -> None:
    """The throttle has its own test; elsewhere it must not interfere. Personas are created by the dozen,
    so their passwords are hashed cheaply."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"caller": "100000/min"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def system_a(nation_a: Nation, ally: Any) -> User:
    """An external system of nation A: the owner of the tokens below."""
    return UserFactory(username="system_a", role=Role.SYSTEM, nation=nation_a, liaison_for=[nation_a])


@dataclass
class IssuedToken:
    token: ApiToken
    secret: str


def _issue(user: User, scopes: list[str], nations: list[Nation] | None = None, **kwargs: Any) -> IssuedToken:
    token, secret = token_issue(
        user=user,
        name=f"{'+'.join(scopes)} token",
        scopes=scopes,
        write_nations=nations or [],
        expires_at=timezone.now() + timedelta(days=30),
        actor=None,
        **kwargs,
    )
    return IssuedToken(token, secret)


@pytest.fixture
def read_token(system_a: User) -> IssuedToken:
    return _issue(system_a, [TokenScope.READ])


@pytest.fixture
def write_token_a(system_a: User, nation_a: Nation) -> IssuedToken:
    return _issue(system_a, [TokenScope.READ, TokenScope.WRITE], [nation_a])


@pytest.fixture
def triage_token(planner: User) -> IssuedToken:
    return _issue(planner, [TokenScope.READ, TokenScope.TRIAGE])


@pytest.fixture
def catalogue_token(analyst: User) -> IssuedToken:
    """A standards analyst's token for a standards feed: it reads and curates the catalogues."""
    return _issue(analyst, [TokenScope.READ, TokenScope.CATALOGUE])


@pytest.fixture
def expired_token(system_a: User, nation_a: Nation) -> IssuedToken:
    issued = _issue(system_a, [TokenScope.READ, TokenScope.WRITE], [nation_a])
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    return issued


@pytest.fixture
def revoked_token(system_a: User, nation_a: Nation) -> IssuedToken:
    issued = _issue(system_a, [TokenScope.READ, TokenScope.WRITE], [nation_a])
    ApiToken.objects.filter(pk=issued.token.pk).update(revoked_at=timezone.now())
    return issued


def client_for(who: User | IssuedToken | None) -> APIClient:
    client = APIClient()
    if isinstance(who, IssuedToken):
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {who.secret}")
    elif who is not None:
        client.force_login(who)
    return client


PERSONAS = (
    "anonymous",
    "officer_a",
    "planner",
    "analyst",
    "administrator",
    "read_token",
    "write_token_a",
    "catalogue_token",
    "expired_token",
    "revoked_token",
)


@pytest.fixture
def persona_client(request: pytest.FixtureRequest) -> Callable[[str], APIClient]:
    """``persona_client("officer_a")``: a client signed in (or holding the token) as that persona."""

    def make(name: str) -> APIClient:
        return client_for(None if name == "anonymous" else request.getfixturevalue(name))

    return make
