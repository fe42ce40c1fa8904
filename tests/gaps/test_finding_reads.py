"""Finding reads mean the same on every path: the API, the web list and its exports."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from apps.gaps.models import Finding
from apps.nations.models import Coalition, Membership, Nation
from tests.gaps.factories import PlannerFactory


def _nato_filters(planner) -> tuple[set[str], set[str]]:  # type: ignore[no-untyped-def]
    """The keys the API's ``?coalition=NATO`` returns (every cursor page) and those the UI's JSON export does."""
    client = APIClient()
    client.force_login(planner)
    api: set[str] = set()
    url = "/api/v1/findings/?coalition=NATO&page_size=100"
    while url:
        page = client.get(url).json()
        api |= {row["key"] for row in page["results"]}
        url = page["next"]
    ui = {row["key"] for row in client.get("/findings/export.json?coalition=NATO").json()["findings"]}
    return api, ui


def test_api_and_ui_coalition_filters_return_the_same_real_findings_for_nato(swept, nation):
    planner = PlannerFactory(username="us_planner", nation=nation("US"))
    api, ui = _nato_filters(planner)
    nato = Coalition.objects.get(code="NATO")
    members = set(Membership.objects.of(nato, on=timezone.localdate()).values_list("nation_id", flat=True))
    among = {
        f.key
        for f in Finding.objects.visible_to(planner)
        if f.nation_a_id in members and (f.nation_b_id is None or f.nation_b_id in members)
    }
    assert api == ui == among
    assert "qkd_divergence:IT:US" in api  # a real pair of NATO members
    assert not any(key.startswith("no_common_kem:KR:") for key in api)  # South Korea is not in NATO


def test_coalition_filter_respects_the_day_a_member_joined(swept, nation):
    nato = Coalition.objects.get(code="NATO")
    Membership.objects.filter(coalition=nato, nation=nation("IT")).update(
        joined_on=timezone.localdate() + timedelta(days=1)
    )
    planner = PlannerFactory(username="us_planner", nation=nation("US"))
    api, ui = _nato_filters(planner)
    italy = Nation.objects.get(code="IT")
    assert api == ui
    assert not Finding.objects.filter(key__in=api).involving(italy).exists()
