"""Previewing a work item's status (``preview_work_item_status``): the findings it would open and close,
scoped to what the actor may see, refused to anyone who may not curate the catalogue, writing nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.audit.models import AuditEvent
from apps.core.dates import PartialDate
from apps.core.exceptions import InvalidInput, NotPermitted
from apps.gaps import engine
from apps.gaps.models import Finding, FindingStatus, RecomputeRequest, RunTrigger
from apps.gaps.preview import preview_work_item_status
from apps.nations.models import Coalition, Nation
from apps.standards.models import WorkItemStatus
from apps.standards.services import work_item_status_record
from tests.factories import CITED, UserFactory, make_source
from tests.gaps.status_world import ADOPTED_ON, StatusWorld, build_status_world

pytestmark = pytest.mark.django_db

RFC = PartialDate.parse("2026-08")
SSH_GAPS = {"standard_not_ready:AA:SSH", "standard_not_ready:BB:SSH"}


@pytest.fixture
def world(nation_a: Nation, nation_b: Nation, ally: Coalition) -> StatusWorld:
    return build_status_world(nation_a, nation_b, ally)


@pytest.fixture
def outside_analyst(nation_c: Nation) -> User:
    """An analyst of a nation outside ALLY: cleared for public records only."""
    return UserFactory(username="outside_analyst", role=Role.STANDARDS_ANALYST, nation=nation_c)


def test_the_rfc_would_close_the_ssh_gaps_and_open_none(world: StatusWorld, analyst: User) -> None:
    preview = preview_work_item_status(source=CITED, work_item=world.item, status="rfc", on=RFC, actor=analyst)
    assert preview.in_force and not preview.already_recorded
    assert {f.key for f in preview.closed} == SSH_GAPS
    assert preview.opened == []
    assert [(c.field, c.before, c.after) for c in preview.changes] == [
        ("status", "wg_draft", "rfc"),
        ("lifecycle", "Adopted", "Final"),
        ("status_date", ADOPTED_ON, "2026-08"),
    ]
    assert preview.current is not None and preview.current.status == "wg_draft"


def test_an_analyst_not_cleared_for_a_gap_does_not_learn_it_would_close(
    world: StatusWorld, outside_analyst: User
) -> None:
    preview = preview_work_item_status(source=CITED, work_item=world.item, status="rfc", on=RFC, actor=outside_analyst)
    assert {f.key for f in preview.closed} == {"standard_not_ready:AA:SSH"}


def test_withdrawing_a_final_standard_would_reopen_the_gaps_as_the_actor_may_see_them(
    world: StatusWorld, analyst: User, outside_analyst: User
) -> None:
    work_item_status_record(work_item=world.item, status="rfc", on=RFC, actor=None, source=make_source())
    engine.recompute(trigger=RunTrigger.MANUAL)
    assert not Finding.objects.unresolved().filter(key__in=SSH_GAPS).exists()
    today = PartialDate.parse(timezone.localdate().isoformat())
    cleared = preview_work_item_status(source=CITED, work_item=world.item, status="withdrawn", on=today, actor=analyst)
    assert {f.key for f in cleared.opened} == SSH_GAPS and cleared.closed == []
    assert "is withdrawn" in cleared.opened[0].explanation
    outside = preview_work_item_status(
        source=CITED, work_item=world.item, status="withdrawn", on=today, actor=outside_analyst
    )
    assert {f.key for f in outside.opened} == {"standard_not_ready:AA:SSH"}


def test_the_preview_writes_nothing(world: StatusWorld, analyst: User) -> None:
    before = (
        WorkItemStatus.objects.count(),
        RecomputeRequest.objects.count(),
        AuditEvent.objects.count(),
        sorted(Finding.objects.values_list("key", "status", "updated_at")),
    )
    preview_work_item_status(source=CITED, work_item=world.item, status="rfc", on=RFC, actor=analyst)
    after = (
        WorkItemStatus.objects.count(),
        RecomputeRequest.objects.count(),
        AuditEvent.objects.count(),
        sorted(Finding.objects.values_list("key", "status", "updated_at")),
    )
    assert after == before
    assert all(status == FindingStatus.OPEN for _, status, _ in after[3])


@pytest.mark.parametrize("persona", ["officer_a", "planner"])
def test_those_who_may_not_curate_the_catalogue_are_refused(
    world: StatusWorld, persona: str, request: pytest.FixtureRequest
) -> None:
    with pytest.raises(NotPermitted):
        preview_work_item_status(
            source=CITED, work_item=world.item, status="rfc", on=RFC, actor=request.getfixturevalue(persona)
        )


def test_an_administrator_may_preview(world: StatusWorld, administrator: User) -> None:
    preview = preview_work_item_status(source=CITED, work_item=world.item, status="rfc", on=RFC, actor=administrator)
    assert {f.key for f in preview.closed} == SSH_GAPS


def test_an_unknown_status_word_is_refused_on_its_field(world: StatusWorld, analyst: User) -> None:
    with pytest.raises(InvalidInput) as raised:
        preview_work_item_status(source=CITED, work_item=world.item, status="published-ish", on=RFC, actor=analyst)
    assert "status" in raised.value.errors


def test_a_status_dated_after_today_changes_nothing_today(world: StatusWorld, analyst: User) -> None:
    later = PartialDate.parse((timezone.localdate() + timedelta(days=40)).isoformat())
    preview = preview_work_item_status(source=CITED, work_item=world.item, status="rfc", on=later, actor=analyst)
    assert not preview.in_force and preview.dated_later
    assert preview.opened == [] and preview.closed == []


def test_a_status_dated_before_the_one_in_force_joins_the_history_only(world: StatusWorld, analyst: User) -> None:
    preview = preview_work_item_status(
        source=CITED, work_item=world.item, status="rfc", on=PartialDate.parse("2025-01"), actor=analyst
    )
    assert not preview.in_force and not preview.dated_later
    assert preview.closed == []


def test_a_status_recorded_already_changes_nothing(world: StatusWorld, analyst: User) -> None:
    preview = preview_work_item_status(
        source=CITED, work_item=world.item, status="wg_draft", on=PartialDate.parse(ADOPTED_ON), actor=analyst
    )
    assert preview.already_recorded and preview.in_force
    assert preview.changes == [] and preview.closed == [] and preview.opened == []


def test_a_status_without_a_source_is_refused_as_its_record_would_be_unless_recorded_already(
    world: StatusWorld, analyst: User
) -> None:
    with pytest.raises(InvalidInput) as refused:
        preview_work_item_status(source=None, work_item=world.item, status="rfc", on=RFC, actor=analyst)
    assert refused.value.status_code == 422 and "source" in refused.value.errors
    again = PartialDate.parse(ADOPTED_ON)  # recording it again is a no-op, which needs no source
    preview = preview_work_item_status(source=None, work_item=world.item, status="wg_draft", on=again, actor=analyst)
    assert preview.already_recorded


def test_the_same_day_as_the_status_in_force_supersedes_it_as_the_later_recorded(
    world: StatusWorld, analyst: User
) -> None:
    preview = preview_work_item_status(
        source=CITED, work_item=world.item, status="rfc", on=PartialDate.parse(ADOPTED_ON), actor=analyst
    )
    assert preview.in_force and {f.key for f in preview.closed} == SSH_GAPS
    work_item_status_record(
        work_item=world.item, status="rfc", on=PartialDate.parse(ADOPTED_ON), actor=analyst, source=make_source()
    )
    engine.drain_requests()
    assert not Finding.objects.unresolved().filter(key__in=SSH_GAPS).exists()  # the preview told the truth
