"""The common-ground report on a small world built through the services: page, CSV and API agree, a
restricted approval never shapes what an uncleared user sees, and the timeline follows the cut-offs.

A and B are in ALLY. A requires hybrids and approves ML-KEM-768 publicly; B approves ML-KEM-768 in a
record releasable to ALLY only. TLS has the hybrid X25519MLKEM768 (final RFC) and the pure MLKEM768 (its
draft adopted)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from apps.accounts.models import User
from apps.algorithms.models import Algorithm, AlgorithmKind
from apps.algorithms.services import algorithm_upsert, parameter_set_upsert
from apps.core.dates import PartialDate
from apps.importer.loader import load_reference
from apps.nations.models import Coalition, Nation
from apps.positions.services import approval_set, milestone_set
from apps.standards.models import WorkItem
from apps.standards.services import (
    body_upsert,
    mechanism_upsert,
    protocol_upsert,
    work_item_status_record,
    work_item_upsert,
)
from tests.api.conftest import client_for
from tests.factories import declare

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]
QUERY = "coalition=ALLY&protocol=TLS&as_of=2028-01-01"
#: The API's report: session, user, protocol and coalition (the filter), the clearance, the snapshot (one),
#: the status history.
API_QUERIES = 7


@pytest.fixture
def world(nation_a: Nation, nation_b: Nation, ally: Coalition) -> None:
    ml_kem = algorithm_upsert(name="ML-KEM", kind=AlgorithmKind.KEM, actor=None, source=None)
    ecdh = algorithm_upsert(name="ECDH", kind=AlgorithmKind.KEM, quantum_vulnerable=True, actor=None, source=None)
    ps = parameter_set_upsert(algorithm=ml_kem, name="ML-KEM-768", security_category=3, actor=None)
    tls, ietf = protocol_upsert(code="TLS", actor=None), body_upsert(code="IETF", actor=None)
    hybrid_rfc = work_item_upsert(body=ietf, identifier="RFC 10024", title="H", protocol=tls, actor=None, source=None)
    pure_draft = work_item_upsert(
        body=ietf, identifier="draft-ietf-tls-mlkem", title="P", protocol=tls, actor=None, source=None
    )
    work_item_status_record(
        work_item=hybrid_rfc, status="rfc", on=PartialDate.parse("2026-08"), actor=None, source=None
    )
    work_item_status_record(
        work_item=pure_draft, status="wg_last_call", on=PartialDate.parse("2026-01"), actor=None, source=None
    )
    common = {"actor": None, "parameter_sets": [ps], "kind": "key_establishment", "cited_row": "test"}
    mechanism_upsert(protocol=tls, name="X25519MLKEM768", work_items=[hybrid_rfc], code_point="0x11EC", hybrid=True,
                     classical_component="X25519", classical_algorithm=ecdh, **common)  # fmt: skip
    mechanism_upsert(protocol=tls, name="MLKEM768", work_items=[pure_draft], code_point="0x0201", **common)
    declare(nation_a, hybrid_policy="required")
    declare(nation_b, hybrid_policy="optional")
    approval_set(nation=nation_a, algorithm=ml_kem, parameter_set=ps, status="approved", actor=None, source=None)
    approval_set(nation=nation_b, algorithm=ml_kem, parameter_set=ps, status="approved", actor=None, source=None,
                 releasability=ally)  # fmt: skip
    milestone_set(nation=nation_b, kind="disallow_classical", title="B drops classical", actor=None, source=None,
                  target=PartialDate.parse("2031-06-30"))  # fmt: skip


def test_a_cleared_planner_sees_the_common_hybrid_and_why_the_pure_one_fails(
    login: Login, planner: User, world: None
) -> None:
    html = login(planner).get(f"/common-ground/?{QUERY}").content.decode()
    assert "✔ Common ground:</strong> every member accepts X25519MLKEM768." in html
    assert "no: hybrids are required, and this mechanism is pure" in html
    assert "no: its standard is not final on 2028-01-01: draft-ietf-tls-mlkem is wg_last_call" in html
    # the timeline: B's cut-off ends the common ground on its date
    assert "From 2026-08: common ground on X25519MLKEM768" in html
    assert "From 2031-06-30: no common ground" in html


def test_drafts_are_included_only_when_asked_and_then_marked(login: Login, planner: User, world: None) -> None:
    html = login(planner).get(f"/common-ground/?{QUERY}&drafts=on").content.decode()
    assert "accepted (draft standard: draft-ietf-tls-mlkem is wg_last_call on 2028-01-01)" in html


def test_an_uncleared_planner_is_not_shown_what_the_restricted_approval_allows(
    login: Login, outside_planner: User, world: None
) -> None:
    html = login(outside_planner).get(f"/common-ground/?{QUERY}").content.decode()
    assert "✕ No common ground." in html and "Nearest: X25519MLKEM768 if BB changed" in html
    assert "no: no post-quantum key-establishment algorithm is approved" in html
    rows = list(
        csv.DictReader(io.StringIO(login(outside_planner).get(f"/common-ground/export.csv?{QUERY}").content.decode()))
    )
    assert {r["accepted"] for r in rows if r["nation"] == "BB"} == {"False"}
    api = client_for(outside_planner).get(f"/api/v1/reports/common-ground/?{QUERY}").json()
    assert api["common"] == [] and api["nearest"] == [{"mechanism": "X25519MLKEM768", "blockers": ["BB"]}]


def test_page_csv_and_api_agree_for_a_cleared_user(login: Login, planner: User, world: None) -> None:
    rows = list(csv.DictReader(io.StringIO(login(planner).get(f"/common-ground/export.csv?{QUERY}").content.decode())))
    assert [(r["nation"], r["mechanism"], r["accepted"]) for r in rows] == [
        ("AA", "MLKEM768", "False"),
        ("AA", "X25519MLKEM768", "True"),
        ("BB", "MLKEM768", "False"),
        ("BB", "X25519MLKEM768", "True"),
    ]
    api = client_for(planner).get(f"/api/v1/reports/common-ground/?{QUERY}").json()
    assert api["members"] == ["AA", "BB"] and api["common"] == ["X25519MLKEM768"]
    assert [(c["nation"], c["mechanism"], c["accepted"]) for c in api["cells"]] == [
        (r["nation"], r["mechanism"], r["accepted"] == "True") for r in rows
    ]
    assert api["timeline"][-1] == {"on": "2031-06-30", "common": []}


def test_chosen_nations_instead_of_a_coalition(login: Login, planner: User, world: None) -> None:
    api = client_for(planner).get("/api/v1/reports/common-ground/?nations=AA&protocol=TLS&as_of=2028-01-01").json()
    assert api["members"] == ["AA"] and api["common"] == ["X25519MLKEM768"]


@pytest.mark.parametrize(
    ("query", "api_status"),
    [
        # The API says which kind of fault (issue 8's contract): an unknown record is 404, a question without
        # members 422, a malformed one 400. The pages answer every one with their form's errors, a 400.
        ("protocol=NOPE&coalition=ALLY", 404),
        ("protocol=TLS&coalition=ALLY&as_of=2031-13-01", 400),
        ("protocol=TLS&nations=ZZ", 404),
        ("protocol=TLS", 422),
        ("protocol=TLS&coalition=ALLY&kind=cipher", 400),
        ("protocol=TLS&coalition=ALLY&scope=moon", 400),
    ],
)
def test_bad_questions_are_a_400_never_a_500(
    login: Login, planner: User, world: None, query: str, api_status: int
) -> None:
    assert login(planner).get(f"/common-ground/?{query}").status_code == 400
    assert login(planner).get(f"/common-ground/export.csv?{query}").status_code == 400
    api = client_for(planner).get(f"/api/v1/reports/common-ground/?{query}")
    assert api.status_code == api_status and api["Content-Type"] == "application/problem+json"


def test_anonymous_callers_are_refused(client: Client, world: None) -> None:
    assert client.get(f"/common-ground/?{QUERY}").status_code == 302
    assert client_for(None).get(f"/api/v1/reports/common-ground/?{QUERY}").status_code == 401


def test_queries_are_pinned(login: Login, planner: User, world: None, django_assert_num_queries) -> None:
    client = login(planner)
    # session, user, coalition and protocol (form, each read once for both the validation and the select),
    # the user's clearance, the snapshot's thirteen reads sent together in one query (memberships, nations,
    # coalitions, positions, approvals, milestones, algorithms, parameter sets, protocols, work item
    # algorithms, statuses, work items, mechanisms), the mechanisms' status history, the header's liaison
    # nations and nation
    with django_assert_num_queries(9):
        assert client.get(f"/common-ground/?{QUERY}").status_code == 200
    # as known at a moment: the memberships come from the audit trail first (two reads), then the rest together
    known = {"coalition": "ALLY", "protocol": "TLS", "as_of": "2028-01-01", "known_at": timezone.now().isoformat()}
    with django_assert_num_queries(11):
        assert client.get("/common-ground/", known).status_code == 200
    # the CSV: the page's reads without the timeline's status history and the header
    with django_assert_num_queries(6):
        assert client.get(f"/common-ground/export.csv?{QUERY}").status_code == 200
    api = client_for(planner)
    with django_assert_num_queries(API_QUERIES):
        assert api.get(f"/api/v1/reports/common-ground/?{QUERY}").status_code == 200


# --- the date switch: another date, or what was known at a moment -------------------------------------


def test_another_date_shows_its_verdicts_under_a_banner_with_a_way_back(
    login: Login, planner: User, world: None
) -> None:
    client = login(planner)
    today = client.get("/common-ground/?coalition=ALLY&protocol=TLS").content.decode()
    assert "date-banner" not in today and "every member accepts X25519MLKEM768" in today
    then = client.get("/common-ground/?coalition=ALLY&protocol=TLS&as_of=2032-01-01").content.decode()
    assert "Evaluated for 2032-01-01" in then and "These verdicts are computed on demand" in then
    assert 'href="/common-ground/?coalition=ALLY&amp;protocol=TLS" class="back-today"' in then
    assert "✕ No common ground." in then and "no: classical algorithms disallowed from 2031-06-30" in then
    api = client_for(planner).get("/api/v1/reports/common-ground/?coalition=ALLY&protocol=TLS&as_of=2032-01-01")
    assert api.json()["as_of"] == "2032-01-01" and api.json()["common"] == []


def _correct_b_to_disallow_ml_kem(nation_b: Nation, ally: Coalition) -> None:
    ml_kem = Algorithm.objects.get(name="ML-KEM")
    approval_set(nation=nation_b, algorithm=ml_kem, parameter_set=ml_kem.parameter_sets.get(), status="disallowed",
                 actor=None, source=None, releasability=ally)  # fmt: skip


def test_known_at_before_a_correction_shows_the_old_belief_on_page_csv_and_api(
    login: Login, planner: User, nation_b: Nation, ally: Coalition, world: None
) -> None:
    before = timezone.now()
    _correct_b_to_disallow_ml_kem(nation_b, ally)
    query = {"coalition": "ALLY", "protocol": "TLS", "as_of": "2028-01-01"}
    client = login(planner)
    assert "✕ No common ground." in client.get("/common-ground/", query).content.decode()
    believed = client.get("/common-ground/", {**query, "known_at": before.isoformat()}).content.decode()
    assert "every member accepts X25519MLKEM768" in believed and "as known on" in believed
    rows = csv.DictReader(io.StringIO(client.get("/common-ground/export.csv", {**query, "known_at": before.isoformat()}).content.decode()))  # fmt: skip
    assert {(r["nation"], r["accepted"]) for r in rows if r["mechanism"] == "X25519MLKEM768"} == {("AA", "True"), ("BB", "True")}  # fmt: skip
    api = client_for(planner).get("/api/v1/reports/common-ground/", {**query, "known_at": before.isoformat()}).json()
    assert api["common"] == ["X25519MLKEM768"] and api["known_at"] is not None
    assert client_for(planner).get("/api/v1/reports/common-ground/", query).json()["common"] == []


def test_an_outsider_on_another_date_still_sees_nothing_the_restricted_approval_allows(
    login: Login, outside_planner: User, world: None
) -> None:
    query = {"coalition": "ALLY", "protocol": "TLS", "as_of": "2030-01-01", "known_at": timezone.now().isoformat()}
    html = login(outside_planner).get("/common-ground/", query).content.decode()
    assert "Evaluated for 2030-01-01" in html and "Nearest: X25519MLKEM768 if BB changed" in html
    api = client_for(outside_planner).get("/api/v1/reports/common-ground/", query).json()
    assert api["common"] == [] and api["nearest"] == [{"mechanism": "X25519MLKEM768", "blockers": ["BB"]}]


def test_a_record_superseded_only_by_one_an_outsider_may_not_see_still_counts_for_them(
    login: Login, outside_planner: User, nation_a: Nation, ally: Coalition, world: None
) -> None:
    """A's public approval is corrected in a record releasable to ALLY only: to the outsider the public one
    is still in force (as A's dossier shows it), so the report they get is the one before the correction."""
    before = client_for(outside_planner).get(f"/api/v1/reports/common-ground/?{QUERY}").json()
    ml_kem = Algorithm.objects.get(name="ML-KEM")
    approval_set(nation=nation_a, algorithm=ml_kem, parameter_set=ml_kem.parameter_sets.get(), status="disallowed",
                 actor=None, source=None, releasability=ally)  # fmt: skip
    after = client_for(outside_planner).get(f"/api/v1/reports/common-ground/?{QUERY}").json()
    assert before["nearest"] == [{"mechanism": "X25519MLKEM768", "blockers": ["BB"]}]
    assert after == before


@pytest.mark.parametrize(
    ("query", "field"), [("as_of=2031-02-30", "as_of"), ("as_of=1900-01-01", "as_of"), ("known_at=soon", "known_at")]
)
def test_a_bad_date_is_a_400_naming_it_never_a_500(
    login: Login, planner: User, world: None, query: str, field: str
) -> None:
    url = f"coalition=ALLY&protocol=TLS&{query}"
    page = login(planner).get(f"/common-ground/?{url}")
    assert page.status_code == 400 and 'class="errorlist"' in page.content.decode()
    assert login(planner).get(f"/common-ground/export.csv?{url}").status_code == 400
    api = client_for(planner).get(f"/api/v1/reports/common-ground/?{url}")
    assert api.status_code == 400 and field in api.json()["errors"]


def test_the_schema_declares_both_dates(db: None) -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    parameters = {p["name"] for p in schema["paths"]["/api/v1/reports/common-ground/"]["get"]["parameters"]}
    assert {"as_of", "known_at", "protocol", "coalition"} <= parameters


def test_on_the_shipped_data_australia_dropping_classical_ends_the_common_ground_with_france(
    login: Login, planner: User
) -> None:
    load_reference()
    question = {"nations": "AU,FR", "protocol": "TLS", "drafts": "on"}
    client, api = login(planner), client_for(planner)
    before = client.get("/common-ground/", {**question, "as_of": "2030-06-01"}).content.decode()
    assert "every member accepts SecP256r1MLKEM768, SecP384r1MLKEM1024, X25519MLKEM768." in before
    after = client.get("/common-ground/", {**question, "as_of": "2031-01-01"}).content.decode()
    assert "✕ No common ground." in after and "no: classical algorithms disallowed from 2030-12-31" in after
    api_question = {**question, "include_drafts": "true"}
    api_question.pop("drafts")
    assert api.get("/api/v1/reports/common-ground/", {**api_question, "as_of": "2030-06-01"}).json()["common"] == [
        "SecP256r1MLKEM768", "SecP384r1MLKEM1024", "X25519MLKEM768"
    ]  # fmt: skip
    assert api.get("/api/v1/reports/common-ground/", {**api_question, "as_of": "2031-01-01"}).json()["common"] == []


def test_the_timeline_as_known_at_a_moment_leaves_out_statuses_recorded_after_it(
    login: Login, planner: User, world: None
) -> None:
    before = timezone.now()
    rfc = WorkItem.objects.get(identifier="RFC 10024")
    work_item_status_record(work_item=rfc, status="withdrawn", on=PartialDate.parse("2029-01"), actor=None, source=None)
    query = {"coalition": "ALLY", "protocol": "TLS", "as_of": "2028-01-01"}
    client = login(planner)
    now_known = client.get("/common-ground/", query).content.decode()
    assert "From 2029-01: no common ground" in now_known
    believed = client.get("/common-ground/", {**query, "known_at": before.isoformat()}).content.decode()
    assert "From 2029-01" not in believed and "From 2031-06-30: no common ground" in believed
