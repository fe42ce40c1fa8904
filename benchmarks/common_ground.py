"""Time the server-side render of the common-ground page for NATO x TLS on 11 yearly dates (2026-2036).

Run after ``manage.py migrate`` and ``load_reference``::

    python -m benchmarks.common_ground [--runs 5] [--coalition NATO] [--protocol TLS]

Renders through the Django test client as a planner (routing, session, view, snapshot, acceptance grid,
timeline, template) and prints, per round of 11 dates, the median and the slowest round in milliseconds,
and the queries per render."""

from __future__ import annotations

import argparse
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--coalition", default="NATO")
    parser.add_argument("--protocol", default="TLS")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pqctrack.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from apps.accounts.models import Role, User
    from apps.nations.models import Nation

    user, _ = User.objects.get_or_create(
        username="benchmark_planner",
        defaults={"role": Role.PLANNER, "nation": Nation.objects.filter(code="US").first()},
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    urls = [
        f"/common-ground/?coalition={args.coalition}&protocol={args.protocol}&as_of={year}-01-01&drafts=on"
        for year in range(2026, 2037)
    ]
    assert all(client.get(url).status_code == 200 for url in urls)
    rounds = []
    for _ in range(args.runs):
        start = time.perf_counter()
        for url in urls:
            client.get(url)
        rounds.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(urls[0])
    print(
        f"common ground {args.coalition} x {args.protocol} x {len(urls)} yearly dates: {args.runs} rounds, "
        f"median {statistics.median(rounds):.0f} ms per round ({statistics.median(rounds) / len(urls):.1f} ms per "
        f"page), slowest {max(rounds):.0f} ms; {len(queries)} queries per render"
    )


if __name__ == "__main__":
    main()
