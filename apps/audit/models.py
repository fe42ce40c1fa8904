"""The append-only audit trail, written only by database triggers."""

from django.contrib.postgres.fields import ArrayField
from django.db import models


class AuditEvent(models.Model):
    """One row change on an audited table, captured by a PostgreSQL trigger: who (``actor_id``), when, which
    transaction, from which source, and the row before and after.

    Unmanaged on purpose: the table, its triggers and its append-only guard are created by SQL in the
    migration, and Django's test flush (which truncates managed tables) must leave it alone."""

    occurred_at = models.DateTimeField()
    txid = models.BigIntegerField()
    db_user = models.TextField()
    table_name = models.TextField()
    operation = models.TextField()
    row_id = models.TextField(null=True)  # noqa: DJ001 - NULL for statement-level events (TRUNCATE)
    actor_id = models.BigIntegerField(null=True)
    source_id = models.BigIntegerField(null=True)
    reason = models.TextField()
    old_data = models.JSONField(null=True)
    new_data = models.JSONField(null=True)
    changed_fields = ArrayField(models.TextField(), null=True)

    class Meta:
        managed = False
        db_table = "audit_event"
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.operation} {self.table_name} #{self.row_id}"
