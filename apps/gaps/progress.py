"""Run progress written on a connection of its own, so it is visible while the run's results are still
being computed inside their (uncommitted) transaction."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from apps.gaps.models import GapRun


class ProgressReporter:
    """Writes a run's status and progress in autocommit on a private connection."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __enter__(self) -> ProgressReporter:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.connection.close()

    def update(self, **values: Any) -> None:
        columns = ", ".join(f"{GapRun._meta.get_field(name).column} = %s" for name in values)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {GapRun._meta.db_table} SET {columns} WHERE id = %s",  # noqa: S608  (field names, not input)
                [*values.values(), self.run_id],
            )

    def started(self, total: int) -> None:
        self.update(status="running", started_at=timezone.now(), progress_done=0, progress_total=total, error="")

    def step(self, done: int) -> None:
        self.update(progress_done=done)
