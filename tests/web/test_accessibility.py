"""Accessibility: the axe-core audit the journeys run (``tests.web.browser``) does fail on a violation, and
an officer can declare, preview and publish a position with the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from apps.accounts.models import User
from apps.positions.models import HybridPolicy, Position
from tests.web.browser import PASSWORD, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_audit_fails_on_a_serious_violation(page: Page) -> None:
    page.set_content("<html lang='en'><title>t</title><main><img src='data:,'><button></button></main></html>")
    with pytest.raises(AssertionError, match="image-alt") as failure:
        page.audit.check()  # type: ignore[attr-defined]
    assert "button-name" in str(failure.value)
    page.set_content("<html lang='en'><title>t</title><main><h1>Fine</h1><img src='data:,' alt='x'></main></html>")
    page.audit.check()  # type: ignore[attr-defined]


def tab_to(page: Page, target: Locator, *, limit: int = 120) -> None:
    """Press Tab until ``target`` has the focus (as a keyboard user would), failing after ``limit`` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{target} never received the focus after {limit} Tab presses")


def key_in(page: Page, target: Locator, text: str) -> None:
    tab_to(page, target)
    page.keyboard.type(text)


def test_an_officer_declares_previews_and_publishes_with_the_keyboard_only(
    page: Page, live_server, officer_a: User, officer_b: User
) -> None:
    from apps.gaps import engine
    from apps.gaps.models import RunTrigger
    from tests.factories import declare

    declare(officer_b.nation, actor=officer_b, hybrid_policy=HybridPolicy.REQUIRED)
    engine.recompute(trigger=RunTrigger.MANUAL)
    base = live_server.url

    page.goto(f"{base}/accounts/login/")
    key_in(page, page.get_by_label("Username"), officer_a.username)
    key_in(page, page.get_by_label("Password"), PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/nations/AA/")

    tab_to(page, page.get_by_role("link", name="Declare a new position"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Preview")).to_be_visible()
    # a select takes the option whose label is typed while it has the focus
    key_in(page, page.get_by_label("PQC stance"), "Adoption mandated")
    key_in(page, page.get_by_label("Hybrid policy"), "Forbidden")
    key_in(page, page.get_by_label("Declared on"), "2025-03")
    key_in(page, page.get_by_label("Issuing authority"), "Avalon Cyber Agency")
    key_in(page, page.get_by_label("Document title"), "Pure PQC directive")
    key_in(page, page.get_by_label("URL"), "https://example.org/aa/pure-pqc")
    key_in(page, page.get_by_label("Publication date"), "2025-03-14")
    key_in(page, page.get_by_label("Kind of source"), "Executive order or directive")
    expect(page.get_by_label("Hybrid policy")).to_have_value("forbidden")
    expect(page.get_by_label("Kind of source")).to_have_value("directive")

    tab_to(page, page.get_by_role("button", name="Preview"))
    page.keyboard.press("Enter")
    expect(page.locator(".preview")).to_contain_text(
        "Hybrid conflict: Borduria requires hybrids, Avalon forbids hybrids"
    )
    shot(page, "keyboard-1-preview")
    assert not Position.objects.filter(nation=officer_a.nation, hybrid_policy=HybridPolicy.FORBIDDEN).exists()

    tab_to(page, page.get_by_role("button", name="Publish"))
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Position published for AA")
    shot(page, "keyboard-2-published")
    assert Position.objects.filter(nation=officer_a.nation, hybrid_policy=HybridPolicy.FORBIDDEN).exists()
