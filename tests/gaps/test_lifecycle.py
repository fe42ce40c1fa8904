"""A finding's life: opened, acknowledged or waived, updated, resolved, reopened, each step recorded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.core.exceptions import Conflict, InvalidInput, NotPermitted
from apps.gaps import engine
from apps.gaps.models import Finding, FindingEvent, GapRun, RecomputeRequest, RunTrigger
from apps.gaps.preview import preview_position
from apps.gaps.services import finding_acknowledge, finding_waive, recompute_now
from apps.positions.models import Position
from apps.positions.services import position_declare
from tests.gaps.factories import UserFactory

KEY = "qkd_divergence:IT:US"


def sweep(**kwargs) -> GapRun:
    return engine.recompute(trigger=RunTrigger.SWEEP, **kwargs)


def kinds(key: str = KEY) -> list[str]:
    return list(FindingEvent.objects.filter(finding__key=key).values_list("kind", flat=True))


def test_a_sweep_opens_findings_with_an_event_each(small_world):
    run = sweep()
    assert run.status == "succeeded" and run.findings_opened == Finding.objects.count() > 0
    assert run.nations_evaluated == 3 and run.pairs_evaluated == 3
    assert run.started_at and run.finished_at and run.progress_done == run.progress_total
    assert kinds() == ["opened"]
    assert FindingEvent.objects.get(finding__key=KEY).run == run


def test_running_the_same_recompute_twice_changes_nothing(small_world):
    sweep()
    before = list(Finding.objects.order_by("key").values())
    events = FindingEvent.objects.count()
    run = sweep()
    assert (run.findings_opened, run.findings_updated, run.findings_resolved) == (0, 0, 0)
    assert list(Finding.objects.order_by("key").values()) == before
    assert FindingEvent.objects.count() == events


def test_the_change_services_leave_a_request_that_the_drain_turns_into_one_run(small_world):
    RecomputeRequest.objects.all().delete()
    position_declare(
        nation=small_world["IT"], actor=None, source=None, pqc_stance="adopt_mandated", qkd_stance="promotes"
    )
    position_declare(
        nation=small_world["GB"], actor=None, source=None, pqc_stance="adopt_recommended", qkd_stance="rejects"
    )
    assert RecomputeRequest.objects.count() == 2
    run = engine.drain_requests()
    assert run.trigger == "change" and sorted(run.nation_ids) == sorted([small_world["IT"].pk, small_world["GB"].pk])
    assert not RecomputeRequest.objects.exists()
    assert Finding.objects.filter(key=KEY).exists()
    assert engine.drain_requests() is None


def test_acknowledge_records_who_and_why_and_survives_recomputes(small_world, planner):
    sweep()
    finding = finding_acknowledge(
        finding=Finding.objects.get(key=KEY), actor=planner, reason="Bilateral PQC link planned"
    )
    assert finding.status == "acknowledged"
    event = FindingEvent.objects.get(finding=finding, kind="acknowledged")
    assert (event.actor, event.reason, event.from_status) == (planner, "Bilateral PQC link planned", "open")
    sweep()
    assert Finding.objects.get(key=KEY).status == "acknowledged"


def test_only_planners_triage(small_world, liaison):
    sweep()
    with pytest.raises(NotPermitted):
        finding_acknowledge(finding=Finding.objects.get(key=KEY), actor=liaison)
    with pytest.raises(NotPermitted):
        recompute_now(actor=liaison)


def test_a_waiver_needs_a_reason_and_a_future_expiry(small_world, planner):
    sweep()
    finding = Finding.objects.get(key=KEY)
    with pytest.raises(InvalidInput) as error:
        finding_waive(finding=finding, actor=planner, reason=" ", expires_on=timezone.localdate())
    assert set(error.value.errors) == {"reason", "expires_on"}
    assert Finding.objects.get(key=KEY).status == "open"


def test_a_waiver_survives_recomputes_and_lapses_after_its_expiry(small_world, planner):
    sweep()
    expiry = timezone.localdate() + timedelta(days=30)
    finding_waive(
        finding=Finding.objects.get(key=KEY), actor=planner, reason="Accepted until the link moves", expires_on=expiry
    )
    sweep()
    sweep(as_of=expiry)  # the expiry day itself is still covered
    assert Finding.objects.get(key=KEY).status == "waived"
    run = sweep(as_of=expiry + timedelta(days=1))
    finding = Finding.objects.get(key=KEY)
    assert finding.status == "open" and finding.waiver_expires_on is None
    lapsed = FindingEvent.objects.get(finding=finding, kind="waiver_lapsed")
    assert lapsed.run == run and str(expiry) in lapsed.reason
    # evaluating a month later also moves years_left, hence an "updated" step while waived
    assert [k for k in kinds() if k != "updated"] == ["opened", "waived", "waiver_lapsed"]


def test_resolved_when_the_data_no_longer_produces_it_and_reopened_when_it_comes_back(small_world, planner):
    sweep()
    finding_acknowledge(finding=Finding.objects.get(key=KEY), actor=planner)
    position_declare(
        nation=small_world["IT"], actor=None, source=None, pqc_stance="adopt_mandated", qkd_stance="research"
    )
    engine.drain_requests()
    finding = Finding.objects.get(key=KEY)
    assert finding.status == "resolved" and finding.resolved_at is not None
    assert FindingEvent.objects.get(finding=finding, kind="resolved").from_status == "acknowledged"
    position_declare(
        nation=small_world["IT"], actor=None, source=None, pqc_stance="adopt_mandated", qkd_stance="deploying"
    )
    run = engine.drain_requests()
    finding = Finding.objects.get(key=KEY)
    assert finding.status == "open" and finding.resolved_at is None
    assert run.findings_opened == 2  # reopened: IT-US and GB-IT
    assert kinds() == ["opened", "acknowledged", "resolved", "reopened"]


def test_a_change_of_content_is_an_update_and_keeps_the_triage(small_world, planner):
    sweep()
    finding_acknowledge(finding=Finding.objects.get(key=KEY), actor=planner)
    position_declare(
        nation=small_world["US"], actor=None, source=None, pqc_stance="adopt_mandated", qkd_stance="not_recommended"
    )
    run = engine.drain_requests()
    finding = Finding.objects.get(key=KEY)
    assert run.findings_updated >= 1 and finding.status == "acknowledged"
    update = FindingEvent.objects.get(finding=finding, kind="updated")
    assert "title" in update.changes and "rejects" in update.changes["title"][0]


def test_a_finding_from_a_restricted_record_is_visible_only_to_those_cleared_for_it(small_world):
    from apps.nations.models import Coalition

    fvey = Coalition.objects.get(code="FVEY")
    position_declare(
        nation=small_world["US"],
        actor=None,
        source=None,
        pqc_stance="adopt_mandated",
        qkd_stance="rejects",
        releasability=fvey,
    )
    sweep()
    finding = Finding.objects.get(key=KEY)
    assert finding.required_clearances == [fvey.pk]
    italian = UserFactory(username="it-planner", nation=small_world["IT"])
    british = UserFactory(username="gb-planner", nation=small_world["GB"])
    assert not Finding.objects.visible_to(italian).filter(key=KEY).exists()
    assert Finding.objects.visible_to(british).filter(key=KEY).exists()


def test_a_waived_or_resolved_finding_cannot_be_waived_again_once_resolved(small_world, planner):
    sweep()
    position_declare(
        nation=small_world["IT"], actor=None, source=None, pqc_stance="adopt_mandated", qkd_stance="research"
    )
    engine.drain_requests()
    with pytest.raises(Conflict):
        finding_waive(finding=Finding.objects.get(key=KEY), actor=planner, reason="x", expires_on=date(2099, 1, 1))


def test_preview_shows_what_a_draft_position_would_open_and_close_without_writing(small_world):
    sweep()
    positions, findings, events = Position.objects.count(), Finding.objects.count(), FindingEvent.objects.count()
    preview = preview_position(nation=small_world["IT"], actor=None, pqc_stance="adopt_mandated", qkd_stance="research")
    assert preview.opened == []
    assert {f.key for f in preview.closed} == {KEY, "qkd_divergence:GB:IT"}
    preview = preview_position(nation=small_world["GB"], actor=None, pqc_stance="undeclared", qkd_stance="rejects")
    assert [d.key for d in preview.opened] == ["undeclared_stance:GB"]
    assert (Position.objects.count(), Finding.objects.count(), FindingEvent.objects.count()) == (
        positions,
        findings,
        events,
    )


def test_preview_is_for_those_who_may_write_for_the_nation(small_world, liaison):
    with pytest.raises(NotPermitted):
        preview_position(nation=small_world["IT"], actor=liaison, qkd_stance="research")
    with pytest.raises(InvalidInput):
        preview_position(nation=small_world["IT"], actor=None, colour="blue")


def test_recompute_now_queues_a_manual_run_that_the_task_carries_out(
    small_world, planner, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = recompute_now(actor=planner)
    assert run.trigger == "manual" and run.requested_by == planner
    run.refresh_from_db()
    assert run.status == "succeeded" and run.findings_opened > 0


def test_the_recompute_gaps_command_prints_the_counts(small_world, capsys):
    from django.core.management import call_command

    call_command("recompute_gaps")
    out = capsys.readouterr().out
    assert "succeeded" in out and "3 pairs evaluated" in out and "findings opened" in out


def test_an_update_records_each_changed_field_from_what_to_what(small_world):
    sweep()
    before = Finding.objects.get(key=KEY)
    sweep(as_of=timezone.localdate() + timedelta(days=400))  # a year on, fewer years are left
    after = Finding.objects.get(key=KEY)
    update = FindingEvent.objects.get(finding=after, kind="updated")
    assert update.changes["years_left"] == [str(before.years_left), str(after.years_left)]
    assert all(event.changes for event in FindingEvent.objects.filter(kind="updated"))
