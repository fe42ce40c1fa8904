"""The browser the journeys drive: Debian's headless Chromium through Playwright (``playwright install``
cannot download here), a page per test, sign-in and screenshot helpers, and an accessibility audit.

Every page a journey visits is audited with axe-core (``npm ci`` installs it from the lock into
``node_modules/``; ``make test`` does that): the page a test screenshots is audited as it stands, and at
the end of the test every other address the page navigated to is loaded again and audited. A serious or
critical violation fails the test, naming the rule, the page and the elements."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Frame, Page, expect, sync_playwright

from apps.accounts.models import User

SCREENSHOTS = Path(settings.BASE_DIR) / "test-output" / "screenshots"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct-horse-battery"

AUDIT_JS = """async (impacts) => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter((v) => impacts.includes(v.impact)).map((v) => ({
    rule: v.id, impact: v.impact, help: v.help, where: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
  }));
}"""


class Audit:
    """axe-core over the pages one test visits (see the module docstring)."""

    def __init__(self, page: Page) -> None:
        if not AXE.exists():
            pytest.fail(f"axe-core not found at {AXE}: run `npm ci` in the project (make test does)")
        self.page, self.source = page, AXE.read_text()
        self.visited: list[str] = []
        self.audited: dict[str, int] = {}  # address -> violations found there (0 for a pass)
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame: Frame) -> None:
        if frame == self.page.main_frame and frame.url.startswith("http"):
            self.visited.append(frame.url)

    def check(self) -> None:
        """Audit the page as it stands now."""
        page = self.page
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(self.source)  # evaluated by the driver, so the site's Content-Security-Policy allows it
        violations = page.evaluate(AUDIT_JS, list(FAILING_IMPACTS))
        self.audited[page.url] = len(violations)
        assert not violations, f"axe-core: serious or critical violations on {page.url}:\n" + json.dumps(
            violations, indent=2
        )

    def check_the_rest(self) -> None:
        """Load and audit every address visited and not yet audited."""
        for url in dict.fromkeys(self.visited):
            if url not in self.audited:
                self.page.goto(url)
                self.check()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = os.environ.get("PQCTRACK_CHROMIUM", "/usr/bin/chromium")
    if not (Path(executable).exists() or shutil.which(executable)):
        pytest.fail(
            f"Chromium not found at {executable}: install it (apt-get install -y chromium) or set PQCTRACK_CHROMIUM"
        )
    # Playwright's sync API keeps an event loop running in this thread while the browser is open; the
    # tests' own ORM calls (and the database flush between them) are still synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    audit = Audit(page)
    page.audit = audit  # type: ignore[attr-defined]  # shot() audits what it photographs
    yield page
    audit.check_the_rest()
    context.close()


def sign_in(page: Page, base: str, user: User) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.audit.check()  # type: ignore[attr-defined]
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".who-name")).to_have_text(user.username)


def shot(page: Page, name: str) -> Path:
    """Screenshot the page (full length) into ``test-output/screenshots/`` and audit it as it stands."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    path.unlink(missing_ok=True)  # so the existence check below proves this run wrote it
    page.screenshot(path=str(path), full_page=True)
    page.audit.check()  # type: ignore[attr-defined]
    return path
