""" "What changed since" reads the recorded axis: each record counts from when it was recorded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.algorithms.models import AlgorithmKind
from apps.algorithms.services import algorithm_upsert
from apps.core.dates import PartialDate
from apps.nations.models import Coalition, Membership, Nation
from apps.nations.services import membership_set
from apps.positions.models import Approval, Milestone
from apps.positions.services import approval_set
from apps.standards.models import Lifecycle, Protocol, StandardsBody, WorkItem, WorkItemStatus
from tests.factories import set_milestone

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


@pytest.fixture
def recorded(nation_a: Nation, nation_b: Nation, ally: Coalition) -> None:
    """An approval and a milestone recorded now (the approval releasable to ALLY only), a milestone
    declaring a 2024 date but recorded now, one recorded a year ago, a status and a membership change."""
    kem = algorithm_upsert(name="ML-KEM", kind=AlgorithmKind.KEM, actor=None, source=None)
    approval_set(nation=nation_a, algorithm=kem, status="approved", actor=None, source=None, releasability=ally)
    set_milestone(
        nation=nation_b,
        kind="plan",
        title="Plan (declared 2024, recorded now)",
        target="2027-01-01",
        declared=PartialDate(date(2024, 1, 1), "day"),
    )
    old = set_milestone(nation=nation_b, kind="inventory", title="Inventory recorded long ago", target="2026-01-01")
    Milestone.objects.filter(pk=old.pk).update(recorded_at=timezone.now() - timedelta(days=400))
    body = StandardsBody.objects.create(code="IETF", name="IETF")
    item = WorkItem.objects.create(
        body=body, identifier="draft-x", title="X", protocol=Protocol.objects.create(code="TLS")
    )
    WorkItemStatus.objects.create(work_item=item, status="wg_draft", lifecycle=Lifecycle.ADOPTED)
    membership_set(coalition=ally, nation=nation_b, left=PartialDate(date(2030, 1, 1), "day"), actor=None)


def test_changes_list_what_was_recorded_since_whatever_it_declares(
    login: Login, planner: User, recorded: None, django_assert_num_queries: Any
) -> None:
    client = login(planner)
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    client.get("/changes/")
    # session, user, the user's clearance; positions, approvals, milestones, statuses, memberships,
    # findings opened and resolved; the header's liaison nations and the user's nation
    with django_assert_num_queries(12):
        response = client.get(f"/changes/?since={since}")
    changes = response.context["changes"]
    assert [a.algorithm.name for a in changes.approvals] == ["ML-KEM"]
    assert [m.title for m in changes.milestones] == ["Plan (declared 2024, recorded now)"]
    assert [s.status for s in changes.statuses] == ["wg_draft"]
    # both memberships were recorded by the fixtures; B's leave date changed its row since
    assert {(m.nation.code, m.left_on) for m in changes.memberships} == {("AA", None), ("BB", date(2030, 1, 1))}
    page = response.content.decode()
    assert "Approvals recorded (1)" in page and "Memberships recorded, changed or ended" in page


def test_an_outsider_does_not_see_a_restricted_approval_among_the_changes(
    login: Login, outside_planner: User, recorded: None
) -> None:
    response = login(outside_planner).get("/changes/")
    assert response.context["changes"].approvals == []
    assert Approval.objects.count() == 1


def test_a_membership_that_ended_since_counts_as_a_change_however_long_ago_it_was_recorded(
    login: Login, planner: User, nation_a: Nation, nation_b: Nation, ally: Coalition
) -> None:
    today = timezone.localdate()
    membership_set(coalition=ally, nation=nation_b, left=PartialDate(today - timedelta(days=10), "day"), actor=None)
    membership_set(coalition=ally, nation=nation_a, left=PartialDate(date(2030, 1, 1), "day"), actor=None)
    long_ago = timezone.now() - timedelta(days=400)
    Membership.objects.update(created_at=long_ago, updated_at=long_ago)  # both leave dates were known long ago
    client = login(planner)
    month = client.get("/changes/", {"since": (today - timedelta(days=30)).isoformat()})
    assert [(m.nation.code, m.left_on) for m in month.context["changes"].memberships] == [
        ("BB", today - timedelta(days=10))
    ]  # AA's membership has not ended yet
    assert "Memberships recorded, changed or ended (1)" in month.content.decode()
    week = client.get("/changes/", {"since": (today - timedelta(days=5)).isoformat()})
    assert week.context["changes"].memberships == []  # BB's ended before the week began
