from django.db import migrations

from apps.audit.sql import CAPTURE_FUNCTION, REDACT_SECRETS


class Migration(migrations.Migration):
    """No password hash or token digest in the trail: the capture function drops them from every event (the
    event still names them among the changed fields), and the ones already recorded are removed."""

    dependencies = [("audit", "0003_findings_keep_their_own_history"), ("accounts", "0003_api_token_audit")]

    operations = [
        migrations.RunSQL(CAPTURE_FUNCTION, migrations.RunSQL.noop),
        migrations.RunSQL(REDACT_SECRETS, migrations.RunSQL.noop),
    ]
