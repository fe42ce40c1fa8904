"""Issue 10: the stale-or-unsourced rule reads when each position was last confirmed, computed by the same
function the dossier and the API use, from the stored source."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import User
from apps.core.dates import PartialDate
from apps.gaps.engine import evaluate
from apps.gaps.models import Finding
from apps.gaps.outlook import HORIZON, change_days
from apps.gaps.preview import preview_position
from apps.gaps.rules import Subjects
from apps.gaps.snapshot import load_snapshot
from apps.nations.models import Coalition, Nation
from apps.positions.models import Position
from apps.sources.services import SourceCitation
from tests.factories import declare, make_source

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ally")]  # the rule looks at allies only


def _stale(nation: Nation, day: date) -> list[str]:
    snapshot = load_snapshot(day)
    return [d.object for d in evaluate(snapshot, Subjects(frozenset([nation.pk]))) if d.rule == "stale_position"]


def test_the_snapshot_reads_the_last_confirmation_of_each_position(nation_a: Nation, nation_b: Nation) -> None:
    today = timezone.localdate()
    declare(nation_a, source=make_source(published=PartialDate.parse("2019-06"), confirmed_on=today))
    declare(nation_b, source=make_source(published=PartialDate.parse("2019-06"), verified=True))
    snapshot = load_snapshot(today)
    assert snapshot.position(nation_a.pk).last_confirmed_on == today  # type: ignore[union-attr]
    assert snapshot.position(nation_b.pk).last_confirmed_on == date(2019, 6, 30)  # type: ignore[union-attr]
    assert snapshot.reverify_after_days == 180


@pytest.mark.parametrize(("days_ago", "stale"), [(179, []), (181, ["stale"])])
def test_a_stored_confirmation_179_days_old_is_in_time_and_181_is_stale(
    nation_a: Nation, days_ago: int, stale: list[str]
) -> None:
    today = timezone.localdate()
    source = make_source(published=PartialDate.parse("2015"), confirmed_on=today - timedelta(days=days_ago))
    declare(nation_a, source=source)
    assert _stale(nation_a, today) == stale


def test_an_unverified_source_never_confirmed_is_flagged_whatever_its_date(nation_a: Nation) -> None:
    today = timezone.localdate()
    declare(nation_a, source=make_source(published=PartialDate(today), verified=False))
    assert _stale(nation_a, today) == ["never confirmed"]


def test_a_draft_is_previewed_with_the_same_notion(officer_a: User, nation_a: Nation) -> None:
    today = timezone.localdate()
    declare(nation_a, source=make_source(published=PartialDate.parse("2015"), confirmed_on=today))
    old = SourceCitation(
        authority="A", document="D", kind="guidance", published=PartialDate.parse("2020-01"), verified=True
    )
    preview = preview_position(nation=nation_a, actor=officer_a, pqc_stance="evaluating", source=old)
    assert [d.object for d in preview.opened if d.rule == "stale_position"] == ["stale"]
    fresh = dataclasses.replace(old, confirmed_on=today)
    preview = preview_position(nation=nation_a, actor=officer_a, pqc_stance="evaluating", source=fresh)
    assert not [d for d in preview.opened if d.rule == "stale_position"]


def test_the_outlook_samples_the_first_day_a_position_is_due(nation_a: Nation, ally: Coalition) -> None:
    today = timezone.localdate()
    declare(nation_a, source=make_source(confirmed_on=today - timedelta(days=10)))
    days = change_days(load_snapshot(today), ally, today, HORIZON)
    assert today + timedelta(days=171) in days  # confirmed 10 days ago: due from day 181 after it
    day_before = today + timedelta(days=170)
    assert day_before not in days or (day_before.month, day_before.day) == (1, 1)  # (every 1 January is)


def test_on_the_shipped_data_the_rule_flags_exactly_the_positions_the_dossier_marks_due(
    swept: dict[str, Finding],
) -> None:
    """One notion: a stale-or-unsourced finding is open for a position in force exactly when its claim is
    due for re-verification (the dossier's and the API's mark)."""
    today = timezone.localdate()
    allies = set(load_snapshot(today).allied_states())
    due = {
        f"stale_position:{p.nation.code}:{p.scope}"
        for p in Position.objects.current().select_related("nation", "source")
        if p.reverification(today).due and p.nation_id in allies
    }
    flagged = {key for key, f in swept.items() if f.rule == "stale_position" and f.status != "resolved"}
    assert flagged == due and len(flagged) > 9  # (9 were flagged with the retired 730-day source age)
