"""The planner's findings: list, filters, sorting, exports, the finding page and triage."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.gaps.models import FindingEventKind, FindingStatus, Rule, Severity
from apps.nations.models import Coalition, Nation
from apps.reports.lifecycle import WITHHELD
from apps.standards.models import Protocol
from tests.factories import declare
from tests.web.conftest import make_finding

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


@pytest.fixture
def findings(nation_a: Nation, nation_b: Nation, nation_c: Nation, ally: Coalition) -> dict[str, object]:
    tls = Protocol.objects.create(code="TLS", name="TLS")
    return {
        "public": make_finding(nation_a, nation_b, severity=Severity.MEDIUM, title="Public AA-BB gap"),
        "restricted": make_finding(
            nation_a,
            nation_b,
            severity=Severity.CRITICAL,
            title="Restricted AA-BB gap",
            required_clearances=[ally.pk],
        ),
        "tls": make_finding(
            nation_a,
            nation_c,
            severity=Severity.LOW,
            rule=Rule.STANDARD_NOT_READY,
            protocol=tls,
            title="TLS not ready AA-CC",
        ),
        "resolved": make_finding(
            nation_b,
            nation_c,
            severity=Severity.HIGH,
            status=FindingStatus.RESOLVED,
            resolved_at=timezone.now(),
            title="Resolved BB-CC gap",
        ),
    }


def titles(response) -> list[str]:
    return [f.title for f in response.context["page"]]


def test_list_shows_what_the_planner_may_see_worst_first(login: Login, planner: User, findings) -> None:
    response = login(planner).get("/findings/")
    assert titles(response) == ["Restricted AA-BB gap", "Resolved BB-CC gap", "Public AA-BB gap", "TLS not ready AA-CC"]


def test_restricted_findings_never_reach_an_uncleared_planner(
    login: Login, outside_planner: User, findings, ally: Coalition
) -> None:
    client = login(outside_planner)
    assert "Restricted AA-BB gap" not in titles(client.get("/findings/"))
    assert client.get(f"/findings/{findings['restricted'].pk}/").status_code == 404
    assert "Restricted AA-BB gap" not in client.get("/findings/export.csv").content.decode()
    assert "Restricted AA-BB gap" not in client.get("/findings/export.json").content.decode()
    assert "Restricted AA-BB gap" not in client.get("/nations/AA/").content.decode()
    assert "Restricted AA-BB gap" not in client.get("/changes/?since=2000-01-01").content.decode()
    matrix = client.get("/matrix/?coalition=ALLY").content.decode()
    assert "worst critical" not in matrix and "worst medium" in matrix


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=open", ["Restricted AA-BB gap", "Public AA-BB gap", "TLS not ready AA-CC"]),
        ("severity=medium", ["Public AA-BB gap"]),
        ("rule=standard_not_ready", ["TLS not ready AA-CC"]),
        ("protocol=TLS", ["TLS not ready AA-CC"]),
        ("nation=cc", ["Resolved BB-CC gap", "TLS not ready AA-CC"]),
        ("nation=BB&other=AA", ["Restricted AA-BB gap", "Public AA-BB gap"]),
        ("coalition=ALLY", ["Restricted AA-BB gap", "Public AA-BB gap"]),
        ("status=open&sort=rule", ["Restricted AA-BB gap", "Public AA-BB gap", "TLS not ready AA-CC"]),
        ("status=open&sort=years_left&severity=low", ["TLS not ready AA-CC"]),
    ],
)
def test_filters_and_sorting(login: Login, planner: User, findings, query: str, expected: list[str]) -> None:
    assert titles(login(planner).get(f"/findings/?{query}")) == expected


def test_htmx_request_gets_only_the_table(login: Login, planner: User, findings) -> None:
    response = login(planner).get("/findings/?status=open", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "Public AA-BB gap" in html


def test_list_renders_in_a_pinned_number_of_queries(
    login: Login, planner: User, findings, django_assert_num_queries
) -> None:
    for _ in range(10):
        make_finding(findings["public"].nation_a, findings["public"].nation_b)
    client = login(planner)
    # session, user, clearance, filter-form coalitions and protocols (2, for the selects), count, page,
    # header: user's nation, header: liaison nations
    with django_assert_num_queries(9):
        assert client.get("/findings/").status_code == 200


def test_csv_export_has_exactly_the_filtered_rows_and_neutralises_formulas(
    login: Login, planner: User, nation_a: Nation, nation_b: Nation, findings
) -> None:
    make_finding(nation_a, nation_b, severity=Severity.MEDIUM, title='=HYPERLINK("http://evil")', object="+1")
    response = login(planner).get("/findings/export.csv?severity=medium")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert sorted(r["title"] for r in rows) == ['\'=HYPERLINK("http://evil")', "Public AA-BB gap"]
    assert {r["object"] for r in rows} == {"", "'+1"}


def test_json_export_matches_the_list(login: Login, planner: User, findings) -> None:
    client = login(planner)
    data = client.get("/findings/export.json?status=open&sort=rule").json()["findings"]
    assert [row["title"] for row in data] == titles(client.get("/findings/?status=open&sort=rule"))
    assert data[0]["nation_a"] == "AA"


def test_finding_page_shows_explanation_evidence_and_lifecycle(login: Login, planner: User, findings) -> None:
    finding = findings["public"]
    position = declare(finding.nation_a)
    finding.evidence = [{"model": "positions.position", "id": position.pk, "label": "AA position"}]
    finding.save(update_fields=["evidence"])
    finding.events.create(kind=FindingEventKind.OPENED, to_status="open", reason="first computed")
    html = login(planner).get(f"/findings/{finding.pk}/").content.decode()
    assert "AA-BB disagree about hybrid use." in html
    assert f'<a href="/nations/AA/#position-{position.pk}">AA position (all systems)</a>' in html
    assert "first computed" in html
    assert "Waive" in html and "Acknowledge" in html


def test_finding_page_in_a_pinned_number_of_queries(
    login: Login, planner: User, findings, django_assert_num_queries
) -> None:
    client = login(planner)
    # session, user, clearance, finding (with nations, protocol, coalition), events, evidence positions,
    # header nation, liaison
    with django_assert_num_queries(8):
        assert client.get(f"/findings/{findings['public'].pk}/").status_code == 200


def test_planner_waives_with_reason_and_expiry_and_it_leaves_the_open_list(
    login: Login, planner: User, findings
) -> None:
    client = login(planner)
    finding = findings["public"]
    expires = (timezone.localdate() + timedelta(days=90)).isoformat()
    response = client.post(
        f"/findings/{finding.pk}/waive/", {"waive-reason": "Bilateral fix agreed", "waive-expires_on": expires}
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.WAIVED and str(finding.waiver_expires_on) == expires
    assert "Public AA-BB gap" not in titles(client.get("/findings/?status=open"))
    assert "Bilateral fix agreed" in client.get(f"/findings/{finding.pk}/").content.decode()


def test_waive_shows_field_errors(login: Login, planner: User, findings) -> None:
    finding = findings["public"]
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = login(planner).post(f"/findings/{finding.pk}/waive/", {"waive-reason": "x", "waive-expires_on": past})
    assert response.status_code == 400
    assert "expiry date in the future" in response.context["waive_form"].errors["expires_on"][0]
    response = login(planner).post(f"/findings/{finding.pk}/waive/", {"waive-reason": "", "waive-expires_on": ""})
    assert set(response.context["waive_form"].errors) == {"reason", "expires_on"}
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


def test_planner_acknowledges(login: Login, planner: User, findings) -> None:
    finding = findings["public"]
    assert (
        login(planner).post(f"/findings/{finding.pk}/acknowledge/", {"acknowledge-reason": "seen"}).status_code == 302
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ACKNOWLEDGED


@pytest.mark.parametrize("persona", ["officer_a", "analyst"])
def test_non_planners_see_no_triage_and_are_refused(
    login: Login, persona: str, request: pytest.FixtureRequest, findings
) -> None:
    client = login(request.getfixturevalue(persona))
    finding = findings["public"]
    assert "Waive</button>" not in client.get(f"/findings/{finding.pk}/").content.decode()
    expires = (timezone.localdate() + timedelta(days=9)).isoformat()
    assert (
        client.post(f"/findings/{finding.pk}/waive/", {"waive-reason": "r", "waive-expires_on": expires}).status_code
        == 403
    )
    assert client.post(f"/findings/{finding.pk}/acknowledge/", {"acknowledge-reason": "r"}).status_code == 403
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


def test_uncleared_planner_cannot_triage_a_restricted_finding(login: Login, outside_planner: User, findings) -> None:
    finding = findings["restricted"]
    response = login(outside_planner).post(f"/findings/{finding.pk}/acknowledge/", {"acknowledge-reason": "r"})
    assert response.status_code == 404


def test_an_update_says_which_fields_changed_from_what_to_what(login: Login, planner: User, findings) -> None:
    finding = findings["public"]
    evidence = [{"model": "positions.position", "id": 1, "label": "AA position"}]
    finding.events.create(
        kind=FindingEventKind.UPDATED,
        from_status="open",
        to_status="open",
        changes={"severity": ["low", "medium"], "years_left": ["9.2", "9.1"], "evidence": [[], evidence]},
    )
    html = login(planner).get(f"/findings/{finding.pk}/").content.decode()
    assert "<strong>severity:</strong> <del>Low</del> → <ins>Medium</ins>" in html
    assert "<strong>years left:</strong> <del>9.2</del> → <ins>9.1</ins>" in html
    assert "<strong>evidence:</strong> <del>—</del> → <ins>AA position</ins>" in html
    assert "open → open" not in html


def test_values_from_a_version_restricted_beyond_the_reader_are_withheld(
    login: Login, planner: User, outside_planner: User, ally: Coalition, findings, django_assert_num_queries
) -> None:
    """The finding is public now, but before this update it rested on an ALLY-restricted record."""
    finding = findings["public"]
    finding.events.create(
        kind=FindingEventKind.UPDATED,
        from_status="open",
        to_status="open",
        changes={"title": ["Secret ALLY-only title", "Public AA-BB gap"], "required_clearances": [[ally.pk], []]},
    )
    outside = login(outside_planner).get(f"/findings/{finding.pk}/").content.decode()
    assert "Secret ALLY-only title" not in outside
    assert f"<del>{WITHHELD}</del> → <ins>Public AA-BB gap</ins>" in outside
    client = login(planner)
    # session, user, clearance, finding, events, the coalitions the clearance change names, evidence positions,
    # header nation, liaison
    with django_assert_num_queries(9):
        cleared = client.get(f"/findings/{finding.pk}/").content.decode()
    assert "<strong>title:</strong> <del>Secret ALLY-only title</del> → <ins>Public AA-BB gap</ins>" in cleared
    assert "<strong>restricted to:</strong> <del>ALLY</del> → <ins>—</ins>" in cleared
