"""Audit completeness for accounts (issue 9): every change to a user, a role, the nations a user writes for,
or a token is attributed, and no password hash or token digest ever enters the append-only trail."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role, TokenScope, User
from apps.accounts.services import token_issue, token_revoke
from apps.audit.models import AuditEvent
from apps.nations.models import Nation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Events = Callable[..., QuerySet[AuditEvent]]


def _stored(events: QuerySet[AuditEvent]) -> str:
    return json.dumps([[e.old_data, e.new_data] for e in events])


def test_no_password_hash_enters_the_trail_yet_a_password_change_is_recorded(new_audit_events: Events) -> None:
    user = UserFactory(username="secretive")
    first_hash = user.password
    user.set_password("another-long-passphrase")
    user.save()
    events = new_audit_events(table_name="accounts_user").order_by("id")
    stored = _stored(events)
    assert first_hash not in stored and user.password not in stored and '"password"' not in stored
    assert events.last().changed_fields == ["password"]  # type: ignore[union-attr]


def test_no_token_digest_enters_the_trail(new_audit_events: Events, administrator: User, nation_a: Nation) -> None:
    system = UserFactory(username="system", role=Role.PLANNER)
    token, _secret = token_issue(
        user=system, name="feed", scopes=[TokenScope.READ], expires_at=timezone.now() + timedelta(days=1),
        actor=administrator,
    )  # fmt: skip
    token_revoke(token=token, actor=administrator)
    events = new_audit_events(table_name="accounts_apitoken")
    assert [e.operation for e in events.order_by("id")] == ["INSERT", "UPDATE"]
    assert token.digest not in _stored(events) and '"digest"' not in _stored(events)
    assert {e.actor_id for e in events} == {administrator.pk}


def test_role_nation_and_liaison_changes_in_the_admin_name_the_administrator(
    new_audit_events: Events, administrator: User, nation_a: Nation, nation_b: Nation
) -> None:
    user = UserFactory(username="promoted", role=Role.PLANNER, nation=nation_a)
    client = Client()
    client.force_login(administrator)
    form = {
        "username": user.username,
        "role": Role.LIAISON_OFFICER,
        "nation": nation_b.pk,
        "liaison_for": [nation_b.pk],
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    response = client.post(reverse("admin:accounts_user_change", args=[user.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]

    changed = (
        new_audit_events(table_name="accounts_user", row_id=str(user.pk), operation="UPDATE").order_by("id").last()
    )
    assert changed is not None and {"role", "nation_id"} <= set(changed.changed_fields or [])
    liaison = new_audit_events(table_name="accounts_user_liaison_for", operation="INSERT")
    assert [e.new_data["nation_id"] for e in liaison] == [nation_b.pk]
    assert {changed.actor_id, *(e.actor_id for e in liaison)} == {administrator.pk}


def test_a_password_set_in_the_admin_names_the_administrator(new_audit_events: Events, administrator: User) -> None:
    user = UserFactory(username="forgetful")
    client = Client()
    client.force_login(administrator)
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    response = client.post(url, {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"})
    assert response.status_code == 302, response.content.decode()[:2000]
    (event,) = new_audit_events(
        table_name="accounts_user", row_id=str(user.pk), operation="UPDATE", actor_id__isnull=False
    )
    assert event.actor_id == administrator.pk and event.changed_fields == ["password"]


def _check():  # type: ignore[no-untyped-def]
    from apps.audit.checks import database_role_cannot_bypass_the_audit

    return database_role_cannot_bypass_the_audit


def _warnings_as(role: str | None) -> list[str]:
    """The deploy check's warnings with the connection acting as ``role`` (created for this test only)."""
    with connection.cursor() as cursor:
        if role is not None:
            cursor.execute(f"SET LOCAL ROLE {role}")
        try:
            return [message.id for message in _check()(None, databases=["default"])]
        finally:
            cursor.execute("RESET ROLE")


def test_deploy_check_warns_when_the_database_role_could_disable_the_audit() -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE pqctrack_check_super SUPERUSER NOLOGIN")
        cursor.execute("CREATE ROLE pqctrack_check_owner NOLOGIN")
        cursor.execute("CREATE ROLE pqctrack_check_app NOLOGIN")
        cursor.execute("ALTER TABLE audit_event OWNER TO pqctrack_check_owner")
    assert _warnings_as("pqctrack_check_super") == ["audit.W001"]
    assert _warnings_as("pqctrack_check_owner") == ["audit.W002"]
    assert _warnings_as("pqctrack_check_app") == []


def test_deploy_check_needs_a_database_to_look_at() -> None:
    assert _check()(None, databases=None) == []
