from django.db import migrations

from apps.audit.sql import attach, detach


class Migration(migrations.Migration):
    """Findings are computed, not declared, and every transition already lands in ``FindingEvent`` with
    who, when and why; auditing their rows twice doubled the cost of every gap run."""

    dependencies = [("audit", "0002_audit_triggers")]

    operations = [migrations.RunSQL(detach("gaps_finding"), attach("gaps_finding"))]
