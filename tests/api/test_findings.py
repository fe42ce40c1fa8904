"""The findings list: filters, cursor pages, and its fast path giving exactly the serializer's output."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import User
from apps.api.serializers.gaps import FindingOutput
from apps.gaps.models import Finding, FindingStatus, Rule, Severity
from apps.nations.models import Coalition, Nation
from apps.standards.services import protocol_upsert
from tests.api.conftest import client_for
from tests.api.scenario import make_finding
from tests.factories import NationFactory


@pytest.fixture
def findings(nation_a: Nation, nation_b: Nation, nation_c: Nation, ally: Coalition) -> list[Finding]:
    """A-B is a pair of ALLY members; A-C is not (C is outside); D, alone, is outside too. Rules never set
    ``Finding.coalition``: the coalition filter means "among its members"."""
    tls = protocol_upsert(code="TLS", actor=None)
    outsider = NationFactory(code="DD", name="Dorland")
    return [
        make_finding(nation_a, nation_b, object="1"),
        make_finding(nation_a, nation_c, severity=Severity.LOW, object="2", protocol=tls),
        make_finding(outsider, None, rule=Rule.UNDECLARED_STANCE, object="3", status=FindingStatus.ACKNOWLEDGED),
    ]


def test_list_rows_equal_the_serializer_output(findings: list[Finding], planner: User) -> None:
    rows = client_for(planner).get("/api/v1/findings/").json()["results"]
    detail = [client_for(planner).get(f"/api/v1/findings/{row['id']}/").json() for row in rows]
    assert rows == detail
    assert set(rows[0]) == set(FindingOutput.Meta.fields)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("coalition=ALLY", ["1"]),
        ("nation=CC", ["2"]),
        ("pair=BB,AA", ["1"]),
        ("rule=undeclared_stance", ["3"]),
        ("severity=low", ["2"]),
        ("status=acknowledged", ["3"]),
        ("protocol=TLS", ["2"]),
    ],
)
def test_filters(findings: list[Finding], planner: User, query: str, expected: list[str]) -> None:
    rows = client_for(planner).get(f"/api/v1/findings/?{query}").json()["results"]
    assert sorted(r["object"] for r in rows) == expected


def test_changed_since(findings: list[Finding], planner: User) -> None:
    Finding.objects.filter(pk=findings[0].pk).update(updated_at=timezone.now() - timedelta(days=3))
    since = (timezone.now() - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    rows = client_for(planner).get("/api/v1/findings/", {"changed_since": since}).json()["results"]
    assert sorted(r["object"] for r in rows) == ["2", "3"]


def test_cursor_pages_cover_every_finding_once(nation_a: Nation, planner: User) -> None:
    for i in range(7):
        make_finding(nation_a, NationFactory(), object=str(i))
    client, seen, url = client_for(planner), [], "/api/v1/findings/?page_size=3&ordering=updated_at"
    while url:
        page = client.get(url).json()
        seen += [r["id"] for r in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(Finding.objects.values_list("id", flat=True))
