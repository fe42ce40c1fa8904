"""The planner's reports: coalition matrix, timeline, readiness board, what changed, recompute runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.algorithms.models import Algorithm, AlgorithmKind
from apps.gaps.models import FindingStatus, GapRun, RunStatus, Severity
from apps.nations.models import Coalition, Nation
from apps.standards.models import Lifecycle, Protocol, StandardsBody, WorkItem, WorkItemStatus
from tests.factories import declare, make_source, set_milestone
from tests.web.conftest import make_finding

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]
ROLES = ["officer_a", "officer_c", "planner", "outside_planner", "analyst", "administrator"]


@pytest.mark.parametrize("persona", ROLES)
@pytest.mark.parametrize(
    "url",
    [
        "/matrix/?coalition=ALLY",
        "/timeline/?coalition=ALLY",
        "/readiness/",
        "/changes/",
        "/findings/",
        "/nations/",
        "/nations/AA/",
        "/nations/AA/history/",
        "/runs/",
    ],
)
def test_every_page_renders_for_every_role(
    login: Login, persona: str, url: str, request: pytest.FixtureRequest, ally: Coalition
) -> None:
    assert login(request.getfixturevalue(persona)).get(url).status_code == 200


def test_matrix_cells_show_worst_severity_as_text_and_link_to_the_pair(
    login: Login, planner: User, nation_a: Nation, nation_b: Nation
) -> None:
    make_finding(nation_a, nation_b, severity=Severity.LOW)
    make_finding(nation_b, nation_a, severity=Severity.HIGH)
    make_finding(
        nation_a,
        nation_b,
        severity=Severity.CRITICAL,
        status=FindingStatus.WAIVED,
        triage_reason="r",
        waiver_expires_on=timezone.localdate() + timedelta(days=5),
    )
    html = login(planner).get("/matrix/?coalition=ALLY").content.decode()
    assert 'href="/findings/?nation=AA&amp;other=BB"' in html
    assert "AA and BB: worst high, 2 findings" in html
    assert "▲H" in html  # shape and letter, not colour alone


def test_matrix_htmx_swaps_only_the_matrix(login: Login, planner: User, ally: Coalition) -> None:
    html = login(planner).get("/matrix/?coalition=ALLY", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html and "The Alliance" in html


def test_matrix_in_a_pinned_number_of_queries(
    login: Login, planner: User, nation_a: Nation, nation_b: Nation, ally: Coalition, django_assert_num_queries
) -> None:
    make_finding(nation_a, nation_b)
    client = login(planner)
    # session, user, coalition (form), coalitions (select), members, clearance, findings, header nation, liaison
    with django_assert_num_queries(9):
        assert client.get("/matrix/?coalition=ALLY").status_code == 200


def test_timeline_plots_members_milestones_at_their_precision_with_the_2035_line(
    login: Login, officer_a: User, planner: User, nation_a: Nation, ally: Coalition, django_assert_num_queries
) -> None:
    set_milestone(
        nation=nation_a, kind="complete", title="Done by 2031", target="2031", actor=officer_a, source=make_source()
    )
    set_milestone(
        nation=nation_a, kind="plan", title="Plan day", target="2026-04-01", actor=officer_a, source=make_source()
    )
    client = login(planner)
    # session, user, coalition (form), coalitions (select), members, clearance, milestones, header x2
    with django_assert_num_queries(9):
        html = client.get("/timeline/?coalition=ALLY").content.decode()
    assert "<svg" in html and "2035-12-31" in html
    assert "AA: Migration complete, 2031 — Done by 2031" in html
    assert "AA: Migration plan, 2026-04-01 — Plan day" in html
    assert html.count("<rect") == 1 and 'class="deadline"' in html


def test_readiness_board_links_cells_to_work_items(login: Login, analyst: User, django_assert_num_queries) -> None:
    kem = Algorithm.objects.create(name="ML-KEM", kind=AlgorithmKind.KEM)
    tls = Protocol.objects.create(code="TLS", name="TLS")
    ietf = StandardsBody.objects.create(code="IETF", name="IETF")
    item = WorkItem.objects.create(body=ietf, identifier="draft-ietf-tls-mlkem", title="ML-KEM for TLS", protocol=tls)
    item.algorithms.add(kem)
    WorkItemStatus.objects.create(work_item=item, status="wg_draft", lifecycle=Lifecycle.ADOPTED)
    client = login(analyst)
    # session, user, board: statuses, item protocols, links, protocols, algorithms; by mechanism: mechanisms
    # and statuses (no mechanism here, so their parameter sets and work items are not prefetched); header
    # nation, liaison
    with django_assert_num_queries(11):
        html = client.get("/readiness/").content.decode()
    cell = f"/readiness/{tls.pk}/{kem.pk}/"
    assert cell in html and "◐ Adopted" in html
    detail = client.get(cell).content.decode()
    assert "draft-ietf-tls-mlkem" in detail and "wg_draft" in detail


def test_changes_since_lists_positions_and_findings_opened_and_resolved(
    login: Login, officer_a: User, planner: User, nation_a: Nation, nation_b: Nation
) -> None:
    declare(nation_a, actor=officer_a)
    make_finding(nation_a, nation_b, title="New gap")
    make_finding(nation_a, nation_b, title="Closed gap", status=FindingStatus.RESOLVED, resolved_at=timezone.now())
    make_finding(nation_a, nation_b, title="Old gap", first_seen_at=timezone.now() - timedelta(days=400))
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    response = login(planner).get(f"/changes/?since={since}")
    changes = response.context["changes"]
    assert [p.nation.code for p in changes.positions] == ["AA"]
    assert {f.title for f in changes.opened} == {"New gap", "Closed gap"}
    assert [f.title for f in changes.resolved] == ["Closed gap"]


def test_changes_rejects_a_bad_date_with_a_field_error(login: Login, planner: User) -> None:
    response = login(planner).get("/changes/?since=yesterday")
    assert response.status_code == 200 and response.context["form"].errors["since"]


def test_planner_starts_a_recompute_and_follows_it(
    login: Login,
    planner: User,
    nation_a: Nation,
    nation_b: Nation,
    django_capture_on_commit_callbacks,
    in_process_tasks: None,
) -> None:
    client = login(planner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/runs/start/")
    run = GapRun.objects.get()
    assert response["Location"] == f"/runs/{run.pk}/"
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    fragment = client.get(f"/runs/{run.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="succeeded"' in fragment and "hx-trigger" not in fragment


def test_a_running_run_keeps_polling(login: Login, planner: User) -> None:
    run = GapRun.objects.create(trigger="manual", status=RunStatus.RUNNING, progress_done=3, progress_total=10)
    html = login(planner).get(f"/runs/{run.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in html and "3 of 10 steps done" in html


@pytest.mark.parametrize("persona", ["officer_a", "analyst"])
def test_non_planners_cannot_start_a_recompute(login: Login, persona: str, request: pytest.FixtureRequest) -> None:
    client = login(request.getfixturevalue(persona))
    assert "Recompute now" not in client.get("/runs/").content.decode()
    assert client.post("/runs/start/").status_code == 403
    assert not GapRun.objects.exists()


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("officer_a", True),
        ("officer_b", False),
        ("officer_c", False),
        ("planner", False),
        ("outside_planner", False),
        ("analyst", False),
        ("administrator", True),
    ],
)
@pytest.mark.parametrize("form", ["positions", "approvals", "milestones"])
def test_declaration_forms_open_only_to_the_nations_officer_and_administrators(
    login: Login, persona: str, allowed: bool, form: str, request: pytest.FixtureRequest, nation_a: Nation
) -> None:
    client = login(request.getfixturevalue(persona))
    assert client.get(f"/nations/AA/{form}/new/").status_code == (200 if allowed else 403)
    assert ("/nations/AA/positions/new/" in client.get("/nations/AA/").content.decode()) is allowed


@pytest.mark.parametrize("persona", ROLES)
def test_finding_readiness_cell_and_run_pages_render_for_every_role(
    login: Login, persona: str, request: pytest.FixtureRequest, nation_a: Nation, nation_b: Nation
) -> None:
    finding = make_finding(nation_a, nation_b)
    run = GapRun.objects.create(trigger="manual")
    kem = Algorithm.objects.create(name="ML-KEM", kind=AlgorithmKind.KEM)
    tls = Protocol.objects.create(code="TLS", name="TLS")
    client = login(request.getfixturevalue(persona))
    for url in (f"/findings/{finding.pk}/", f"/readiness/{tls.pk}/{kem.pk}/", f"/runs/{run.pk}/"):
        assert client.get(url).status_code == 200, url
