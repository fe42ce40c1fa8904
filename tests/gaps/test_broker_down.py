"""Redis down: every request still answers, every change and its recompute request are kept, and once
Redis is back the recomputes happen without anyone acting.

The outage is real: a valkey-server started for the test (the cache and the broker both point at it) is
SIGKILLed, and restarted empty on the same port, as a crashed Redis comes back."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client
from rest_framework.test import APIClient

from apps.accounts.models import Role, User
from apps.gaps.models import Finding, GapRun, RecomputeRequest, RunStatus
from apps.gaps.tasks import drain_recompute_requests
from apps.nations.models import Nation
from apps.positions.models import Position
from apps.positions.services import position_declare
from tests.api.conftest import CITATION
from tests.factories import UserFactory
from tests.gaps.test_worker import BASE_DIR, celery_worker, wait_for
from tests.gaps.valkey import Valkey, cache_settings, celery_broker

KEY = "qkd_divergence:IT:US"
WAITING_NOTICE = "The task queue cannot be reached right now"


@pytest.mark.django_db(transaction=True)  # real commits, so the after-commit dispatch really runs
def test_the_change_commits_and_the_recompute_happens_once_the_broker_is_back(small_world, broker_down, caplog):
    drain_recompute_requests.apply()  # the baseline, run in-process
    assert Finding.objects.get(key=KEY).status == "open"
    caplog.clear()

    with caplog.at_level(logging.WARNING):
        position_declare(
            nation=small_world["IT"], actor=None, source=None, pqc_stance="adopt_mandated", qkd_stance="research"
        )

    assert "Could not reach the broker" in caplog.text  # the dispatch after commit failed…
    assert Position.objects.current().get(nation=small_world["IT"]).qkd_stance == "research"  # …the change stands
    assert RecomputeRequest.objects.filter(nation=small_world["IT"]).exists()  # …and so does its recompute
    assert Finding.objects.get(key=KEY).status == "open"

    # The broker is back: the periodic drain (run in-process here) picks the request up.
    drain_recompute_requests.apply()
    assert Finding.objects.get(key=KEY).status == "resolved"
    assert not RecomputeRequest.objects.exists()


@pytest.fixture
def valkey(tmp_path: Path, settings: Any) -> Iterator[Valkey]:
    """A running valkey that is this test's cache and broker."""
    server = Valkey(tmp_path)
    server.start()
    settings.CACHES = cache_settings(server.url, django_settings.CACHES)
    try:
        with celery_broker(server.url):
            yield server
    finally:
        server.kill()


@pytest.fixture
def people(small_world: dict[str, Nation]) -> dict[str, User]:
    return {
        "it": UserFactory(username="it", role=Role.LIAISON_OFFICER, nation=small_world["IT"], liaison_for=[small_world["IT"]]),
        "gb": UserFactory(username="gb", role=Role.LIAISON_OFFICER, nation=small_world["GB"], liaison_for=[small_world["GB"]]),
        "planner": UserFactory(username="planner", role=Role.PLANNER, nation=small_world["US"]),
    }  # fmt: skip


def api(user: User) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_login(user)
    return client


def web(user: User) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def api_write_italy_stops_deploying_qkd(it: User) -> None:
    """PATCH Italy's position through the API (an API read first, for its ETag)."""
    client = api(it)
    current = Position.objects.current().get(nation__code="IT")
    read = client.get(f"/api/v1/positions/{current.pk}/")
    assert read.status_code == 200, read.content
    response = client.patch(
        f"/api/v1/positions/{current.pk}/",
        {"qkd_stance": "research", "source": CITATION},
        format="json",
        HTTP_IF_MATCH=read["ETag"],
    )
    assert response.status_code == 200, response.content


def web_write_britain_deploys_qkd(gb: User) -> None:
    """Publish a new British position through the web form."""
    response = web(gb).post(
        "/nations/GB/positions/new/",
        {
            "scope": "all",
            "pqc_stance": "adopt_mandated",
            "qkd_stance": "deploying",
            "hybrid_policy": "optional",
            "releasability": "",
            "declared": "2026-11",
            "algorithms_named": "",
            "note": "",
            "source-authority": "NCSC",
            "source-document": "QKD pilot",
            "source-url": "https://example.org/gb/qkd",
            "source-published": "2026-11",
            "source-kind": "guidance",
            "action": "publish",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_every_request_answers_and_every_write_keeps_its_recompute(
    valkey: Valkey, people: dict[str, User], settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"caller": "8/hour"}}
    caches["local"].clear()
    drain_recompute_requests.apply()  # the baseline, in-process
    planner = people["planner"]
    assert api(planner).get("/api/v1/findings/").status_code == 200  # the throttle counts in valkey
    valkey.kill()

    with caplog.at_level(logging.WARNING):
        for page in ("/nations/IT/", "/findings/", "/matrix/", "/timeline/", "/runs/"):  # page reads
            assert web(planner).get(page).status_code == 200, page
        findings = api(planner).get("/api/v1/findings/")  # an API read
        assert findings.status_code == 200 and findings.json()["results"]
        api_write_italy_stops_deploying_qkd(people["it"])  # an API write
        web_write_britain_deploys_qkd(people["gb"])  # a web form write

        # "Recompute now", on the web: the run page says it waits for the queue, and will start by itself.
        started = web(planner).post("/runs/start/", follow=True)
        assert started.status_code == 200
        assert WAITING_NOTICE in started.content.decode() and "Waiting for the task queue" in started.content.decode()
        # …and through the API: 202, and the answer says so.
        response = api(planner).post("/api/v1/gap-runs/")
        assert response.status_code == 202, response.content
        assert response.json()["status"] == "waiting" and WAITING_NOTICE in response.json()["notice"]

    assert "Could not reach the shared cache" in caplog.text
    assert "Could not reach the broker" in caplog.text
    assert Position.objects.current().get(nation__code="IT").qkd_stance == "research"
    assert Position.objects.current().get(nation__code="GB").qkd_stance == "deploying"
    assert set(RecomputeRequest.objects.values_list("nation__code", flat=True)) == {"IT", "GB"}
    assert GapRun.objects.filter(status=RunStatus.WAITING).count() == 2

    # Throttling goes on, per process: the planner's two API calls since the outage began count here (the
    # one before it counted in valkey), so six more are allowed in this hour and the next are refused.
    client = api(planner)
    statuses = [client.get("/api/v1/nations/").status_code for _ in range(8)]
    assert statuses == [200] * 6 + [429] * 2, statuses
    assert 0 < int(client.get("/api/v1/nations/")["Retry-After"]) <= 3600


def celery_beat(schedule_dir: Path, broker: str) -> subprocess.Popen[bytes]:
    """A real ``celery beat`` process sending the periodic tasks every second."""
    log = (schedule_dir / "beat.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "pqctrack", "beat", "-l", "info",
         "-s", str(schedule_dir / "beat-schedule")],
        cwd=BASE_DIR,
        env={**os.environ, "REDIS_URL": broker, "PQCTRACK_DRAIN_INTERVAL_SECONDS": "1"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip


@contextmanager
def running(process: subprocess.Popen[bytes]) -> Iterator[None]:
    try:
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def status(key: str) -> str | None:
    return Finding.objects.filter(key=key).values_list("status", flat=True).first()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_once_redis_is_back_the_findings_follow_the_writes_made_during_the_outage_without_anyone_acting(
    valkey: Valkey, people: dict[str, User], tmp_path: Path
) -> None:
    with celery_worker(valkey.url), running(celery_beat(tmp_path, valkey.url)):
        wait_for(lambda: status(KEY) == "open" and not RecomputeRequest.objects.exists(), timeout=60)
        valkey.kill()

        api_write_italy_stops_deploying_qkd(people["it"])
        web_write_britain_deploys_qkd(people["gb"])
        assert api(people["planner"]).post("/api/v1/gap-runs/").status_code == 202
        assert status(KEY) == "open" and status("qkd_divergence:GB:US") is None  # nothing recomputed yet
        assert RecomputeRequest.objects.count() == 2

        valkey.start()  # back, empty: every message sent before the crash is gone; the database has the rest
        wait_for(lambda: status(KEY) == "resolved", timeout=90)
        wait_for(lambda: status("qkd_divergence:GB:US") == "open", timeout=30)
        wait_for(lambda: not GapRun.objects.exclude(status=RunStatus.SUCCEEDED).exists(), timeout=60)
    assert not RecomputeRequest.objects.exists()
