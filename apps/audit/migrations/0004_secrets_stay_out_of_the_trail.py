from django.db import migrations

from apps.audit.sql import CAPTURE_FUNCTION, attach, detach

#: Columns whose values never enter the append-only trail (a change to one is still recorded by name).
SECRET_COLUMNS = {"accounts_user": ("password",), "accounts_apitoken": ("digest",)}


class Migration(migrations.Migration):
    """Password hashes and token digests were copied into the trail with every user and token row; the
    capture function now leaves out the columns its trigger names. (Rows recorded before stay as they are:
    the trail refuses every update.)"""

    dependencies = [
        ("audit", "0003_findings_keep_their_own_history"),
        ("accounts", "0003_api_token_audit"),
    ]

    operations = [
        # The new function behaves as the old one for a trigger that names no column, so going back keeps it.
        migrations.RunSQL(CAPTURE_FUNCTION, migrations.RunSQL.noop),
        *[
            migrations.RunSQL(detach(table) + attach(table, secret_columns=columns), detach(table) + attach(table))
            for table, columns in SECRET_COLUMNS.items()
        ],
    ]
