"""A browser journey (as in ``test_journeys``): on the shipped data as it stood before the December update
recorded that the SSH hybrid ML-KEM draft became RFC 10042, a standards analyst records that status with its
source, previews the SSH gaps it resolves, saves, and after the recompute (what the worker does after the
commit) those gaps are resolved. Screenshots go to ``test-output/screenshots/``."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.gaps import engine
from apps.gaps.models import Finding, FindingStatus, RunTrigger
from apps.importer.loader import load_reference
from apps.nations.models import Nation
from apps.standards.models import WorkItem
from tests.factories import UserFactory
from tests.web.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAFT = "draft-ietf-sshm-mlkem-hybrid-kex"
FIXTURES = Path(settings.BASE_DIR) / "fixtures"
UPDATES = "updates-2026-12/standards_work_updates.csv"


def shipped_data_before_the_rfc(directory: Path) -> None:
    """The shipped reference files, less the update row that records RFC 10042 (its ``supersedes`` is the
    draft): the SSH draft stays in IESG review, as it stood before the analyst's update."""
    shutil.copytree(FIXTURES, directory)
    with (FIXTURES / UPDATES).open(newline="", encoding="utf-8") as source:
        reader = csv.DictReader(source)
        rows = [row for row in reader if row["supersedes"] != DRAFT]
        columns = reader.fieldnames or []
    with (directory / UPDATES).open("w", newline="", encoding="utf-8") as target:
        writer = csv.DictWriter(target, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def test_an_analyst_records_rfc_10042_and_the_ssh_gaps_resolve(page: Page, live_server, tmp_path: Path) -> None:
    shipped_data_before_the_rfc(tmp_path / "fixtures")
    load_reference(tmp_path / "fixtures")
    engine.recompute(trigger=RunTrigger.MANUAL)
    item = WorkItem.objects.get(identifier=DRAFT)
    assert item.statuses.order_by("-status_on").first().status == "iesg_review"  # type: ignore[union-attr]
    analyst = UserFactory(username="analyst_gb", role=Role.STANDARDS_ANALYST, nation=Nation.objects.get(code="GB"))
    base = live_server.url
    shots = []

    sign_in(page, base, analyst)
    page.get_by_role("link", name="Standards work").click()
    page.get_by_label("Protocol").select_option("SSH")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("table")).to_contain_text("iesg_review")
    shots.append(shot(page, "analyst-0-ssh-work-items"))
    page.get_by_role("link", name=DRAFT).click()
    expect(page.locator("h1")).to_contain_text(DRAFT)
    expect(page.locator("dl.facts")).to_contain_text("iesg_review")
    expect(page.get_by_role("link", name="mlkem768x25519-sha256", exact=False)).to_be_visible()
    shots.append(shot(page, "analyst-1-work-item"))

    page.get_by_role("link", name="Record a new status").click()
    page.get_by_role("combobox", name="Status").select_option("rfc")
    page.get_by_label("Status date").fill("2026-08")
    page.get_by_label("Issuing authority").fill("RFC Editor")
    page.get_by_label("Document title").fill(
        "RFC 10042: Post-Quantum/Traditional Hybrid Key Exchange with ML-KEM in SSH"
    )
    page.get_by_label("Kind of source").select_option("guidance")
    page.locator("#id_source-url").fill("https://www.ietf.org/ietf-ftp/rfc/rfc10042.json")
    page.get_by_label("Official document").fill("https://www.rfc-editor.org/rfc/rfc10042")
    page.get_by_label("Publication date").fill("2026-08")
    page.get_by_label("Confirmed in this source").check()
    page.get_by_role("button", name="Preview").click()
    preview = page.locator(".preview")
    expect(preview).to_contain_text("status: iesg_review → rfc")
    expect(preview).to_contain_text("lifecycle: Adopted → Final")
    closing = preview.locator("ul.findings").last
    expect(closing).to_contain_text("SSH has no final standard")
    links = closing.get_by_role("link")
    shown = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    # Once the RFC is final, its mechanism is accepted by some and refused by others: new gaps between them.
    opening = preview.locator("h3:has-text('Gaps this would open') + ul.findings strong").all_inner_texts()
    shots.append(shot(page, "analyst-2-preview"))
    assert not item.statuses.filter(status="rfc").exists()  # the preview saved nothing

    page.get_by_role("button", name="Save status").click()
    expect(page.locator(".messages")).to_contain_text(f"Status rfc recorded for {DRAFT}")
    expect(page.locator("dl.facts")).to_contain_text("rfc Final since 2026-08")
    shots.append(shot(page, "analyst-3-saved"))
    page.locator("dl.facts").get_by_role("link", name="ML-KEM").click()
    expect(page.locator("h1")).to_have_text("ML-KEM")
    expect(page.get_by_role("link", name=f"IETF {DRAFT}")).to_be_visible()
    shots.append(shot(page, "analyst-3b-algorithm"))

    expected = set(Finding.objects.filter(pk__in=[int(href.strip("/").split("/")[-1]) for href in shown]))
    assert expected and all(f.protocol and f.protocol.code == "SSH" for f in expected)
    engine.drain_requests()  # what the worker does after the commit
    for finding in expected:
        finding.refresh_from_db()
        assert finding.status == FindingStatus.RESOLVED, finding.key

    opened = Finding.objects.filter(title__in=opening, status=FindingStatus.OPEN)
    assert opening and opened.count() == len(opening) and all(f.protocol and f.protocol.code == "SSH" for f in opened)

    page.goto(f"{base}/findings/?protocol=SSH&status=resolved")
    table = page.locator("#finding-table")
    for finding in expected:
        expect(table).to_contain_text(finding.title)
    shots.append(shot(page, "analyst-4-ssh-findings-resolved"))
    for path in shots:
        assert path.exists() and path.stat().st_size > 0
