"""Time the server-side render of the NATO coalition matrix on the shipped data.

Run after ``manage.py migrate``, ``load_reference`` and ``recompute_gaps``::

    python -m benchmarks.ui [--runs 50] [--coalition NATO]

Renders through the Django test client (URL routing, session, view, query, template) as a planner, and
prints the median and 95th percentile in milliseconds, and the queries per render."""

from __future__ import annotations

import argparse
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--coalition", default="NATO")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pqctrack.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from apps.accounts.models import Role, User
    from apps.gaps.models import Finding
    from apps.nations.models import Coalition, Nation
    from apps.reports.queries import coalition_matrix

    nation = Nation.objects.filter(code="US").first()
    user, _ = User.objects.get_or_create(
        username="benchmark_planner", defaults={"role": Role.PLANNER, "nation": nation}
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    url = f"/matrix/?coalition={args.coalition}"
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    matrix = coalition_matrix(user=user, coalition=Coalition.objects.get(code=args.coalition))
    cells = sum(1 for cell in matrix.cells.values() if cell.severity)

    timings = []
    for _ in range(args.runs):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]
    print(
        f"{args.coalition} matrix: {len(matrix.nations)} nations, {cells} non-empty cells, "
        f"{Finding.objects.count()} findings stored; {args.runs} renders: "
        f"median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, {len(queries)} queries per render"
    )


if __name__ == "__main__":
    main()
