"""A finding's lifecycle through the API: each event, and for an update which fields changed from what to
what, scoped as the finding page scopes it (events and earlier values restricted beyond the caller are not
shown)."""

from __future__ import annotations

import pytest

from apps.accounts.models import User
from apps.gaps.models import FindingEventKind
from apps.nations.models import Coalition, Nation
from apps.reports.lifecycle import WITHHELD
from tests.api.conftest import client_for
from tests.web.conftest import make_finding

pytestmark = pytest.mark.django_db


def test_an_update_event_says_which_fields_changed_from_what_to_what(
    planner: User, nation_a: Nation, nation_b: Nation
) -> None:
    finding = make_finding(nation_a, nation_b)
    finding.events.create(kind=FindingEventKind.OPENED, to_status="open")
    finding.events.create(
        kind=FindingEventKind.UPDATED,
        from_status="open",
        to_status="open",
        changes={"severity": ["low", "medium"], "years_left": ["9.2", "9.1"]},
    )
    response = client_for(planner).get(f"/api/v1/findings/{finding.pk}/events/")
    assert response.status_code == 200
    opened, updated = response.json()
    assert (opened["kind"], opened["changes"]) == ("opened", [])
    assert updated["kind"] == "updated" and (updated["from_status"], updated["to_status"]) == ("open", "open")
    assert updated["changes"] == [
        {"field": "severity", "label": "severity", "before": "Low", "after": "Medium"},
        {"field": "years_left", "label": "years left", "before": "9.2", "after": "9.1"},
    ]


def test_events_and_values_restricted_beyond_the_caller_are_not_shown(
    planner: User, outside_planner: User, ally: Coalition, nation_a: Nation, nation_b: Nation
) -> None:
    finding = make_finding(nation_a, nation_b)
    finding.events.create(
        kind=FindingEventKind.UPDATED,
        from_status="open",
        to_status="open",
        changes={"title": ["Secret ALLY-only title", "Public gap"], "required_clearances": [[ally.pk], []]},
    )
    finding.events.create(kind=FindingEventKind.ACKNOWLEDGED, reason="ALLY-only note", required_clearances=[ally.pk])
    outside = client_for(outside_planner).get(f"/api/v1/findings/{finding.pk}/events/").json()
    assert [event["kind"] for event in outside] == ["updated"]
    assert outside[0]["changes"][0] == {"field": "title", "label": "title", "before": WITHHELD, "after": "Public gap"}
    assert "Secret" not in str(outside) and "ALLY-only note" not in str(outside)
    cleared = client_for(planner).get(f"/api/v1/findings/{finding.pk}/events/").json()
    assert [event["kind"] for event in cleared] == ["updated", "acknowledged"]
    assert cleared[0]["changes"][0]["before"] == "Secret ALLY-only title"


def test_the_events_of_a_finding_the_caller_may_not_see_are_a_404(
    outside_planner: User, ally: Coalition, nation_a: Nation, nation_b: Nation
) -> None:
    finding = make_finding(nation_a, nation_b, required_clearances=[ally.pk])
    assert client_for(outside_planner).get(f"/api/v1/findings/{finding.pk}/events/").status_code == 404
