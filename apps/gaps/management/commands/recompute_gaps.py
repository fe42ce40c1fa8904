"""Recompute every gap now, synchronously, and print what the run found."""

from typing import Any

from django.core.management.base import BaseCommand

from apps.gaps.engine import recompute
from apps.gaps.models import RunTrigger


class Command(BaseCommand):
    help = "Recompute every interoperability gap now (a full sweep) and print the run's counts."

    def handle(self, *args: Any, **options: Any) -> None:
        run = recompute(trigger=RunTrigger.MANUAL)
        seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at and run.started_at else 0
        self.stdout.write(
            f"Run {run.pk} {run.status} in {seconds:.2f}s: {run.nations_evaluated} nations and "
            f"{run.pairs_evaluated} pairs evaluated; {run.findings_opened} findings opened, "
            f"{run.findings_updated} updated, {run.findings_resolved} resolved."
        )
