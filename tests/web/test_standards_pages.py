"""The analyst workspace's standards pages: work items (filters, detail with the status history) and the
"record a new status" form with its preview, refused to every role that may not curate the catalogue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.gaps.models import Finding, RecomputeRequest
from apps.nations.models import Coalition, Nation
from apps.standards.models import WorkItemStatus
from tests.gaps.status_world import StatusWorld, build_status_world

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]
SSH_GAPS = {"standard_not_ready:AA:SSH", "standard_not_ready:BB:SSH"}


@pytest.fixture
def world(nation_a: Nation, nation_b: Nation, ally: Coalition) -> StatusWorld:
    return build_status_world(nation_a, nation_b, ally)


def status_post(action: str = "preview", **overrides: str) -> dict[str, str]:
    data = {
        "status": "rfc",
        "on": "2026-08",
        "source-authority": "RFC Editor",
        "source-document": "RFC 10042",
        "source-kind": "guidance",
        "source-url": "https://www.rfc-editor.org/rfc/rfc10042",
        "source-published": "2026-08",
        "source-verified": "on",
        "action": action,
    }
    data.update(overrides)
    return data


def new_status_url(world: StatusWorld) -> str:
    return f"/work-items/{world.item.pk}/statuses/new/"


# --- the list -------------------------------------------------------------------------------------------


def test_the_list_shows_each_item_with_its_status_in_force(login: Login, planner: User, world: StatusWorld) -> None:
    html = login(planner).get("/work-items/").content.decode()
    assert f'href="/work-items/{world.item.pk}/"' in html
    assert "wg_draft" in html and "Adopted" in html and "2025-06" in html
    assert "TS 103 744" in html and "published" in html


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("body=ETSI", "TS 103 744", "draft-ietf-sshm"),
        ("protocol=SSH", "draft-ietf-sshm", "TS 103 744"),
        ("lifecycle=final", "TS 103 744", "draft-ietf-sshm"),
        ("status=wg_draft", "draft-ietf-sshm", "TS 103 744"),
        ("status=draft", "No work item matches", "draft-ietf-sshm"),  # its first status, no longer in force
        ("protocol=SSH&lifecycle=adopted", "draft-ietf-sshm", "TS 103 744"),
    ],
)
def test_the_list_filters_by_body_protocol_status_and_lifecycle(
    login: Login, planner: User, world: StatusWorld, query: str, shown: str, hidden: str
) -> None:
    response = login(planner).get(f"/work-items/?{query}")
    html = response.content.decode()
    assert response.status_code == 200
    assert shown in html and f">{hidden}" not in html


def test_a_filter_naming_nothing_that_exists_is_a_400_saying_so(
    login: Login, planner: User, world: StatusWorld
) -> None:
    response = login(planner).get("/work-items/?body=NOPE")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_the_list_renders_in_a_pinned_number_of_queries(
    login: Login, planner: User, world: StatusWorld, django_assert_num_queries: Any
) -> None:
    client = login(planner)
    # session, user, the items with their status in force (subqueries of the one query), the header's
    # liaison nations and user's nation, the filter form's bodies and protocols (the selects)
    with django_assert_num_queries(7):
        assert client.get("/work-items/").status_code == 200
    with django_assert_num_queries(9):  # + the body and protocol the filters name
        assert client.get("/work-items/?body=IETF&protocol=SSH&lifecycle=adopted").status_code == 200


# --- the detail -------------------------------------------------------------------------------------------


def test_the_detail_shows_the_history_newest_first_and_links_its_mechanism(
    login: Login, planner: User, world: StatusWorld
) -> None:
    html = login(planner).get(f"/work-items/{world.item.pk}/").content.decode()
    assert html.index("wg_draft") < html.index(">draft<")
    assert "in force" in html
    assert f'href="/mechanisms/{world.mechanism.pk}/"' in html and "mlkem768x25519-sha256" in html
    assert "Test Authority" in html  # the source of the adopted status
    assert "Record a new status" not in html  # a planner does not curate


def test_an_analyst_is_offered_the_form(login: Login, analyst: User, world: StatusWorld) -> None:
    html = login(analyst).get(f"/work-items/{world.item.pk}/").content.decode()
    assert f'href="/work-items/{world.item.pk}/statuses/new/"' in html


def test_an_unknown_item_is_a_404(login: Login, planner: User, world: StatusWorld) -> None:
    assert login(planner).get("/work-items/999999/").status_code == 404


def test_the_detail_renders_in_a_pinned_number_of_queries(
    login: Login, planner: User, world: StatusWorld, django_assert_num_queries: Any
) -> None:
    client = login(planner)
    # session, user, the item (body, protocol, source, status in force), its statuses (with their sources and
    # recorders), algorithms, mechanisms, the header's liaison nations and user's nation
    with django_assert_num_queries(8):
        assert client.get(f"/work-items/{world.item.pk}/").status_code == 200


def test_the_mechanism_page_links_back_to_the_work_item(login: Login, planner: User, world: StatusWorld) -> None:
    html = login(planner).get(f"/mechanisms/{world.mechanism.pk}/").content.decode()
    assert f'href="/work-items/{world.item.pk}/"' in html


# --- the form: refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["officer_a", "planner"])
@pytest.mark.parametrize("action", ["preview", "save"])
def test_the_form_is_refused_to_those_who_may_not_curate(
    login: Login, world: StatusWorld, persona: str, action: str, request: pytest.FixtureRequest
) -> None:
    client = login(request.getfixturevalue(persona))
    assert client.get(new_status_url(world)).status_code == 403
    count = WorkItemStatus.objects.count()
    assert client.post(new_status_url(world), status_post(action)).status_code == 403
    assert WorkItemStatus.objects.count() == count


@pytest.mark.parametrize("persona", ["analyst", "administrator"])
def test_analysts_and_administrators_may_use_the_form(
    login: Login, world: StatusWorld, persona: str, request: pytest.FixtureRequest
) -> None:
    client = login(request.getfixturevalue(persona))
    assert client.get(new_status_url(world)).status_code == 200
    assert client.post(new_status_url(world), status_post("preview")).status_code == 200


# --- the form: preview and save --------------------------------------------------------------------------


def test_the_preview_shows_the_changes_and_the_gaps_it_would_close_and_saves_nothing(
    login: Login, analyst: User, world: StatusWorld
) -> None:
    count, requests = WorkItemStatus.objects.count(), RecomputeRequest.objects.count()
    response = login(analyst).post(new_status_url(world), status_post("preview"))
    html = response.content.decode()
    assert "Preview (nothing is saved yet)" in html
    assert "<strong>status:</strong> <del>wg_draft</del> → <ins>rfc</ins>" in html
    assert "<strong>lifecycle:</strong> <del>Adopted</del> → <ins>Final</ins>" in html
    closed = html[html.index("Gaps this would close") :]
    assert "SSH has no final standard AA can use for ML-KEM" in closed
    assert "SSH has no final standard BB can use for ML-KEM" in closed
    assert 'value="save"' in html
    assert (WorkItemStatus.objects.count(), RecomputeRequest.objects.count()) == (count, requests)


def test_the_preview_says_when_the_draft_would_not_be_in_force(login: Login, analyst: User, world: StatusWorld) -> None:
    html = login(analyst).post(new_status_url(world), status_post("preview", on="2025-01")).content.decode()
    assert "a later status is in force" in html and "Gaps this would close" not in html


def test_saving_records_the_status_with_its_source_and_asks_for_a_recompute(
    login: Login, analyst: User, world: StatusWorld
) -> None:
    client = login(analyst)
    response = client.post(new_status_url(world), status_post("save"))
    assert response.status_code == 302 and response["Location"] == f"/work-items/{world.item.pk}/"
    status = WorkItemStatus.objects.get(work_item=world.item, status="rfc")
    assert str(status.status_date) == "2026-08" and status.lifecycle == "final"
    assert status.source is not None and status.source.document == "RFC 10042" and status.source.verified
    assert status.recorded_by == analyst
    assert RecomputeRequest.objects.exists()
    html = client.get(response["Location"]).content.decode()
    assert "Status rfc recorded for draft-ietf-sshm-mlkem-hybrid-kex" in html
    assert set(Finding.objects.unresolved().values_list("key", flat=True)) >= SSH_GAPS  # until the run


@pytest.mark.parametrize("action", ["preview", "save"])
@pytest.mark.parametrize(
    ("missing", "field"),
    [("source-authority", "Issuing authority"), ("source-published", "Publication date"), ("on", "Status date")],
)
def test_the_source_and_the_date_are_required(
    login: Login, analyst: User, world: StatusWorld, missing: str, field: str, action: str
) -> None:
    """A preview is refused as the save is (issue 13): no preview of a draft that could not be saved."""
    response = login(analyst).post(new_status_url(world), status_post(action, **{missing: ""}))
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert "preview" not in response.context
    assert not WorkItemStatus.objects.filter(status="rfc").exists()


def test_an_unknown_status_word_is_a_form_error(login: Login, analyst: User, world: StatusWorld) -> None:
    response = login(analyst).post(new_status_url(world), status_post("preview", status="done"))
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()


def test_the_form_renders_in_a_pinned_number_of_queries(
    login: Login, analyst: User, world: StatusWorld, django_assert_num_queries: Any
) -> None:
    client = login(analyst)
    # session, user, the item with its statuses, algorithms and mechanisms (4), the header's liaison nations
    # and user's nation
    with django_assert_num_queries(8):
        assert client.get(new_status_url(world)).status_code == 200
    # + the status in force, the same status recorded already, the snapshot (13 queries), the analyst's
    # clearance and the closed findings as they may see them: 25, whatever the number of nations
    with django_assert_num_queries(25):
        assert client.post(new_status_url(world), status_post("preview")).status_code == 200


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/work-items/?body=%00", 400),
        ("/work-items/?lifecycle=%FF", 400),
        ("/work-items/?status=rfc%27--", 400),
        ("/work-items/99999999999999999999/", 404),
        ("/algorithms/99999999999999999999/", 404),
    ],
)
def test_hostile_queries_are_4xx_never_500(
    login: Login, planner: User, world: StatusWorld, url: str, status: int
) -> None:
    response = login(planner).get(url)
    assert response.status_code == status
    assert b"\x00" not in response.content
