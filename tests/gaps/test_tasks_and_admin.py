"""The tasks stay thin and idempotent; the admin triages through the services."""

from __future__ import annotations

from apps.gaps.models import Finding, FindingEvent, GapRun, RunTrigger
from apps.gaps.tasks import full_sweep, run_recompute


def test_run_recompute_returns_early_when_the_run_is_gone_or_done(small_world):
    run_recompute.apply(args=[987654])  # no such run: nothing happens, nothing raised
    assert not GapRun.objects.exists()
    run = GapRun.objects.create(trigger=RunTrigger.MANUAL)
    run_recompute.apply(args=[run.pk])
    run.refresh_from_db()
    assert run.status == "succeeded"
    events = FindingEvent.objects.count()
    run_recompute.apply(args=[run.pk])  # redelivered: already done
    assert FindingEvent.objects.count() == events


def test_the_tasks_are_json_acks_late_and_reject_on_worker_lost():
    for task in (full_sweep, run_recompute):
        assert task.acks_late and task.reject_on_worker_lost and task.serializer == "json"
        assert task.time_limit and task.soft_time_limit


def test_full_sweep_records_a_sweep_run(small_world):
    full_sweep.apply()
    assert GapRun.objects.get().trigger == "sweep"


def test_the_admin_lists_findings_and_acknowledges_through_the_service(small_world, admin_client, admin_user):
    full_sweep.apply()
    finding = Finding.objects.get(key="qkd_divergence:IT:US")
    assert admin_client.get("/admin/gaps/finding/").status_code == 200
    assert admin_client.get(f"/admin/gaps/finding/{finding.pk}/change/").status_code == 200
    response = admin_client.post(
        "/admin/gaps/finding/", {"action": "acknowledge", "_selected_action": [finding.pk]}, follow=True
    )
    assert response.status_code == 200
    finding.refresh_from_db()
    assert finding.status == "acknowledged"
    assert FindingEvent.objects.get(finding=finding, kind="acknowledged").actor == admin_user
    assert admin_client.get("/admin/gaps/gaprun/").status_code == 200
