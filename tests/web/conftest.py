"""UI test helpers: signed-in clients per persona, and findings written directly (the gap engine computes
them in production; these tests only need rows to show)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.gaps.models import Finding, Rule, Severity
from apps.nations.models import Coalition, Nation
from apps.positions.models import QkdStance
from pqctrack.celery import app as celery_app
from tests.factories import declare, set_milestone
from tests.web.browser import browser, page  # noqa: F401  (the journeys' fixtures)

_counter = {"n": 0}


def make_finding(
    nation_a: Nation,
    nation_b: Nation | None = None,
    *,
    severity: str = Severity.HIGH,
    rule: str = Rule.HYBRID_CONFLICT,
    required_clearances: list[int] | None = None,
    **overrides: Any,
) -> Finding:
    _counter["n"] += 1
    now = timezone.now()
    pair = f"{nation_a.code}-{nation_b.code}" if nation_b else nation_a.code
    values: dict[str, Any] = {
        "key": f"{rule}:{pair}:{_counter['n']}",
        "rule": rule,
        "nation_a": nation_a,
        "nation_b": nation_b,
        "severity": severity,
        "score": 50,
        "years_left": 9.1,
        "title": f"{Rule(rule).label} between {pair}",
        "explanation": f"{pair} disagree about hybrid use.",
        "evidence": [{"model": "positions.position", "id": 1, "label": f"{nation_a.code} position"}],
        "required_clearances": required_clearances or [],
        "fingerprint": "x",
        "first_seen_at": now,
        "last_seen_at": now,
    }
    values.update(overrides)
    return Finding.objects.create(**values)


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    def sign_in(user: User) -> Client:
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """The personas are created with a password; hashing it with the production hasher dominates the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def in_process_tasks() -> Iterator[None]:
    """Celery tasks run in the test's process (the worker path is the gap engine's to test)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def divergent(nation_a: Nation, nation_b: Nation, ally: Coalition) -> None:
    """A deploys QKD, B rejects it (releasable to ALLY only); A disallows classical algorithms at the end of
    2030. Nothing is computed or stored: today's pages show no gap."""
    declare(nation_a, qkd_stance=QkdStance.DEPLOYING)
    declare(nation_b, qkd_stance=QkdStance.REJECTS, releasability=ally)
    set_milestone(nation=nation_a, kind="disallow_classical", title="Classical disallowed", target="2030-12-31")
