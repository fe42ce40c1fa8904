from django.db import migrations

from apps.audit.sql import attach, detach

AUDITED_TABLES = ["accounts_apitoken", "accounts_apitoken_write_nations"]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_api_token"),
        ("audit", "0002_audit_triggers"),
    ]

    operations = [migrations.RunSQL(attach(table), detach(table)) for table in AUDITED_TABLES]
