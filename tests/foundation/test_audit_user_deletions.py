"""Deleting a user in the admin (its page or the list's bulk action) names the administrator in the audit
trail, for the user row and for the liaison nations that go with it, as changing one does."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Role, User
from apps.audit.models import AuditEvent
from apps.nations.models import Nation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(administrator: User) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


def _deletions(new_audit_events: Callable[..., QuerySet[AuditEvent]]) -> list[tuple[str, int | None]]:
    events = new_audit_events(operation="DELETE", table_name__in=["accounts_user", "accounts_user_liaison_for"])
    return sorted((e.table_name, e.actor_id) for e in events)


def test_deleting_a_user_on_its_page_names_the_administrator(
    new_audit_events, admin_client: Client, administrator: User, nation_a: Nation
) -> None:
    leaver = UserFactory(username="leaver", role=Role.LIAISON_OFFICER, nation=nation_a, liaison_for=[nation_a])
    response = admin_client.post(reverse("admin:accounts_user_delete", args=[leaver.pk]), {"post": "yes"})
    assert response.status_code == 302 and not User.objects.filter(pk=leaver.pk).exists()
    assert _deletions(new_audit_events) == [
        ("accounts_user", administrator.pk),
        ("accounts_user_liaison_for", administrator.pk),
    ]


def test_deleting_users_from_the_list_names_the_administrator(
    new_audit_events, admin_client: Client, administrator: User, nation_a: Nation
) -> None:
    leavers = [UserFactory(username=f"leaver{i}", liaison_for=[nation_a]) for i in range(2)]
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [u.pk for u in leavers], "post": "yes"},
    )
    assert response.status_code == 302 and not User.objects.filter(pk__in=[u.pk for u in leavers]).exists()
    assert (
        _deletions(new_audit_events)
        == [("accounts_user", administrator.pk)] * 2 + [("accounts_user_liaison_for", administrator.pk)] * 2
    )
