"""API benchmark: GET /api/v1/findings/ (page size 100) served by gunicorn on PostgreSQL, next to a bare
Django view returning the same 100 rows with ``values()``, in the same run.

    python -m benchmarks.api [--findings 3000] [--connections 8] [--seconds 10]

Seeds a scratch database (``<database>_bench`` on the DATABASE_URL server, dropped and recreated), starts
gunicorn on a free 127.0.0.1 port, loads each URL from 8 keep-alive connections (threads, http.client) for
a bounded time and request count, and prints req/s, p50 and p99 for both and their ratio. The last line is
machine-readable: ``api_rps=… api_p99_ms=… bare_rps=… bare_p99_ms=… ratio=… p99_ratio=…``. A benchmark, not
a test: it asserts nothing; the target is the API at >= 0.6x the bare view's throughput with a p99 <= 1.5x the
bare view's p99 in the same run (absolute milliseconds on a shared machine are noise)."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_REQUESTS_PER_PHASE = 200_000
ROUNDS = 5
GUNICORN = [sys.executable, "-m", "gunicorn", "pqctrack.wsgi:application"]
GUNICORN_OPTIONS = ["--worker-class", "gthread", "--threads", "4", "--keep-alive", "30", "--log-level", "warning"]


@dataclass
class Phase:
    name: str
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _scratch_database(url: str) -> str:
    """Recreate ``<name>_bench`` next to the configured database and return its URL."""
    import dj_database_url
    import psycopg

    from pqctrack.database_url import database_url

    configured = dj_database_url.parse(url)
    name = f"{configured['NAME'] or 'pqctrack'}_bench"
    with psycopg.connect(database_url(configured, name="postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return database_url(configured, name=name)


def _seed(findings: int) -> str:
    """Migrate the scratch database, write ``findings`` public findings over 30 nations, and return a read
    token for an external system."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from apps.accounts.models import Role, TokenScope, User
    from apps.accounts.services import token_issue
    from apps.gaps.models import Finding, Rule, Severity
    from apps.nations.models import Coalition, CoalitionKind, Membership, Nation

    call_command("migrate", verbosity=0)
    nations = Nation.objects.bulk_create(
        Nation(code=f"{chr(65 + i // 26)}{chr(65 + i % 26)}", name=f"N{i}") for i in range(30)
    )
    coalition = Coalition.objects.create(code="BENCH", name="Bench", kind=CoalitionKind.DEFENCE, is_defence=True)
    Membership.objects.bulk_create(Membership(coalition=coalition, nation=n) for n in nations)
    now = timezone.now()
    rules, severities = list(Rule.values), list(Severity.values)
    Finding.objects.bulk_create(
        (
            Finding(
                key=f"bench:{i}",
                rule=rules[i % len(rules)],
                nation_a=nations[i % 30],
                nation_b=nations[(i * 7 + 1) % 30],
                coalition=coalition,
                object=f"object {i}",
                severity=severities[i % len(severities)],
                score=i % 101,
                years_left="9.1",
                shared_coalitions=["BENCH"],
                title=f"Finding {i}",
                explanation="The two nations' approved KEM sets share nothing at a matching category. " * 3,
                evidence=[{"model": "positions.position", "id": i, "label": f"Position {i}"}],
                fingerprint="f" * 64,
                first_seen_at=now,
                last_seen_at=now,
            )
            for i in range(findings)
        ),
        batch_size=1000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a bulk load; the planner needs the statistics
    owner = User.objects.create(username="bench-system", role=Role.SYSTEM, nation=nations[0])
    _, secret = token_issue(
        user=owner, name="bench", scopes=[TokenScope.READ], expires_at=now + timedelta(hours=2), actor=None
    )
    return secret


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on {port} within {timeout}s")


def _load(port: int, path: str, headers: dict[str, str], connections: int, seconds: float, name: str) -> Phase:
    """``connections`` threads, each with one keep-alive connection, GET ``path`` until the time is up."""
    phase = Phase(name)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    budget = [MAX_REQUESTS_PER_PHASE]

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies, errors = [], 0
        while time.monotonic() < stop_at:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
                if response.status != 200 or not body:
                    errors += 1
                    continue
            except (OSError, http.client.HTTPException):
                errors += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            latencies.append((time.perf_counter() - started) * 1000)
        connection.close()
        with lock:
            phase.latencies_ms.extend(latencies)
            phase.errors += errors

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.seconds = time.monotonic() - began
    return phase


def _check_same_rows(port: int, api: str, bare: str, headers: dict[str, str]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    ids = []
    for path, extra in ((api, headers), (bare, {})):
        connection.request("GET", path, headers=extra)
        response = connection.getresponse()
        payload = json.loads(response.read())
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}: {payload}")
        ids.append([row["id"] for row in payload["results"]])
    connection.close()
    if ids[0] != ids[1] or len(ids[0]) != 100:
        raise RuntimeError("the API and the bare view do not return the same 100 rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=3000)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()

    database_url = _scratch_database(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pqctrack"))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "benchmarks.api_settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "API_THROTTLE_RATE": "100000000/min",  # throttling still runs (a Redis round trip), but never trips
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    secret = _seed(args.findings)
    port = _free_port()
    server = subprocess.Popen(
        [*GUNICORN, *GUNICORN_OPTIONS, "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        _wait_for(port)
        api, bare = "/api/v1/findings/?page_size=100", "/bench/bare-findings/"
        headers = {"Authorization": f"Bearer {secret}", "Accept": "application/json"}
        _check_same_rows(port, api, bare, headers)
        for path, extra in ((api, headers), (bare, {})):  # warm the workers' connections and caches
            _load(port, path, extra, args.connections, 2.0, "warm-up")
        # Alternate short slices of each, so a change in the machine's background load during the run
        # weighs on both sides alike instead of on whichever phase it happened to fall in.
        results = [Phase("api"), Phase("bare")]
        for _ in range(ROUNDS):
            for total, path, extra in ((results[0], api, headers), (results[1], bare, {})):
                part = _load(port, path, extra, args.connections, args.seconds / ROUNDS, total.name)
                total.latencies_ms += part.latencies_ms
                total.errors += part.errors
                total.seconds += part.seconds
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    print(
        f"{args.findings} findings, {args.connections} connections, {args.seconds:.0f}s per side in {ROUNDS} alternating slices, "
        f"gunicorn {args.workers} workers x 4 threads, {os.cpu_count()} CPUs"
    )
    for phase in results:
        print(
            f"{phase.name:>4}: {phase.rps:8.1f} req/s  p50 {phase.percentile(50):6.1f} ms  "
            f"p99 {phase.percentile(99):6.1f} ms  ({len(phase.latencies_ms)} ok, {phase.errors} errors)"
        )
    api_phase, bare_phase = results
    ratio = api_phase.rps / bare_phase.rps if bare_phase.rps else float("nan")
    api_p99, bare_p99 = api_phase.percentile(99), bare_phase.percentile(99)
    p99_ratio = api_p99 / bare_p99 if bare_p99 else float("nan")
    print(
        f"API at {ratio:.2f}x the bare view's throughput (target >= 0.6x), "
        f"its p99 {p99_ratio:.2f}x the bare view's (target <= 1.5x)"
    )
    print(
        f"api_rps={api_phase.rps:.1f} api_p99_ms={api_p99:.1f} bare_rps={bare_phase.rps:.1f} "
        f"bare_p99_ms={bare_p99:.1f} ratio={ratio:.2f} p99_ratio={p99_ratio:.2f}"
    )


if __name__ == "__main__":
    main()
