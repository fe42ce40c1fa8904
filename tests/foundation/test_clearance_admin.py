"""Clearance is computed from coalition memberships, so only administrators change them, and each change
is in the audit trail with who made it and why."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db.models import QuerySet
from django.test import Client

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.core.exceptions import InvalidInput, NotPermitted
from apps.nations.models import Coalition, Membership, Nation
from apps.nations.services import membership_set


@pytest.mark.parametrize("persona", ["analyst", "officer_a", "planner", "outside_planner"])
def test_only_administrators_change_memberships(
    persona: str, request: pytest.FixtureRequest, ally: Coalition, nation_c: Nation
) -> None:
    actor = request.getfixturevalue(persona)
    with pytest.raises(NotPermitted):
        membership_set(coalition=ally, nation=nation_c, actor=actor, reason="self-granted clearance")
    assert not Membership.objects.filter(coalition=ally, nation=nation_c).exists()


def test_an_administrators_change_is_audited_with_actor_and_reason(
    administrator: User,
    ally: Coalition,
    nation_c: Nation,
    new_audit_events: Callable[..., QuerySet[AuditEvent]],
) -> None:
    with pytest.raises(InvalidInput):
        membership_set(coalition=ally, nation=nation_c, actor=administrator, reason=" ")
    membership = membership_set(coalition=ally, nation=nation_c, actor=administrator, reason="C joined ALLY")
    (event,) = new_audit_events(table_name="nations_membership")
    assert (event.operation, event.row_id, event.actor_id) == ("INSERT", str(membership.pk), administrator.pk)
    assert "C joined ALLY" in event.reason


def test_the_admin_page_asks_for_a_reason(administrator: User, ally: Coalition, nation_c: Nation) -> None:
    client = Client()
    client.force_login(administrator)
    form = {
        "coalition": ally.pk,
        "nation": nation_c.pk,
        "joined_on": "",
        "joined_precision": "day",
        "left_on": "",
        "left_precision": "day",
    }
    response = client.post("/admin/nations/membership/add/", form)
    assert response.status_code == 200 and "reason" in response.context["adminform"].form.errors
    assert not Membership.objects.filter(coalition=ally, nation=nation_c).exists()
    client.post("/admin/nations/membership/add/", {**form, "reason": "C joined ALLY"})
    assert Membership.objects.filter(coalition=ally, nation=nation_c).exists()
