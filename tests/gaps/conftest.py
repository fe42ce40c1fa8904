"""Fixtures for the gap tests: the shipped reference data, personas, and a broker that is down."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from apps.gaps import engine
from apps.gaps.models import Finding, RunTrigger
from apps.gaps.progress import close_side_connection
from apps.importer.loader import load_reference
from apps.nations.models import Nation
from pqctrack.celery import app as celery_app
from tests.gaps.factories import LiaisonFactory, PlannerFactory
from tests.gaps.valkey import celery_broker


@pytest.fixture(scope="session", autouse=True)
def _close_progress_connection(django_db_setup: None) -> Iterator[None]:
    """The engine keeps a second connection for run progress; close it before the test database is
    dropped (depending on ``django_db_setup`` makes this teardown run first)."""
    yield
    close_side_connection()


@pytest.fixture
def reference(db: None) -> None:
    """The shipped reference data, loaded through the same services as production."""
    load_reference()


@pytest.fixture
def swept(reference: None) -> dict[str, Finding]:
    """Reference data with one full sweep done; findings by key."""
    engine.recompute(trigger=RunTrigger.SWEEP)
    return {f.key: f for f in Finding.objects.all()}


@pytest.fixture
def nation(db: None):  # type: ignore[no-untyped-def]
    return lambda code: Nation.objects.get(code=code)


@pytest.fixture
def planner(db: None):  # type: ignore[no-untyped-def]
    return PlannerFactory(username="planner")


@pytest.fixture
def liaison(db: None):  # type: ignore[no-untyped-def]
    return LiaisonFactory(username="liaison")


@pytest.fixture
def broker_down() -> Iterator[None]:
    """Point Celery at a closed port for the test, then back at the real broker."""
    with celery_broker("redis://127.0.0.1:1/0"):
        yield


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def redeclare(db: None):  # type: ignore[no-untyped-def]
    """Declare a new position for ``code`` (scope all) that differs from the current one only by ``changes``."""
    from apps.positions.models import Position
    from apps.positions.services import position_declare

    def declare(code: str, *, actor=None, **changes):  # type: ignore[no-untyped-def]
        current = Position.objects.current().select_related("nation", "source").get(nation__code=code, scope="all")
        fields = {
            "pqc_stance": current.pqc_stance,
            "qkd_stance": current.qkd_stance,
            "hybrid_policy": current.hybrid_policy,
            "releasability": current.releasability,
            "declared": current.declared,
            "algorithms_named": current.algorithms_named,
            "note": current.note,
            "source": current.source,
        }
        fields.update(changes)
        return position_declare(nation=current.nation, actor=actor, **fields)

    return declare


@pytest.fixture
def small_world(db: None) -> dict[str, Nation]:
    """Three NATO allies written through the services: Italy deploys QKD, the US and the UK reject it."""
    from apps.nations.services import coalition_upsert, membership_set, nation_upsert
    from apps.positions.services import position_declare

    nato = coalition_upsert(code="NATO", name="NATO", kind="defence", is_defence=True, actor=None)
    fvey = coalition_upsert(code="FVEY", name="Five Eyes", kind="intelligence", is_defence=True, actor=None)
    nations = {}
    for code, qkd in (("IT", "deploying"), ("US", "rejects"), ("GB", "rejects")):
        nations[code] = nation_upsert(code=code, name=f"Nation {code}", actor=None)
        membership_set(coalition=nato, nation=nations[code], actor=None)
        if code != "IT":
            membership_set(coalition=fvey, nation=nations[code], actor=None)
        position_declare(nation=nations[code], actor=None, source=None, pqc_stance="adopt_mandated", qkd_stance=qkd)
    return nations
