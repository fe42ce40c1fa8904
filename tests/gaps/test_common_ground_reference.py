"""Common ground on the shipped data, as a domain expert reads it (draft standards included where the
TLS documents are not yet RFCs in the base rows)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from apps.accounts.models import User
from apps.gaps.evaluation import EvaluationDates
from apps.gaps.snapshot import load_snapshot
from apps.nations.models import Coalition, Nation
from apps.positions.models import Scope
from apps.reports.common_ground import CommonGround, _common, _grid, _lifecycles_on, common_ground
from apps.standards.models import Protocol, WorkItem, WorkItemStatus

EVERYONE = User(is_superuser=True)


def tls(*codes: str, on: date, scope: str = "all", drafts: bool = True) -> CommonGround:
    return common_ground(
        user=EVERYONE,
        nation_ids=list(Nation.objects.filter(code__in=codes).values_list("id", flat=True)),
        protocol_id=Protocol.objects.get(code="TLS").pk,
        dates=EvaluationDates(as_of=on),
        scope=scope,
        include_drafts=drafts,
    )


def reasons(report: CommonGround, code: str) -> dict[str, str]:
    """Mechanism name -> the first reason ``code`` refuses it ("" when accepted)."""
    nid = next(n for n, c, _ in report.members if c == code)
    return {m.name: report.grid[nid, m.id].reason for m in report.mechanisms}


def test_france_and_australia_share_the_hybrid_groups_until_australia_drops_classical(reference):
    before = tls("FR", "AU", on=date(2030, 6, 1))
    assert [m.name for m in before.common] == ["SecP256r1MLKEM768", "SecP384r1MLKEM1024", "X25519MLKEM768"]
    after = tls("FR", "AU", on=date(2031, 1, 1))
    assert after.common == []
    au, fr = reasons(after, "AU"), reasons(after, "FR")
    assert au["X25519MLKEM768"].startswith("classical algorithms disallowed from 2030-12-31")
    assert fr["MLKEM1024"] == "hybrids are required, and this mechanism is pure"
    # one side alone blocks each option: France every pure group, Australia every hybrid one
    assert {m.name: b for m, b in after.nearest} == {
        "MLKEM1024": ["FR"],
        "MLKEM768": ["FR"],
        "SecP256r1MLKEM768": ["AU"],
        "SecP384r1MLKEM1024": ["AU"],
        "X25519MLKEM768": ["AU"],
    }
    assert [(s.label, s.common) for s in after.timeline][-1] == ("2030-12-31", ())


def test_us_national_security_systems_against_the_uk_defaults_share_no_group(reference):
    report = tls("US", "GB", on=date(2031, 1, 1), scope="national_security_systems")
    assert report.common == []
    us, gb = reasons(report, "US"), reasons(report, "GB")
    assert us["MLKEM1024"] == "" and gb["MLKEM1024"] == "ML-KEM-1024 is not approved on 2031-01-01"
    assert gb["X25519MLKEM768"] == "" and us["X25519MLKEM768"] == "ML-KEM-768 is not approved on 2031-01-01"
    assert {m.name: b for m, b in report.nearest}["MLKEM1024"] == ["GB"]


def test_a_final_hybrid_rfc_does_not_serve_a_nation_that_forbids_hybrids(reference, redeclare):
    # The shipped update records the draft's publication as RFC 10024 (August 2026).
    assert WorkItem.objects.get(identifier="RFC 10024 (draft-ietf-tls-ecdhe-mlkem)").statuses.filter(status="rfc")
    redeclare("GB", hybrid_policy="forbidden")
    report = tls("FR", "GB", on=date(2027, 1, 1), drafts=False)
    fr, gb = reasons(report, "FR"), reasons(report, "GB")
    assert fr["X25519MLKEM768"] == ""  # the RFC serves France
    assert gb["X25519MLKEM768"] == "hybrids are forbidden (pure post-quantum only)"
    assert gb["MLKEM768"].startswith("its standard is not final on 2027-01-01: draft-ietf-tls-mlkem")
    assert report.common == []


PAIRS = list(itertools.combinations(["AU", "CA", "DE", "FR", "GB", "JP", "NL", "US"], 2))


@pytest.mark.parametrize("protocol", ["TLS", "SSH", "IKEv2"])
def test_the_timeline_says_on_every_day_what_the_whole_grid_judged_that_day_says(reference, protocol):
    """The timeline judges a cell again only on its own days; read on every 1st and 15th and on every
    record's date, it must still say what judging the whole grid on that day says (for NATO, and for
    pairs of declared allies, whose common ground does come and go)."""
    snapshot = load_snapshot(date(2026, 12, 3))
    history: dict[int, list[tuple[date | None, str, str]]] = {}
    for wid, on, status, lifecycle in WorkItemStatus.objects.order_by(
        "work_item_id", "status_on", "recorded_at", "id"
    ).values_list("work_item_id", "status_on", "status", "lifecycle"):
        history.setdefault(wid, []).append((on, status, lifecycle))
    ids = dict(Nation.objects.values_list("code", "id"))
    sets = [[ids[a], ids[b]] for a, b in PAIRS]
    sets.append([n for n, cs in snapshot.memberships.items() if Coalition.objects.get(code="NATO").pk in cs])
    changing = 0
    for nation_ids in sets:
        report = common_ground(
            user=EVERYONE,
            nation_ids=nation_ids,
            protocol_id=Protocol.objects.get(code=protocol).pk,
            dates=EvaluationDates(as_of=snapshot.as_of),
            include_drafts=True,
        )
        members = [nid for nid, _, _ in report.members]
        changing += len(report.timeline) > 1
        days = {date(y, m, d) for y in range(2026, 2037) for m in range(1, 13) for d in (1, 15)}
        days |= {on for rows in history.values() for on, _, _ in rows if on}
        days |= {m.target_on for n in members for m in snapshot.milestones.get(n, [])}
        days |= {a.until + timedelta(days=1) for n in members for a in snapshot.approvals.get(n, []) if a.until}
        for day in sorted(d for d in days if date(2026, 1, 1) <= d <= date(2036, 12, 31)):
            then = _lifecycles_on(history, snapshot, day)
            grid = _grid(then, members, report.mechanisms, Scope.ALL, True)
            expected = tuple(m.name for m in _common(grid, members, report.mechanisms))
            shown = [s for s in report.timeline if s.on <= day][-1].common
            assert shown == expected, (report.members, day)
    assert changing, "no set's common ground changes: the test would prove nothing"
