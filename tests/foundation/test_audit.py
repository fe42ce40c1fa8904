"""The audit trail: written by triggers (bulk writes included), append-only for the application's role."""

from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.utils import DatabaseError

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.nations.models import Nation
from apps.positions.models import Position
from tests.factories import declare

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(new_audit_events: Callable[..., QuerySet[AuditEvent]]) -> Callable[[str], list[AuditEvent]]:
    return lambda table: list(new_audit_events(table_name=table).order_by("id"))


def test_a_service_write_is_recorded_with_actor_and_source(events, officer_a: User, nation_a: Nation) -> None:
    position = declare(nation_a, officer_a)
    (event,) = events("positions_position")
    assert (event.operation, event.row_id) == ("INSERT", str(position.pk))
    assert event.actor_id == officer_a.pk
    assert event.source_id == position.source_id
    assert event.new_data["hybrid_policy"] == "optional"


def test_bulk_writes_that_bypass_signals_are_recorded_too(events, nation_a: Nation) -> None:
    Nation.objects.bulk_create([Nation(code="XA", name="X-A"), Nation(code="XB", name="X-B")])
    Nation.objects.filter(code__in=["XA", "XB"]).update(name="Renamed")
    Nation.objects.filter(code="XB").delete()

    operations = [(e.operation, e.new_data and e.new_data["code"], e.changed_fields) for e in events("nations_nation")]
    assert operations[-5:] == [
        ("INSERT", "XA", None),
        ("INSERT", "XB", None),
        ("UPDATE", "XA", ["name"]),
        ("UPDATE", "XB", ["name"]),
        ("DELETE", None, None),
    ]


def test_raw_sql_is_recorded(events, nation_a: Nation) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE nations_nation SET name = 'Raw' WHERE id = %s", [nation_a.pk])
    last = events("nations_nation")[-1]
    assert (last.operation, last.old_data["name"], last.new_data["name"]) == ("UPDATE", "Avalon", "Raw")


def test_an_update_that_changes_nothing_leaves_no_event(events, nation_a: Nation) -> None:
    before = len(events("nations_nation"))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE nations_nation SET name = name WHERE id = %s", [nation_a.pk])
    assert len(events("nations_nation")) == before


def test_superseding_is_recorded_as_an_update_of_the_old_row(events, officer_a: User, nation_a: Nation) -> None:
    first = declare(nation_a, officer_a)
    declare(nation_a, officer_a, hybrid_policy="required")
    updates = [e for e in events("positions_position") if e.operation == "UPDATE" and e.row_id == str(first.pk)]
    assert {field for e in updates for field in e.changed_fields} == {"superseded_at", "superseded_by_id"}
    assert Position.objects.count() == 2


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET reason = 'tampered'",
        "DELETE FROM audit_event",
        "TRUNCATE audit_event",
    ],
)
def test_the_trail_refuses_update_delete_and_truncate(events, nation_a: Nation, statement: str) -> None:
    count = AuditEvent.objects.count()
    assert events("nations_nation")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.count() == count
    assert not AuditEvent.objects.filter(reason="tampered").exists()


def test_a_non_owner_application_role_cannot_alter_the_trail(events, nation_a: Nation) -> None:
    """Production runs the app as a role that does not own the tables: it may read and append, no more."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE ROLE pqctrack_app_probe NOLOGIN")
        cursor.execute("GRANT SELECT, INSERT ON audit_event TO pqctrack_app_probe")
        cursor.execute("SET LOCAL ROLE pqctrack_app_probe")
        for statement in ("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only", "DROP TABLE audit_event"):
            with pytest.raises(DatabaseError, match="must be owner"), transaction.atomic():
                cursor.execute(statement)
        transaction.set_rollback(True)
