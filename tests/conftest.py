"""Shared personas and places. Each test module builds the rest of its scenario itself.

The personas follow the house style: an officer of nation A, an officer of nation B, a planner, a
standards analyst, an administrator. Nations A and B are both in coalition ALLY; nation C is outside it,
so ALLY-restricted records must stay invisible to C's people."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db.models import QuerySet

from apps.accounts.models import Role, User
from apps.api.throttling import shared_cache
from apps.audit.models import AuditEvent
from apps.nations.models import Coalition, Nation
from pqctrack.celery import broker
from tests.factories import CoalitionFactory, MembershipFactory, NationFactory, UserFactory


@pytest.fixture(autouse=True)
def _services_presumed_up() -> None:
    """The breakers remember an outage for a few seconds per process; one test's outage is not the next's."""
    broker.reset()
    shared_cache.reset()


@pytest.fixture
def nation_a(db: None) -> Nation:
    return NationFactory(code="AA", name="Avalon")


@pytest.fixture
def nation_b(db: None) -> Nation:
    return NationFactory(code="BB", name="Borduria")


@pytest.fixture
def nation_c(db: None) -> Nation:
    return NationFactory(code="CC", name="Carpania")


@pytest.fixture
def ally(nation_a: Nation, nation_b: Nation) -> Coalition:
    """A defence coalition of A and B (C is not a member)."""
    coalition = CoalitionFactory(code="ALLY", name="The Alliance", is_defence=True)
    MembershipFactory(coalition=coalition, nation=nation_a)
    MembershipFactory(coalition=coalition, nation=nation_b)
    return coalition


@pytest.fixture
def officer_a(nation_a: Nation, ally: Coalition) -> User:
    return UserFactory(username="officer_a", role=Role.LIAISON_OFFICER, nation=nation_a, liaison_for=[nation_a])


@pytest.fixture
def officer_b(nation_b: Nation, ally: Coalition) -> User:
    return UserFactory(username="officer_b", role=Role.LIAISON_OFFICER, nation=nation_b, liaison_for=[nation_b])


@pytest.fixture
def officer_c(nation_c: Nation) -> User:
    """An officer of a nation outside ALLY: cleared for public records only."""
    return UserFactory(username="officer_c", role=Role.LIAISON_OFFICER, nation=nation_c, liaison_for=[nation_c])


@pytest.fixture
def planner(nation_a: Nation, ally: Coalition) -> User:
    return UserFactory(username="planner", role=Role.PLANNER, nation=nation_a)


@pytest.fixture
def outside_planner(nation_c: Nation) -> User:
    return UserFactory(username="outside_planner", role=Role.PLANNER, nation=nation_c)


@pytest.fixture
def analyst(nation_a: Nation) -> User:
    return UserFactory(username="analyst", role=Role.STANDARDS_ANALYST, nation=nation_a)


@pytest.fixture
def administrator(db: None) -> User:
    return UserFactory(username="admin", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


@pytest.fixture
def new_audit_events(db: None) -> Callable[..., QuerySet[AuditEvent]]:
    """Audit events written since the test began. The trail is append-only and outlives test transactions
    (tests that commit, such as the worker tests, leave their events behind), so look only at new ones."""
    mark = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return lambda **filters: AuditEvent.objects.filter(id__gt=mark, **filters)
