"""With the real Redis broker and a real ``celery worker`` process on the test database.

These need Redis (REDIS_URL): when it is unreachable they fail, they do not skip."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest
import redis
from django.conf import settings
from django.db import connection

from apps.gaps import engine
from apps.gaps.models import Finding, FindingEvent, GapRun, RecomputeRequest, RunTrigger
from apps.positions.services import position_declare
from pqctrack.celery import app as celery_app
from pqctrack.database_url import database_url

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]
KEY = "qkd_divergence:IT:US"


@pytest.fixture
def broker() -> str:
    url = settings.CELERY_BROKER_URL
    assert redis.Redis.from_url(url, socket_connect_timeout=2).ping(), f"Redis at {url} is not answering"
    return url


def wait_for(condition: Callable[[], bool], timeout: float = 30, interval: float = 0.01) -> float:
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > timeout:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)
    return time.perf_counter() - start


@contextmanager
def celery_worker(broker: str, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    """A real worker process (prefork, one child) on the test database, stopped afterwards."""
    name = f"gaps-test-{os.getpid()}@localhost"
    celery_app.control.purge()  # messages left by earlier tests belong to no one
    log = tempfile.NamedTemporaryFile(prefix="gaps-worker-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "pqctrack", "worker", "--pool=prefork", "--concurrency=1",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info", "-n", name],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url(connection.settings_dict), "REDIS_URL": broker,
             "CELERY_TASK_ALWAYS_EAGER": "false", "DJANGO_SETTINGS_MODULE": "pqctrack.test_settings", **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for(lambda: bool(celery_app.control.ping(destination=[name], timeout=0.5)), timeout=60, interval=0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        print(f"worker log: {log.name}")


def baseline() -> None:
    engine.recompute(trigger=RunTrigger.SWEEP)
    RecomputeRequest.objects.all().delete()
    assert Finding.objects.get(key=KEY).status == "open"


def status() -> str:
    return Finding.objects.get(key=KEY).status


def test_a_change_through_the_service_reaches_the_finding_through_a_real_worker(broker, small_world):
    baseline()
    with celery_worker(broker):
        latencies = []
        for stance, expected in (("research", "resolved"), ("deploying", "open"), ("research", "resolved")):
            start = time.perf_counter()
            position_declare(
                nation=small_world["IT"], actor=None, source=None, pqc_stance="adopt_mandated", qkd_stance=stance
            )
            wait_for(lambda expected=expected: status() == expected)
            latencies.append((time.perf_counter() - start) * 1000)
    print(f"change-to-finding latency through the worker: {', '.join(f'{ms:.0f} ms' for ms in latencies)}")
    assert [e for e in FindingEvent.objects.filter(finding__key=KEY).values_list("kind", flat=True)] == [
        "opened",
        "resolved",
        "reopened",
        "resolved",
    ]
    assert not RecomputeRequest.objects.exists()


def _paused_in_write_transaction() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' "
            "AND query LIKE 'SELECT pg_sleep%%' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_mid_run_leaves_the_previous_results_and_the_retry_completes(broker, small_world):
    """The run is made to hold its finished writes, uncommitted, for 3 s (a test-only setting that makes the
    engine call pg_sleep inside its write transaction, right before commit: the worst moment to die). The
    pool child running it is SIGKILLed there; nothing of it may show, and the requeued task must finish."""
    baseline()
    events_before = FindingEvent.objects.count()
    with celery_worker(broker, PQCTRACK_GAPS_TEST_PAUSE_BEFORE_COMMIT_MS="3000") as worker:
        position_declare(
            nation=small_world["IT"], actor=None, source=None, pqc_stance="adopt_mandated", qkd_stance="research"
        )
        wait_for(_paused_in_write_transaction)
        run = GapRun.objects.filter(trigger=RunTrigger.CHANGE).get()
        assert run.status == "running" and run.started_at is not None  # visible while it runs
        [child] = psutil.Process(worker.pid).children()
        child.kill()  # SIGKILL, mid-run
        child.wait(timeout=10)

        assert status() == "open"  # the previous result stands…
        assert FindingEvent.objects.count() == events_before  # …with none of the killed run's writes
        assert RecomputeRequest.objects.filter(nation=small_world["IT"]).exists()  # …and the request is kept

        wait_for(lambda: status() == "resolved", timeout=60)  # the requeued task redoes the run
    assert not RecomputeRequest.objects.exists()
    assert GapRun.objects.filter(trigger=RunTrigger.CHANGE, status="succeeded").count() == 1
    assert FindingEvent.objects.filter(finding__key=KEY, kind="resolved").count() == 1
