"""Run progress written on a connection of its own, so it is visible while the run's results are still
being computed inside their (uncommitted) transaction."""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from apps.gaps.models import GapRun

_side = threading.local()


def _side_connection() -> BaseDatabaseWrapper:
    """A second connection to the default database, kept per thread (opening one per run costs more
    than a small recompute)."""
    conn = getattr(_side, "connection", None)
    if conn is None:
        conn = _side.connection = connections.create_connection(DEFAULT_DB_ALIAS)
    conn.close_if_unusable_or_obsolete()
    return conn


def close_side_connection() -> None:
    """Close this thread's progress connection (tests call it before the test database is dropped)."""
    conn = getattr(_side, "connection", None)
    if conn is not None:
        conn.close()
        _side.connection = None


class ProgressReporter:
    """Writes a run's status and progress in autocommit on a connection of its own."""

    #: Seconds between two progress writes: a small run writes none, a long one a handful.
    interval = 0.5

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.connection = _side_connection()
        self.last_write = 0.0

    def __enter__(self) -> ProgressReporter:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if exc[0] is not None:  # a broken connection is not worth keeping
            self.connection.close()

    def update(self, **values: Any) -> None:
        columns = ", ".join(f"{name} = %s" for name in values)  # GapRun field names are its column names
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {GapRun._meta.db_table} SET {columns} WHERE id = %s",  # noqa: S608  (field names, not input)
                [*values.values(), self.run_id],
            )

    def started(self, total: int) -> None:
        self.update(status="running", started_at=timezone.now(), progress_done=0, progress_total=total, error="")
        self.last_write = time.monotonic()

    def step(self, done: int) -> None:
        if time.monotonic() - self.last_write >= self.interval:
            self.update(progress_done=done)
            self.last_write = time.monotonic()
