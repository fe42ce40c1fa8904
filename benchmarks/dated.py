"""The on-demand evaluation part of ``make bench-gaps``: one coalition evaluated on one date (nothing
written), and a coalition's outlook over yearly dates. Run from ``benchmarks.gaps``, inside its scratch
database."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any


def _median_ms(action: Callable[[], Any], repeats: int = 5) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def dated_evaluations(coalition_code: str, day: date) -> float:
    """Median time to evaluate one coalition on ``day`` on demand (no findings written), as an
    administrator (every result visible)."""
    from apps.accounts.models import User
    from apps.gaps.evaluation import EvaluationDates, evaluate_gaps
    from apps.nations.models import Coalition

    user, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": "administrator"})
    coalition = Coalition.objects.get(code=coalition_code)
    return _median_ms(lambda: evaluate_gaps(user=user, dates=EvaluationDates(day), coalition=coalition))


def shipped_figures() -> tuple[float, float, int]:
    """Reload the scratch database with the shipped reference data, sweep once, then time NATO's on-demand
    evaluation on one date and its outlook over 11 yearly dates. Returns (eval ms, outlook ms, members)."""
    from django.core.management import call_command
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.gaps import engine
    from apps.gaps.evaluation import EvaluationDates, evaluate_gaps
    from apps.gaps.models import RunTrigger
    from apps.gaps.outlook import coalition_outlook
    from apps.nations.models import Coalition

    call_command("flush", interactive=False, verbosity=0)  # the same scratch database, emptied
    call_command("load_reference", verbosity=0)
    engine.recompute(trigger=RunTrigger.SWEEP)
    user, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": "administrator"})
    nato = Coalition.objects.get(code="NATO")
    members = len(evaluate_gaps(user=user, dates=EvaluationDates(date(2031, 1, 1)), coalition=nato).nations)
    eval_ms = dated_evaluations("NATO", date(2031, 1, 1))
    today = timezone.localdate()
    days = [today] + [date(year, 1, 1) for year in range(today.year + 1, today.year + 11)]
    outlook_ms = _median_ms(lambda: coalition_outlook(user=user, coalition=nato, days=days))
    return eval_ms, outlook_ms, members


#: The nation whose draft position ``shipped_preview`` previews: a NATO member with a declared position.
PREVIEWED = "DE"


def shipped_preview() -> tuple[float, str]:
    """Median time to preview a draft position (QKD promoted, PQC mandated) for ``PREVIEWED`` on the shipped
    data, as an administrator: what a liaison officer waits for before declaring. Run after
    ``shipped_figures`` (the shipped data loaded and swept). Returns (ms, the nation's code)."""
    from apps.accounts.models import User
    from apps.core.dates import PartialDate
    from apps.gaps.preview import preview_position
    from apps.nations.models import Nation
    from apps.sources.models import SourceKind
    from apps.sources.services import SourceCitation

    user, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": "administrator"})
    nation = Nation.objects.get(code=PREVIEWED)
    # A person's draft cites its source as the save would (a preview refuses an uncited one).
    source = SourceCitation(
        authority="Bench ministry", published=PartialDate.parse("2026-11"), kind=SourceKind.GUIDANCE
    )
    return (
        _median_ms(
            lambda: preview_position(
                nation=nation, actor=user, pqc_stance="adopt_mandated", qkd_stance="promotes", source=source
            )
        ),
        nation.code,
    )
