"""An incremental recompute after one nation changes reads only what the change can affect (that nation and
its allies) and takes a fixed number of queries, however many allies it has."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.gaps import engine
from apps.gaps.models import Finding
from apps.gaps.snapshot import load_snapshot
from apps.nations.models import Nation
from apps.nations.services import coalition_upsert, membership_set, nation_upsert
from apps.positions.services import position_declare

pytestmark = pytest.mark.django_db


def _allies(size: int, coalition: str = "NATO", first: int = 0) -> list[Nation]:
    ally = coalition_upsert(code=coalition, name=coalition, kind="defence", is_defence=True, actor=None)
    nations = []
    for i in range(first, first + size):
        nation = nation_upsert(code=f"Q{chr(65 + i)}", name=f"Nation {i}", actor=None)
        membership_set(coalition=ally, nation=nation, actor=None)
        qkd = "deploying" if i % 2 else "rejects"
        position_declare(nation=nation, actor=None, source=None, pqc_stance="adopt_mandated", qkd_stance=qkd)
        nations.append(nation)
    return nations


def _change(nation: Nation, qkd: str) -> list[str]:
    position_declare(nation=nation, actor=None, source=None, pqc_stance="adopt_mandated", qkd_stance=qkd)
    with CaptureQueriesContext(connection) as captured:
        run = engine.drain_requests()
    assert run is not None and run.nation_ids == [nation.pk]
    return [q["sql"] for q in captured.captured_queries]


def test_the_snapshot_of_a_change_holds_the_nation_and_its_allies_only() -> None:
    nato = _allies(3)
    outsiders = _allies(2, coalition="OTHER", first=10)

    snapshot = load_snapshot(timezone.localdate(), [nato[0].pk])

    assert set(snapshot.nations) == {n.pk for n in nato}
    assert set(snapshot.positions) == {n.pk for n in nato}
    assert not {n.pk for n in outsiders} & set(snapshot.memberships)


def test_when_the_allies_are_everyone_the_snapshot_of_a_change_is_the_whole_snapshot() -> None:
    """A coalition of every nation makes the change's scope the world: the records are then read without a
    list of every id, and must be exactly those a full read gives (and still only the scope's otherwise)."""
    world = _allies(4, coalition="WORLD")
    today = timezone.localdate()

    assert load_snapshot(today, [world[0].pk]) == load_snapshot(today)
    outsider = _allies(1, coalition="OTHER", first=10)[0]
    narrowed = load_snapshot(today, [world[0].pk])
    assert outsider.pk not in narrowed.positions and outsider.pk not in narrowed.nations
    assert set(narrowed.positions) == {n.pk for n in world}


@pytest.mark.parametrize("allies", [3, 12])
def test_a_change_is_recomputed_in_the_same_queries_however_many_allies(allies: int) -> None:
    nations = _allies(allies)
    engine.drain_requests()  # the setup's own requests

    queries = _change(nations[0], "deploying")  # QA stops rejecting: gaps with deployers close, others open

    assert Finding.objects.filter(key__startswith="qkd_divergence:QA:", status="open").count() == (allies - 1) // 2
    assert Finding.objects.filter(key__startswith="qkd_divergence:QA:", status="resolved").count() == allies // 2
    # is there a request; the run row; abandoned runs; savepoint; lock; the requests; 13 snapshot reads;
    # lapsed waivers; the findings in scope; those that change, locked; new ids; COPY of the new findings;
    # one UPDATE per set of differing fields (the resolved; those citing QA's new position); COPY of the
    # events; the requests deleted; the run saved; release
    assert len(queries) == 30, "\n".join(q[:90] for q in queries)
