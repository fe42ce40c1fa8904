"""Records a caller may not see change nothing the caller can observe: not the statistics of a gap run
(API and web), which would otherwise count the hidden findings the run touched."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.gaps.models import Finding, FindingEvent, FindingEventKind, GapRun, RunStatus, RunTrigger
from apps.nations.models import Coalition, Nation
from tests.api.conftest import client_for
from tests.api.scenario import make_finding


def _run(*touched: tuple[Finding, str]) -> GapRun:
    """A finished run that opened, updated or resolved ``touched`` (with the totals the engine stores)."""
    kinds = [kind for _, kind in touched]
    run = GapRun.objects.create(
        trigger=RunTrigger.SWEEP,
        status=RunStatus.SUCCEEDED,
        findings_opened=sum(k in (FindingEventKind.OPENED, FindingEventKind.REOPENED) for k in kinds),
        findings_updated=kinds.count(FindingEventKind.UPDATED),
        findings_resolved=kinds.count(FindingEventKind.RESOLVED),
    )
    FindingEvent.objects.bulk_create(
        FindingEvent(finding=f, kind=k, run=run, required_clearances=f.required_clearances) for f, k in touched
    )
    return run


def _api_counts(who: User, run: GapRun) -> dict[str, Any]:
    body = client_for(who).get(f"/api/v1/gap-runs/{run.pk}/").json()
    listed = client_for(who).get("/api/v1/gap-runs/").json()["results"]
    assert [r for r in listed if r["id"] == run.pk] == [body]
    return {k: body[k] for k in ("findings_opened", "findings_updated", "findings_resolved")}


def _web_counts(who: User, run: GapRun) -> list[str]:
    client = Client()
    client.force_login(who)
    return re.findall(
        r"Findings opened \d+, updated \d+, resolved \d+", client.get(f"/runs/{run.pk}/").content.decode()
    )


@pytest.fixture
def findings(nation_a: Nation, nation_b: Nation, ally: Coalition) -> dict[str, Finding]:
    return {
        "public": make_finding(nation_a, nation_b, object="public"),
        "public2": make_finding(nation_a, None, object="public2"),
        "hidden": make_finding(nation_a, nation_b, required_clearances=[ally.pk], object="hidden"),
    }


@pytest.mark.parametrize("hidden_kind", [FindingEventKind.OPENED, FindingEventKind.UPDATED, FindingEventKind.RESOLVED])
def test_run_statistics_count_only_the_findings_the_caller_may_see(
    findings: dict[str, Finding], hidden_kind: str, officer_c: User, planner: User, administrator: User
) -> None:
    public = [(findings["public"], FindingEventKind.OPENED), (findings["public2"], FindingEventKind.UPDATED)]
    without = _run(*public)
    with_hidden = _run(*public, (findings["hidden"], hidden_kind))

    assert _api_counts(officer_c, with_hidden) == _api_counts(officer_c, without)
    assert len(_web_counts(officer_c, with_hidden)) == 1
    assert _web_counts(officer_c, with_hidden) == _web_counts(officer_c, without)
    # Those cleared for the hidden finding (and administrators) see it counted.
    for insider in (planner, administrator):
        counts = _api_counts(insider, with_hidden)
        assert sum(counts.values()) == sum(_api_counts(insider, without).values()) + 1
