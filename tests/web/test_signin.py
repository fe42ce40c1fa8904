"""Sign-in hardening (issue 9, OWASP ASVS L2): lockout per account and per address (django-axes), a
12-character minimum password, and an idle session timeout."""

from __future__ import annotations

import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from apps.accounts.management.commands.seed_demo import DEMO_PASSWORD
from apps.accounts.models import User
from apps.accounts.signin import LAST_SEEN_KEY, RENEW_AFTER_SECONDS

pytestmark = pytest.mark.django_db

RIGHT = "correct-horse-battery"
LOGIN = "/accounts/login/"


def _sign_in(client: Client, username: str, password: str, address: str = "192.0.2.10") -> int:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address).status_code


def _fail_until_locked(client: Client, username: str, address: str = "192.0.2.10") -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert _sign_in(client, username, "wrong-password-guess", address) in (200, 429)


def test_a_wrong_password_is_refused_without_locking_before_the_limit(client: Client, officer_a: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "officer_a", "wrong-password-guess") == 200
    assert _sign_in(client, "officer_a", RIGHT) == 302


def test_a_locked_account_cannot_sign_in_even_with_the_right_password(client: Client, officer_a: User) -> None:
    _fail_until_locked(client, "officer_a")
    response = client.post(LOGIN, {"username": "officer_a", "password": RIGHT}, REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert "_auth_user_id" not in client.session
    # Per account: another address does not unlock it.
    assert _sign_in(Client(), "officer_a", RIGHT, address="198.51.100.7") == 429


def test_an_address_that_guessed_too_often_is_locked_for_every_account(
    client: Client, officer_a: User, planner: User
) -> None:
    for name in ("nobody-1", "nobody-2", "nobody-3", "nobody-4", "nobody-5")[: settings.AXES_FAILURE_LIMIT]:
        _sign_in(client, name, "wrong-password-guess", address="203.0.113.5")
    assert _sign_in(Client(), "planner", RIGHT, address="203.0.113.5") == 429
    # The same account from a clean address is not locked: no single name reached the limit.
    assert _sign_in(Client(), "planner", RIGHT, address="192.0.2.99") == 302


def test_an_administrator_reset_lifts_the_lockout(client: Client, officer_a: User) -> None:
    _fail_until_locked(client, "officer_a")
    assert AccessAttempt.objects.filter(username="officer_a").exists()
    call_command("axes_reset_username", "officer_a", verbosity=0)
    assert _sign_in(Client(), "officer_a", RIGHT, address="198.51.100.7") == 302


def test_the_admin_sign_in_is_throttled_too(client: Client, administrator: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "admin", "password": "wrong-password-guess"}, REMOTE_ADDR="192.0.2.3")
    response = client.post("/admin/login/", {"username": "admin", "password": RIGHT}, REMOTE_ADDR="192.0.2.3")
    assert response.status_code == 429


def test_passwords_shorter_than_twelve_characters_are_refused(officer_a: User) -> None:
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Xq7#mLp2vR9", officer_a)  # 11 characters, otherwise strong
    validate_password("Xq7#mLp2vR9!", officer_a)


def test_the_demo_password_meets_the_policy(officer_a: User) -> None:
    validate_password(DEMO_PASSWORD, officer_a)


def _idle_for(client: Client, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - seconds
    session.save()


def test_a_session_idle_past_the_timeout_is_signed_out(client: Client, planner: User) -> None:
    client.force_login(planner)
    assert client.get("/matrix/").status_code == 200
    _idle_for(client, settings.SESSION_IDLE_TIMEOUT_SECONDS + 1)
    response = client.get("/matrix/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    assert client.get("/api/v1/nations/").status_code in (401, 403)


def test_a_session_in_use_stays_signed_in_and_is_renewed(client: Client, planner: User) -> None:
    client.force_login(planner)
    _idle_for(client, settings.SESSION_IDLE_TIMEOUT_SECONDS - 5)
    assert client.get("/matrix/").status_code == 200
    assert int(time.time()) - client.session[LAST_SEEN_KEY] < RENEW_AFTER_SECONDS
    assert client.get("/matrix/").status_code == 200


def test_an_idle_api_session_is_signed_out_too(client: Client, planner: User) -> None:
    client.force_login(planner)
    assert client.get("/api/v1/nations/").status_code == 200
    _idle_for(client, settings.SESSION_IDLE_TIMEOUT_SECONDS + 1)
    assert client.get("/api/v1/nations/").status_code in (401, 403)


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw_not_one_the_client_invents(
    client: Client, officer_a: User, settings: object
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1  # type: ignore[attr-defined]
    for n in range(settings.AXES_FAILURE_LIMIT):  # type: ignore[attr-defined]
        # The client rotates a forged left-most entry; the proxy appends the real address.
        client.post(
            LOGIN,
            {"username": f"nobody-{n}", "password": "wrong-password-guess"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.18.0.{n}, 203.0.113.77",
        )
    locked = Client().post(
        LOGIN, {"username": "officer_a", "password": RIGHT}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.77"
    )
    assert locked.status_code == 429
    # Another client behind the same proxy is not locked out with it.
    other = Client().post(
        LOGIN, {"username": "officer_a", "password": RIGHT}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.44"
    )
    assert other.status_code == 302
