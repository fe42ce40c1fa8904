"""The audit trail: written by triggers (bulk writes included), append-only for the application's role."""

from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.utils import DatabaseError
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.core.copy import copy_rows
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


def test_rows_copied_in_bulk_are_recorded_too(events, nation_a: Nation) -> None:
    now = timezone.now()
    copy_rows(
        Nation,
        ["code", "name", "kind", "created_at", "updated_at"],
        [("XC", "X-C", "state", now, now), ("XD", "X-D", "state", now, now)],
    )

    assert [(e.operation, e.new_data["code"]) for e in events("nations_nation")][-2:] == [
        ("INSERT", "XC"),
        ("INSERT", "XD"),
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


def test_no_password_hash_or_token_digest_enters_the_trail(events, officer_a: User) -> None:
    """The trail says that a password or a token changed, never the secret's hash (it is kept forever)."""
    from datetime import timedelta

    from django.utils import timezone

    from apps.accounts.services import token_issue

    officer_a.set_password("a long enough passphrase")
    officer_a.save()
    token, _ = token_issue(
        user=officer_a,
        name="feed",
        scopes=["read"],
        write_nations=[],
        actor=None,
        expires_at=timezone.now() + timedelta(days=1),
    )
    changed = events("accounts_user")[-1]
    assert changed.operation == "UPDATE" and "password" in changed.changed_fields
    (issued,) = events("accounts_apitoken")
    for event in (changed, issued):
        for data in (event.old_data or {}, event.new_data or {}):
            assert not {"password", "digest"} & set(data), data
    assert officer_a.password not in str(changed.old_data) + str(changed.new_data)
    assert token.digest not in str(issued.new_data)


def test_the_redaction_removes_secrets_recorded_earlier_and_the_trail_stays_append_only() -> None:
    """What migration audit 0004 ran once: events written before the capture function dropped secrets."""
    from apps.audit.sql import REDACT_SECRETS

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_event (table_name, operation, row_id, old_data, new_data) VALUES "
            "('accounts_user', 'UPDATE', '1', %s, %s) RETURNING id",
            ['{"password": "old-hash", "role": "planner"}', '{"password": "new-hash", "role": "planner"}'],
        )
        (event_id,) = cursor.fetchone()
        cursor.execute(REDACT_SECRETS)
    event = AuditEvent.objects.get(pk=event_id)
    assert event.old_data == event.new_data == {"role": "planner"}
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event_id).update(reason="tampered")


def test_an_administrators_changes_to_a_user_in_the_admin_name_the_actor(
    administrator: User, officer_a: User, nation_b: Nation
) -> None:
    """Role, nation, the nations a user writes for, and the password: each change names who made it."""
    from django.test import Client

    client = Client()
    client.force_login(administrator)
    mark = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    url = f"/admin/accounts/user/{officer_a.pk}/change/"
    joined = timezone_parts(officer_a.date_joined)
    response = client.post(
        url,
        {
            "username": officer_a.username,
            "is_active": "on",
            "date_joined_0": joined[0],
            "date_joined_1": joined[1],
            "role": "planner",
            "nation": nation_b.pk,
            "liaison_for": [nation_b.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    password = client.post(
        f"/admin/accounts/user/{officer_a.pk}/password/",
        {"password1": "another long passphrase", "password2": "another long passphrase", "usable_password": "true"},
    )
    assert password.status_code == 302
    changes = list(
        AuditEvent.objects.filter(id__gt=mark, table_name__in=["accounts_user", "accounts_user_liaison_for"])
    )
    assert {e.table_name for e in changes} == {"accounts_user", "accounts_user_liaison_for"}
    assert {e.actor_id for e in changes} == {administrator.pk}
    changed = {field for e in changes for field in e.changed_fields or []}
    assert {"role", "nation_id", "password"} <= changed


def timezone_parts(moment) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    local = timezone.localtime(moment)
    return local.date().isoformat(), local.time().replace(microsecond=0).isoformat()


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        # The test database's own connection: postgres, a superuser who also owns every table.
        ("", {"pqctrack.audit.W001", "pqctrack.audit.W002"}),
        ("CREATE ROLE pqctrack_t_app NOSUPERUSER; SET LOCAL ROLE pqctrack_t_app", set()),
        (
            "CREATE ROLE pqctrack_t_owner NOSUPERUSER; ALTER TABLE audit_event OWNER TO pqctrack_t_owner; "
            "SET LOCAL ROLE pqctrack_t_owner",
            {"pqctrack.audit.W002"},
        ),
    ],
)
def test_the_deploy_check_warns_about_a_role_that_can_rewrite_the_trail(setup: str, expected: set[str]) -> None:
    """Roles are created inside the test's transaction, so they vanish with it."""
    from apps.audit.checks import role_warnings

    with connection.cursor() as cursor:
        if setup:
            cursor.execute(setup)
        assert {w.id for w in role_warnings(cursor)} == expected
        cursor.execute("RESET ROLE")


def test_the_deploy_check_runs_with_the_database_option() -> None:
    from django.core import checks

    found = checks.run_checks(include_deployment_checks=True, databases=["default"], tags=[checks.Tags.database])
    assert "pqctrack.audit.W001" in {w.id for w in found}
