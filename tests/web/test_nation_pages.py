"""The liaison officer's pages: dossier, history, and the declaration forms with their refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.algorithms.models import Algorithm, AlgorithmKind
from apps.core.dates import DatePrecision
from apps.nations.models import Coalition, Nation
from apps.positions.models import Approval, HybridPolicy, Milestone, Position
from apps.positions.services import approval_set
from tests.factories import declare, make_source, set_milestone
from tests.web.conftest import make_finding

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


def position_post(**overrides: str) -> dict[str, str]:
    data = {
        "scope": "all",
        "pqc_stance": "adopt_mandated",
        "qkd_stance": "rejects",
        "hybrid_policy": "required",
        "releasability": "",
        "declared": "2025-03",
        "algorithms_named": "ML-KEM-1024",
        "note": "",
        "source-authority": "Avalon Cyber Agency",
        "source-document": "PQC guidance 2025",
        "source-url": "https://example.org/aa/pqc",
        "source-published": "2025-03",
        "source-kind": "guidance",
        "action": "publish",
    }
    data.update(overrides)
    return data


def test_dossier_shows_current_position_with_source_approvals_milestones_and_gaps(
    login: Login, officer_a: User, nation_a: Nation, nation_b: Nation
) -> None:
    declare(nation_a, actor=officer_a, hybrid_policy=HybridPolicy.REQUIRED)
    set_milestone(
        nation=nation_a, kind="complete", title="All migrated", target="2030", actor=officer_a, source=make_source()
    )
    make_finding(nation_a, nation_b, title="Hybrid conflict AA-BB")
    html = login(officer_a).get("/nations/AA/").content.decode()
    assert "Required" in html and "Test Authority" in html and "2025-03" in html
    assert "All migrated" in html and "2030" in html
    assert "Hybrid conflict AA-BB" in html and "▲</span> High" in html
    assert "Declare a new position" in html


def test_dossier_renders_in_a_pinned_number_of_queries(
    login: Login, officer_a: User, nation_a: Nation, nation_b: Nation, django_assert_num_queries
) -> None:
    declare(nation_a, actor=officer_a)
    make_finding(nation_a, nation_b)
    client = login(officer_a)
    # session, user, nation, clearance (memberships), positions, approvals, milestones, findings,
    # writable nations, header: user's nation, header: liaison nations
    with django_assert_num_queries(11):
        assert client.get("/nations/AA/").status_code == 200


def test_officer_of_a_sees_no_edit_controls_on_b(login: Login, officer_a: User, nation_b: Nation) -> None:
    html = login(officer_a).get("/nations/BB/").content.decode()
    assert "Declare a new position" not in html
    assert "/nations/BB/positions/new/" not in html


@pytest.mark.parametrize("form", ["positions", "approvals", "milestones"])
def test_officer_of_a_gets_403_from_b_forms(login: Login, officer_a: User, nation_b: Nation, form: str) -> None:
    client = login(officer_a)
    assert client.get(f"/nations/BB/{form}/new/").status_code == 403
    assert client.post(f"/nations/BB/{form}/new/", position_post()).status_code == 403
    assert not Position.objects.filter(nation=nation_b).exists()


@pytest.mark.parametrize("persona", ["planner", "analyst", "outside_planner"])
def test_non_officers_cannot_declare(
    login: Login, persona: str, request: pytest.FixtureRequest, nation_a: Nation
) -> None:
    client = login(request.getfixturevalue(persona))
    assert client.post("/nations/AA/positions/new/", position_post()).status_code == 403
    assert not Position.objects.exists()


def test_administrator_may_declare_for_any_nation(login: Login, administrator: User, nation_b: Nation) -> None:
    response = login(administrator).post("/nations/BB/positions/new/", position_post())
    assert response.status_code == 302


def test_preview_shows_differences_and_writes_nothing(login: Login, officer_a: User, nation_a: Nation) -> None:
    declare(nation_a, actor=officer_a, hybrid_policy=HybridPolicy.RECOMMENDED)
    client = login(officer_a)
    response = client.post("/nations/AA/positions/new/", position_post(action="preview"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<del>Recommended</del> → <ins>Required</ins>" in html
    assert 'value="publish"' in html
    assert Position.objects.filter(nation=nation_a).count() == 1


@pytest.mark.parametrize("missing", ["source-authority", "source-published", "source-kind"])
def test_preview_without_a_proper_source_is_refused_as_the_publish_is(
    login: Login, officer_a: User, nation_a: Nation, missing: str
) -> None:
    """Issue 13: the form shows what the citation lacks and no preview of a draft that could not be saved."""
    response = login(officer_a).post("/nations/AA/positions/new/", position_post(action="preview", **{missing: ""}))
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert "preview" not in response.context
    assert not Position.objects.exists()


def test_preview_sends_no_write_to_the_database_and_counts_its_citation_as_a_source(
    login: Login, officer_a: User, nation_a: Nation
) -> None:
    client = login(officer_a)
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/nations/AA/positions/new/", position_post(action="preview"))
    assert response.status_code == 200 and "Gaps this would open" in response.content.decode()
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE") and "django_session" not in q["sql"]
    ]
    assert writes == []
    assert "cites no source" not in response.content.decode()  # the unsaved citation is a source all the same


def test_publish_keeps_the_dates_precision_and_supersedes(login: Login, officer_a: User, nation_a: Nation) -> None:
    old = declare(nation_a, actor=officer_a)
    response = login(officer_a).post("/nations/AA/positions/new/", position_post(declared="2030"))
    assert response.status_code == 302 and response["Location"] == "/nations/AA/"
    new = Position.objects.current().get(nation=nation_a)
    assert new.pk != old.pk
    assert str(new.declared) == "2030" and new.declared_precision == DatePrecision.YEAR
    assert str(new.source.published) == "2025-03"
    assert new.recorded_by == officer_a


def test_publish_with_restricted_releasability(login: Login, officer_a: User, ally: Coalition) -> None:
    login(officer_a).post("/nations/AA/positions/new/", position_post(releasability="ALLY"))
    assert Position.objects.current().get(nation__code="AA").releasability == ally


def test_form_requires_a_source_and_shows_field_errors(login: Login, officer_a: User, nation_a: Nation) -> None:
    data = position_post(**{"source-authority": "", "source-url": "not a url", "source-published": "March 2025"})
    response = login(officer_a).post("/nations/AA/positions/new/", data)
    assert response.status_code == 200
    errors = response.context["source_form"].errors
    assert set(errors) == {"authority", "url", "published"}
    assert "YYYY, YYYY-MM or YYYY-MM-DD" in response.content.decode()
    assert not Position.objects.exists()


def test_approval_form_records_an_approval(login: Login, officer_a: User, nation_a: Nation) -> None:
    from apps.algorithms.models import Algorithm, AlgorithmKind, ParameterSet

    algorithm = Algorithm.objects.create(name="ML-KEM", kind=AlgorithmKind.KEM)
    ParameterSet.objects.create(algorithm=algorithm, name="ML-KEM-1024", security_category=5)
    data = {
        "algorithm": "ML-KEM",
        "parameter_set": "ML-KEM-1024",
        "status": "mandated",
        "scope": "all",
        "declared": "2024-08-13",
        "source-authority": "Avalon Cyber Agency",
        "source-document": "Approved list",
        "source-url": "https://example.org/aa/list",
        "source-published": "2024-08-13",
        "source-kind": "guidance",
    }
    response = login(officer_a).post("/nations/AA/approvals/new/", data)
    assert response.status_code == 302
    approval = Approval.objects.get(nation=nation_a)
    assert approval.parameter_set.name == "ML-KEM-1024" and approval.declared_precision == DatePrecision.DAY


def test_approval_form_maps_service_errors_onto_fields(login: Login, officer_a: User) -> None:
    from apps.algorithms.models import Algorithm, AlgorithmKind, ParameterSet

    kem = Algorithm.objects.create(name="ML-KEM", kind=AlgorithmKind.KEM)
    dsa = Algorithm.objects.create(name="ML-DSA", kind=AlgorithmKind.SIGNATURE)
    ParameterSet.objects.create(algorithm=kem, name="ML-KEM-768", security_category=3)
    data = {
        "algorithm": "ML-DSA",
        "parameter_set": "ML-KEM-768",
        "status": "approved",
        "scope": "all",
        "declared": "2024",
        "source-authority": "A",
        "source-document": "B",
        "source-url": "https://example.org/x",
        "source-published": "2024",
        "source-kind": "guidance",
    }
    response = login(officer_a).post("/nations/AA/approvals/new/", data)
    assert response.status_code == 200
    assert "not a parameter set of ML-DSA" in response.context["form"].errors["parameter_set"][0]
    assert dsa.approvals.count() == 0


def test_milestone_form_records_a_year_precision_target(login: Login, officer_a: User, nation_a: Nation) -> None:
    data = {
        "kind": "complete",
        "title": "Migration complete",
        "target": "2035",
        "scope": "all",
        "declared": "2025-03",
        "source-authority": "A",
        "source-document": "Roadmap",
        "source-url": "https://example.org/r",
        "source-published": "2025-03",
        "source-kind": "guidance",
    }
    assert login(officer_a).post("/nations/AA/milestones/new/", data).status_code == 302
    milestone = Milestone.objects.get(nation=nation_a)
    assert str(milestone.target) == "2035" and milestone.target_precision == DatePrecision.YEAR


def test_history_shows_field_level_differences(login: Login, officer_a: User, nation_a: Nation) -> None:
    declare(nation_a, actor=officer_a, hybrid_policy=HybridPolicy.RECOMMENDED)
    declare(
        nation_a,
        actor=officer_a,
        hybrid_policy=HybridPolicy.REQUIRED,
        source=make_source(document="Revised guidance"),
    )
    html = login(officer_a).get("/nations/AA/history/").content.decode()
    assert "<strong>hybrid:</strong> <del>Recommended</del> → <ins>Required</ins>" in html
    assert "Revised guidance" in html
    assert "superseded" in html and "current" in html


def _approve(nation: Nation, actor: User, status: str, **extra: Any) -> Approval:
    algorithm = Algorithm.objects.get_or_create(name="ML-KEM", defaults={"kind": AlgorithmKind.KEM})[0]
    return approval_set(nation=nation, algorithm=algorithm, status=status, actor=actor, source=make_source(), **extra)


def _milestone(nation: Nation, actor: User, target: str, **extra: Any) -> Milestone:
    return set_milestone(
        nation=nation, kind="complete", title="All migrated", target=target, actor=actor, source=make_source(), **extra
    )


def test_history_shows_approvals_and_milestones_with_their_field_level_changes(
    login: Login, officer_a: User, nation_a: Nation
) -> None:
    _approve(nation_a, officer_a, "approved")
    _approve(nation_a, officer_a, "deprecated", until=date(2030, 12, 31))
    _milestone(nation_a, officer_a, "2030")
    _milestone(nation_a, officer_a, "2032-06", scope_text="federal systems")
    html = login(officer_a).get("/nations/AA/history/").content.decode()
    assert "Approval of ML-KEM · All systems" in html
    assert "<strong>status:</strong> <del>Approved</del> → <ins>Deprecated</ins>" in html
    assert "<strong>until:</strong> <del>—</del> → <ins>2030-12-31</ins>" in html
    assert "Milestone: Migration complete, All migrated · All systems" in html
    assert "<strong>target:</strong> <del>2030</del> → <ins>2032-06</ins>" in html
    assert "<strong>scope in the source&#x27;s words:</strong> <del>—</del> → <ins>federal systems</ins>" in html
    # newest first: the second milestone was recorded last
    assert html.index("<ins>2032-06</ins>") < html.index("<ins>Deprecated</ins>")


@pytest.mark.parametrize("rounds", [1, 3])
def test_history_of_every_kind_renders_in_a_pinned_number_of_queries(
    rounds: int, login: Login, officer_a: User, nation_a: Nation, django_assert_num_queries
) -> None:
    for i in range(rounds):
        declare(nation_a, actor=officer_a, hybrid_policy=[HybridPolicy.RECOMMENDED, HybridPolicy.REQUIRED][i % 2])
        _approve(nation_a, officer_a, ["approved", "deprecated"][i % 2])
        _milestone(nation_a, officer_a, f"{2030 + i}")
    client = login(officer_a)
    # session, user, nation, clearance, positions, approvals (with algorithm and parameter set), milestones
    # (each with source, releasability and recorder), header nation, header liaison
    with django_assert_num_queries(9):
        assert client.get("/nations/AA/history/").status_code == 200


def test_restricted_positions_and_milestones_stay_hidden_from_uncleared_users(
    login: Login, officer_a: User, outside_planner: User, nation_a: Nation, ally: Coalition
) -> None:
    declare(nation_a, actor=officer_a, releasability=ally, algorithms_named="SECRET-ALG")
    set_milestone(
        nation=nation_a,
        kind="complete",
        title="Restricted milestone",
        target="2031",
        actor=officer_a,
        source=make_source(),
        releasability=ally,
    )
    _approve(nation_a, officer_a, "approved", releasability=ally, note="SECRET-APPROVAL")
    client = login(outside_planner)
    for url in ("/nations/AA/", "/nations/AA/history/", "/timeline/?coalition=ALLY", "/changes/?since=2000-01-01"):
        html = client.get(url).content.decode()
        assert "Restricted milestone" not in html, url
        assert "SECRET-ALG" not in html, url
        assert "Releasable to ALLY" not in html, url
        assert "SECRET-APPROVAL" not in html, url
    cleared = login(officer_a)
    assert "Restricted milestone" in cleared.get("/timeline/?coalition=ALLY").content.decode()
    cleared_history = cleared.get("/nations/AA/history/").content.decode()
    assert "SECRET-ALG" in cleared_history
    assert "SECRET-APPROVAL" in cleared_history and "Restricted milestone" in cleared_history


def test_nations_index(login: Login, planner: User, nation_b: Nation) -> None:
    html = login(planner).get("/nations/").content.decode()
    assert "AA — Avalon" in html and "BB — Borduria" in html


def test_preview_leaves_out_draft_gaps_derived_from_records_the_officer_may_not_see(
    login: Login, officer_b: User, officer_c: User, nation_b: Nation, nation_c: Nation, ally: Coalition
) -> None:
    from tests.factories import CoalitionFactory, MembershipFactory

    wider = CoalitionFactory(code="WIDE", is_defence=False)
    MembershipFactory(coalition=wider, nation=nation_b)
    MembershipFactory(coalition=wider, nation=nation_c)
    declare(nation_b, actor=officer_b, hybrid_policy=HybridPolicy.REQUIRED, releasability=ally)
    draft = position_post(action="preview", hybrid_policy="forbidden")

    html = login(officer_c).post("/nations/CC/positions/new/", draft).content.decode()
    assert "Gaps this would open" in html
    assert "Hybrid conflict" not in html  # derived from BB's ALLY-only position

    declare(nation_b, actor=officer_b, hybrid_policy=HybridPolicy.REQUIRED)  # now public
    html = login(officer_c).post("/nations/CC/positions/new/", draft).content.decode()
    assert "Hybrid conflict: Borduria requires hybrids, Carpania forbids hybrids" in html


def test_changes_page_in_a_pinned_number_of_queries(
    login: Login, officer_a: User, nation_a: Nation, django_assert_num_queries
) -> None:
    declare(nation_a, actor=officer_a)
    client = login(officer_a)
    # session, user, clearance, positions, approvals, milestones, standards statuses, memberships, findings
    # opened, findings resolved, header nation, header liaison
    with django_assert_num_queries(12):
        assert client.get("/changes/").status_code == 200
