"""Journeys through a real headless Chromium (``tests.web.browser``: every page visited is audited with
axe-core). The gap recompute runs in-process after the officer publishes, as the worker would run it.

Screenshots go to ``test-output/screenshots/`` and the tests check they were written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.accounts.models import User
from apps.gaps import engine
from apps.gaps.models import Finding, FindingStatus, Rule, RunTrigger
from apps.positions.models import HybridPolicy
from tests.web.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_publishes_a_position_and_the_planner_sees_the_new_gap(
    page: Page, live_server, officer_a: User, officer_b: User, planner: User
) -> None:
    from tests.factories import declare

    declare(officer_b.nation, actor=officer_b, hybrid_policy=HybridPolicy.REQUIRED)
    engine.recompute(trigger=RunTrigger.MANUAL)
    base = live_server.url
    shots = []

    sign_in(page, base, officer_a)
    expect(page).to_have_url(f"{base}/nations/AA/")
    page.get_by_role("link", name="Declare a new position").click()
    page.get_by_label("PQC stance").select_option("adopt_mandated")
    page.get_by_label("QKD stance").select_option("rejects")
    page.get_by_label("Hybrid policy").select_option("forbidden")
    page.get_by_label("Declared on").fill("2025-03")
    page.get_by_label("Issuing authority").fill("Avalon Cyber Agency")
    page.get_by_label("Document title").fill("Pure PQC directive")
    page.get_by_label("URL").fill("https://example.org/aa/pure-pqc")
    page.get_by_label("Publication date").fill("2025-03-14")
    page.get_by_label("Kind of source").select_option("directive")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator(".preview")
    expect(preview).to_contain_text("Gaps this would open")
    expect(preview).to_contain_text("Hybrid conflict: Borduria requires hybrids, Avalon forbids hybrids")
    shots.append(shot(page, "journey1-1-preview"))
    assert not Finding.objects.filter(rule=Rule.HYBRID_CONFLICT).exists()  # the preview wrote nothing

    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("Position published for AA")
    expect(page.locator("dl.position")).to_contain_text("Forbidden (pure PQC only)")
    shots.append(shot(page, "journey1-2-published"))

    engine.drain_requests()  # what the worker does after the commit

    sign_in(page, base, planner)
    page.goto(f"{base}/matrix/?coalition=ALLY")
    cell = page.get_by_role("link", name="AA and BB: worst", exact=False).first
    expect(cell).to_be_visible()
    shots.append(shot(page, "journey1-3-matrix"))
    cell.click()
    link = page.get_by_role("link", name="Hybrid conflict: Borduria requires hybrids, Avalon forbids hybrids")
    expect(link).to_be_visible()
    link.click()
    expect(page.locator("h1")).to_contain_text("Hybrid conflict")
    expect(page.locator(".explanation")).to_contain_text("Borduria requires classical and post-quantum")
    shots.append(shot(page, "journey1-4-finding"))

    for path in shots:
        assert path.exists() and path.stat().st_size > 0


def test_planner_waives_a_finding_and_it_leaves_the_open_list(
    page: Page, live_server, officer_a: User, officer_b: User, planner: User
) -> None:
    from tests.factories import declare

    declare(officer_a.nation, actor=officer_a, hybrid_policy=HybridPolicy.FORBIDDEN)
    declare(officer_b.nation, actor=officer_b, hybrid_policy=HybridPolicy.REQUIRED)
    engine.recompute(trigger=RunTrigger.MANUAL)
    finding = Finding.objects.get(rule=Rule.HYBRID_CONFLICT)
    base = live_server.url
    shots = []

    sign_in(page, base, planner)
    page.get_by_role("link", name="Findings").click()
    expect(page).to_have_url(f"{base}/findings/?status=open")
    page.get_by_role("link", name=finding.title).click()
    shots.append(shot(page, "journey2-1-finding"))

    expires = timezone.localdate() + timedelta(days=120)
    waive = page.locator("form", has=page.get_by_role("button", name="Waive"))
    waive.get_by_label("Reason").fill("Bilateral exception agreed until the joint profile is published")
    waive.get_by_label("Waiver expires on").fill(expires.isoformat())
    waive.get_by_role("button", name="Waive").click()
    expect(page.locator("dl.facts")).to_contain_text("Waived until")
    expect(page.locator("dl.facts")).to_contain_text("Bilateral exception agreed")
    shots.append(shot(page, "journey2-2-waived"))

    page.get_by_role("link", name="Findings").click()
    expect(page.locator("#finding-table")).not_to_contain_text(finding.title)
    shots.append(shot(page, "journey2-3-open-list"))

    finding.refresh_from_db()
    assert finding.status == FindingStatus.WAIVED and finding.waiver_expires_on == expires
    for path in shots:
        assert path.exists() and path.stat().st_size > 0


def test_planner_switches_the_matrix_to_2031_and_back_to_today(
    page: Page, live_server, officer_a: User, officer_b: User, planner: User
) -> None:
    from apps.algorithms.models import AlgorithmKind
    from apps.algorithms.services import algorithm_upsert
    from apps.positions.services import approval_set

    # Both accept FrodoKEM, Avalon only until mid-2030: today they share a KEM, on 2031-01-01 they do not.
    frodo = algorithm_upsert(name="FrodoKEM", kind=AlgorithmKind.KEM, actor=None, source=None)
    until = timezone.localdate().replace(year=2030, month=6, day=30)
    approval_set(nation=officer_a.nation, algorithm=frodo, status="approved", actor=None, source=None, until=until)
    approval_set(nation=officer_b.nation, algorithm=frodo, status="approved", actor=None, source=None)
    engine.recompute(trigger=RunTrigger.MANUAL)
    base = live_server.url
    shots = []

    sign_in(page, base, planner)
    page.goto(f"{base}/matrix/?coalition=ALLY")
    cell = page.get_by_role("link", name="AA and BB: worst", exact=False)
    expect(cell).to_have_count(0)
    shots.append(shot(page, "journey3-1-matrix-today"))

    page.get_by_label("Gaps on").fill("2031-01-01")
    page.get_by_role("button", name="Show").click()
    banner = page.locator(".date-banner")
    expect(banner).to_contain_text("Evaluated for 2031-01-01")
    expect(cell.first).to_be_visible()
    shots.append(shot(page, "journey3-2-matrix-2031"))
    cell.first.click()
    expect(page.locator("#finding-table")).to_contain_text("No common KEM")
    expect(page.locator(".date-banner")).to_contain_text("2031-01-01")
    shots.append(shot(page, "journey3-3-findings-2031"))

    page.go_back()
    page.get_by_role("link", name="Back to today").click()
    expect(page.locator(".date-banner")).to_have_count(0)
    expect(cell).to_have_count(0)
    shots.append(shot(page, "journey3-4-matrix-back-today"))
    for path in shots:
        assert path.exists() and path.stat().st_size > 0


def test_planner_asks_which_tls_groups_all_of_nato_accepts(page: Page, live_server, planner: User) -> None:
    from apps.importer.loader import load_reference

    load_reference()
    base = live_server.url
    sign_in(page, base, planner)
    page.goto(f"{base}/common-ground/?coalition=NATO&protocol=TLS&as_of=2031-01-01")
    expect(page.locator("h2").first).to_contain_text("On 2031-01-01")
    grid = page.locator("table.common-ground")
    expect(grid.get_by_role("columnheader", name="X25519MLKEM768 (0x11EC) hybrid, X25519")).to_be_visible()
    # France requires hybrids: every pure group is refused, with the reason in words.
    expect(page.locator("#common")).to_be_visible()
    expect(grid.locator("tr", has_text="France (FR)")).to_contain_text(
        "no: hybrids are required, and this mechanism is pure"
    )
    expect(page.locator(".timeline-shifts li").first).to_contain_text("From 2026")
    path = shot(page, "journey4-common-ground-nato-tls-2031")
    page.get_by_role("link", name="X25519MLKEM768").click()
    expect(page.locator("h1")).to_contain_text("X25519MLKEM768")
    assert path.exists() and path.stat().st_size > 0
