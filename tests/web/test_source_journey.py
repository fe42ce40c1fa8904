"""A browser journey (as in ``test_journeys``): an officer publishes a position resting on a secondary report
that was not confirmed; the dossier shows the source's kind and the marks, and so does the finding built on
it. The screenshots go to ``test-output/screenshots/``."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from apps.accounts.models import User
from apps.gaps import engine
from apps.gaps.models import Finding, Rule, RunTrigger
from apps.positions.models import HybridPolicy
from tests.factories import declare, make_source
from tests.web.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_officer_and_the_planner_see_what_each_claim_rests_on(
    page: Page,
    live_server,
    officer_a: User,
    officer_b: User,
    planner: User,
) -> None:
    speech = make_source(kind="statement", document="Director-General's speech", verified=False)
    declare(officer_b.nation, actor=officer_b, hybrid_policy=HybridPolicy.REQUIRED, source=speech)
    engine.recompute(trigger=RunTrigger.MANUAL)
    base = live_server.url

    sign_in(page, base, officer_a)
    page.goto(f"{base}/nations/AA/positions/new/")
    page.get_by_label("PQC stance").select_option("adopt_mandated")
    page.get_by_label("QKD stance").select_option("rejects")
    page.get_by_label("Hybrid policy").select_option("forbidden")
    page.get_by_label("Declared on").fill("2025-03")
    page.get_by_label("Issuing authority").fill("Avalon Cyber Agency")
    page.get_by_label("Document title").fill("Trade press report on the pure PQC directive")
    page.get_by_label("Kind of source").select_option("secondary")
    page.get_by_label("URL").fill("https://news.example/aa-pure-pqc")
    page.get_by_label("Publication date").fill("2025-03-14")
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("Position published for AA")
    position = page.locator("dl.position")
    expect(position).to_contain_text("secondary report (news, vendor, tracker)")
    expect(position.locator(".mark-secondary")).to_have_text("secondary pages only")
    expect(position.locator(".mark-unconfirmed")).to_have_text("unconfirmed")
    dossier = shot(page, "sources-1-dossier-marks")

    engine.drain_requests()
    finding = Finding.objects.get(rule=Rule.HYBRID_CONFLICT)
    sign_in(page, base, planner)
    page.goto(f"{base}/findings/{finding.pk}/")
    expect(page.locator(".explanation")).to_contain_text("None of the records it rests on was confirmed")
    expect(page.locator("dl .mark-speech").first).to_have_text("speech")
    expect(page.locator("dl .mark-unconfirmed").first).to_have_text("unconfirmed")
    detail = shot(page, "sources-2-finding-marks")

    for path in (dossier, detail):
        assert path.exists() and path.stat().st_size > 0
