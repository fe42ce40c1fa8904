"""Gap engine benchmark: ``python -m benchmarks.gaps`` (``make bench-gaps``).

Builds synthetic data about ten times the shipped reference (≈300 nations, ≈45k allied pairs, ≈100
parameter sets, ≈500 work items, ≈3,000 milestones) in a scratch database of its own (``<database>_bench``
on the server named by DATABASE_URL, dropped and recreated), then measures:

- the full sweep (every rule over every pair and nation, findings written);
- the I/O floors in the same run (``benchmarks.floors``): reading every input (the snapshot) plus writing
  the findings and events, without evaluating any rule, once through ``bulk_create`` (the old floor) and
  once with ``COPY`` (the physical floor: the very rows the sweep wrote); and the sweep/floor ratios;
- an incremental recompute after one nation's position changes (drain of its request);
- change-to-finding latency through a real Celery worker on the real broker (p50/p95 over 50 changes);
- on-demand evaluation of one coalition of 32 members on one date (nothing written), at this scale and then
  on the shipped reference data (loaded into the same scratch database afresh), the coalition outlook
  over 11 yearly dates on the shipped data, and the preview of a draft position on the shipped data
  (medians of five).

The last line is machine-readable:
``sweep_s=… floor_s=… ratio=… incremental_ms=… latency_p50_ms=… latency_p95_ms=… eval32_ms=…
eval_shipped_ms=… outlook11_shipped_ms=… copy_floor_s=… copy_ratio=… preview_ms=…``

``BENCH_NATIONS`` (default 300) scales the synthetic data down for a quick run while developing."""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

# The scratch database is named after the one DATABASE_URL names, so benchmarks run against separate
# databases on one server never drop each other's.
_NAME = urlsplit(os.environ.get("DATABASE_URL", "postgres:///pqctrack")).path.lstrip("/") or "pqctrack"
BENCH_DB = _NAME if _NAME.endswith("_bench") else f"{_NAME}_bench"
BASE_DIR = Path(__file__).resolve().parents[1]
N_NATIONS = int(os.environ.get("BENCH_NATIONS", "300"))
N_CHANGES = 50


def _server_url(name: str) -> str:
    """The URL of database `name` on the server (and with the credentials) DATABASE_URL names."""
    import dj_database_url

    from pqctrack.database_url import database_url

    configured = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pqctrack")
    return database_url(dj_database_url.parse(configured), name=name)


def _scratch_database() -> str:
    """Drop and create the scratch database; return its URL (same server and credentials)."""
    import psycopg

    with psycopg.connect(_server_url("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    return _server_url(BENCH_DB)


def _drop_database() -> None:
    import psycopg

    with psycopg.connect(_server_url("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def _codes(n: int) -> list[str]:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [a + b for a in letters for b in letters][:n]


def build(rng: random.Random) -> None:
    """Synthetic data, written with bulk inserts (the services would take minutes for 10k records)."""
    from apps.algorithms.models import Algorithm, ParameterSet
    from apps.nations.models import Coalition, Membership, Nation
    from apps.positions.models import Approval, Milestone, MilestoneKind, Position
    from apps.sources.models import Source
    from apps.standards.models import STATUS_LIFECYCLE, Protocol, StandardsBody, WorkItem, WorkItemStatus

    nations = Nation.objects.bulk_create(Nation(code=c, name=f"Nation {c}") for c in _codes(N_NATIONS))
    coalitions = Coalition.objects.bulk_create(
        [Coalition(code="WORLD", name="Everyone", kind="economic")]
        + [Coalition(code=f"DEF{i}", name=f"Defence {i}", kind="defence", is_defence=True) for i in range(6)]
        + [Coalition(code=f"POL{i}", name=f"Union {i}", kind="political") for i in range(4)]
    )
    members = [Membership(coalition=coalitions[0], nation=n) for n in nations]
    for coalition in coalitions[1:]:
        members += [
            Membership(coalition=coalition, nation=n)
            for n in rng.sample(nations, min(len(nations), rng.randint(5, 40)))
        ]
    # One coalition of exactly 32 members for the on-demand evaluation (its own generator, so the rest of
    # the data stays what it was before it existed).
    eval32 = Coalition.objects.create(code="EVAL32", name="Thirty-two", kind="security")
    members += [Membership(coalition=eval32, nation=n) for n in random.Random(32).sample(nations, 32)]  # noqa: S311
    Membership.objects.bulk_create(members)
    sources = Source.objects.bulk_create(
        Source(
            key=f"bench-{i}",
            authority=f"Authority {i}",
            published_on=date(2021, 1, 1) + timedelta(days=rng.randint(0, 2000)),
        )
        for i in range(N_NATIONS)
    )

    kinds = ["kem"] * 14 + ["signature"] * 19 + ["stateful_signature"] * 2  # 33 x 3 = 99 parameter sets
    algorithms = Algorithm.objects.bulk_create(
        Algorithm(name=f"ALG-{i}", kind=kind, security_categories=[1, 3, 5]) for i, kind in enumerate(kinds)
    ) + Algorithm.objects.bulk_create(
        Algorithm(name=f"CLASSIC-{i}", kind="kem" if i % 2 else "signature", quantum_vulnerable=True) for i in range(4)
    )
    parameter_sets = ParameterSet.objects.bulk_create(
        ParameterSet(algorithm=a, name=f"{a.name}-{cat}", security_category=cat)
        for a in algorithms[:33]
        for cat in (1, 3, 5)
        if a.kind != "stateful_signature"
    )
    sets_by_alg: dict[int, list[ParameterSet]] = {}
    for ps in parameter_sets:
        sets_by_alg.setdefault(ps.algorithm_id, []).append(ps)

    # Weighted roughly like the shipped reference: most allies are quiet on QKD and hybrids, a few diverge.
    stances = ["adopt_mandated"] * 3 + ["adopt_recommended"] * 5 + ["evaluating", "own_algorithms", "undeclared"]
    qkd = ["rejects"] * 2 + ["not_recommended"] * 3 + ["research"] * 5 + ["deploying", "promotes"] + ["undeclared"] * 8
    hybrid = ["required"] + ["recommended"] * 4 + ["optional"] * 6 + ["discouraged", "forbidden"] + ["undeclared"] * 6
    common = [
        sets_by_alg[algorithms[0].pk][1],
        sets_by_alg[algorithms[14].pk][1],
    ]  # the "ML-KEM-768/ML-DSA-65" most share
    milestone_kinds = [k for k in MilestoneKind.values if k not in ("disallow_classical", "exclusive_pqc")] * 4 + [
        "disallow_classical",
        "exclusive_pqc",
    ]
    positions, approvals, milestones = [], [], []
    for i, nation in enumerate(nations):
        for scope in ["all"] + (["national_security_systems"] if rng.random() < 0.2 else []):
            positions.append(
                Position(
                    nation=nation,
                    scope=scope,
                    source=sources[i] if rng.random() < 0.95 else None,
                    declared_on=date(2022, 1, 1) + timedelta(days=rng.randint(0, 1400)),
                    pqc_stance=rng.choice(stances),
                    qkd_stance=rng.choice(qkd),
                    hybrid_policy=rng.choice(hybrid),
                )
            )
            picked = rng.sample(algorithms[1:14] + algorithms[15:], 6 if scope == "all" else 3)
            shares_common = scope == "all" and rng.random() < 0.93
            for algorithm in ([a.algorithm for a in common] if shares_common else []) + picked:
                sets = sets_by_alg.get(algorithm.pk)
                subject = rng.choice(sets) if sets and rng.random() < 0.7 else None
                if shares_common and algorithm in (common[0].algorithm, common[1].algorithm):
                    subject = common[0] if algorithm == common[0].algorithm else common[1]
                approvals.append(
                    Approval(
                        nation=nation,
                        scope=scope,
                        algorithm=algorithm,
                        parameter_set=subject,
                        status=rng.choice(["approved"] * 4 + ["mandated", "preferred", "tolerated", "deprecated"]),
                        declared_on=date(2024, 1, 1),
                    )
                )
        for k in range(10):
            milestones.append(
                Milestone(
                    nation=nation,
                    kind=rng.choice(milestone_kinds),
                    title=f"Milestone {k}",
                    target_on=date(2025, 12, 31) + timedelta(days=365 * rng.randint(0, 11)),
                    scope=rng.choice(["all", "all", "government", "national_security_systems"]),
                )
            )
    Position.objects.bulk_create(positions)
    Approval.objects.bulk_create(approvals)
    Milestone.objects.bulk_create(milestones)

    body = StandardsBody.objects.create(code="IETF", name="IETF")
    protocols = Protocol.objects.bulk_create(Protocol(code=f"P{i}", name=f"Protocol {i}") for i in range(12))
    items = WorkItem.objects.bulk_create(
        WorkItem(body=body, identifier=f"draft-{i}", title=f"Work item {i}", protocol=rng.choice(protocols))
        for i in range(500)
    )
    WorkItem.algorithms.through.objects.bulk_create(
        WorkItem.algorithms.through(workitem_id=item.pk, algorithm_id=a.pk)
        for item in items
        for a in rng.sample(algorithms[:35], rng.randint(1, 3))
    )
    words = list(STATUS_LIFECYCLE)
    WorkItemStatus.objects.bulk_create(
        WorkItemStatus(
            work_item=item,
            status=word,
            lifecycle=STATUS_LIFECYCLE[word],
            status_on=date(2023, 1, 1) + timedelta(days=200 * k + rng.randint(0, 150)),
        )
        for item in items
        for k, word in enumerate(rng.sample(words, rng.randint(1, 3)))
    )


def latencies(database_url: str) -> list[float]:
    """Change → finding through a real worker: toggle one nation's QKD stance against a rejecter."""
    from django.utils import timezone

    from apps.core.dates import PartialDate
    from apps.gaps.models import Finding, RecomputeRequest
    from apps.nations.models import Nation
    from apps.positions.services import position_declare
    from pqctrack.celery import app

    today = PartialDate(timezone.localdate())
    nations = list(Nation.objects.order_by("code")[:2])
    subject, partner = nations
    for nation, stance in ((partner, "rejects"), (subject, "research")):
        position_declare(
            nation=nation, actor=None, source=None, pqc_stance="adopt_mandated", qkd_stance=stance, declared=today
        )
    from apps.gaps import engine

    engine.drain_requests()
    key = f"qkd_divergence:{subject.code}:{partner.code}"
    app.control.purge()
    RecomputeRequest.objects.all().delete()
    name = f"bench-{os.getpid()}@localhost"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "pqctrack", "worker", "--pool=prefork", "--concurrency=1",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning", "-n", name],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url, "CELERY_TASK_ALWAYS_EAGER": "false"},
    )  # fmt: skip
    measured = []
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[name], timeout=0.5):
            if time.monotonic() > deadline:
                raise RuntimeError("the worker did not start")
        for i in range(N_CHANGES):
            stance, expected = ("deploying", "open") if i % 2 == 0 else ("research", "resolved")
            start = time.perf_counter()
            position_declare(
                nation=subject, actor=None, source=None, pqc_stance="adopt_mandated", qkd_stance=stance, declared=today
            )
            while Finding.objects.filter(key=key).values_list("status", flat=True).first() != expected:
                if time.perf_counter() - start > 30:
                    raise RuntimeError(f"change {i} did not reach the finding within 30 s")
                time.sleep(0.002)
            measured.append((time.perf_counter() - start) * 1000)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    return measured


def main() -> None:
    database_url = _scratch_database()
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pqctrack.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from apps.core.dates import PartialDate
    from apps.gaps import engine
    from apps.gaps.models import Finding, GapRun, RunTrigger
    from apps.nations.models import Nation
    from apps.positions.services import position_declare
    from benchmarks.floors import bulk_create_floor, copy_floor

    try:
        call_command("migrate", verbosity=0)
        start = time.perf_counter()
        build(random.Random(2035))  # noqa: S311  (synthetic data, not cryptography)
        print(f"built synthetic data in {time.perf_counter() - start:.1f}s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        start = time.perf_counter()
        run = engine.recompute(trigger=RunTrigger.SWEEP)
        sweep_s = time.perf_counter() - start
        findings = Finding.objects.count()
        print(
            f"full sweep: {sweep_s:.2f}s, {run.nations_evaluated} nations, {run.pairs_evaluated} pairs, "
            f"{findings} findings written"
        )
        floor_s = bulk_create_floor(findings)
        print(f"I/O floor (read all inputs + bulk_create {findings} findings and events): {floor_s:.2f}s")
        copy_floor_s = copy_floor()
        print(
            f"COPY floor (read all inputs + COPY the same {findings} findings and events, committed): {copy_floor_s:.2f}s; "
            f"the sweep at {sweep_s / copy_floor_s:.2f}x"
        )
        start = time.perf_counter()
        engine.recompute(trigger=RunTrigger.SWEEP)
        print(f"second full sweep, nothing changed: {time.perf_counter() - start:.2f}s")

        # Incremental: one nation's position changes (a dated declaration through the service), then its
        # recompute request is drained, ten times; the median is reported, the first (cold) one shown too.
        nation = Nation.objects.order_by("code")[10]
        today = PartialDate(timezone.localdate())
        timings: list[float] = []
        runs: list[GapRun] = []
        for i in range(10):
            stance = "deploying" if i % 2 == 0 else "research"
            position_declare(
                nation=nation, actor=None, source=None, pqc_stance="adopt_mandated", qkd_stance=stance, declared=today
            )
            start = time.perf_counter()
            drained = engine.drain_requests()
            assert drained is not None
            runs.append(drained)
            timings.append((time.perf_counter() - start) * 1000)
        incremental_ms = statistics.median(timings)
        first = runs[0]
        print(
            f"incremental recompute of {nation.code} (median of {len(timings)} changes): {incremental_ms:.0f} ms; "
            f"first {timings[0]:.0f} ms, max {max(timings):.0f} ms; each run evaluates {first.pairs_evaluated} pairs "
            f"and opens or resolves about {max(r.findings_opened + r.findings_resolved for r in runs)} findings"
        )

        measured = latencies(database_url)
        p50 = statistics.median(measured)
        p95 = statistics.quantiles(measured, n=20)[-1]
        print(
            f"change-to-finding latency through a worker over {len(measured)} changes: p50 {p50:.0f} ms, p95 {p95:.0f} ms"
        )
        from benchmarks.dated import dated_evaluations, shipped_figures, shipped_preview

        eval32_ms = dated_evaluations("EVAL32", date(2031, 1, 1))
        print(f"on-demand evaluation of a 32-member coalition on 2031-01-01 (median of 5): {eval32_ms:.0f} ms")
        eval_shipped_ms, outlook_ms, members = shipped_figures()
        print(
            f"shipped data: NATO ({members} member states) evaluated on 2031-01-01 in {eval_shipped_ms:.0f} ms, "
            f"its outlook over 11 yearly dates in {outlook_ms:.0f} ms (medians of 5)"
        )
        preview_ms, previewed = shipped_preview()
        print(f"shipped data: preview of a draft position for {previewed} in {preview_ms:.0f} ms (median of 5)")
        print(
            f"sweep_s={sweep_s:.2f} floor_s={floor_s:.2f} ratio={sweep_s / floor_s:.2f} "
            f"incremental_ms={incremental_ms:.0f} latency_p50_ms={p50:.0f} latency_p95_ms={p95:.0f} "
            f"eval32_ms={eval32_ms:.0f} eval_shipped_ms={eval_shipped_ms:.0f} outlook11_shipped_ms={outlook_ms:.0f} "
            f"copy_floor_s={copy_floor_s:.2f} copy_ratio={sweep_s / copy_floor_s:.2f} preview_ms={preview_ms:.0f}"
        )
    finally:
        connection.close()
        _drop_database()


if __name__ == "__main__":
    main()
