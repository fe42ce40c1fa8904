from django.db import migrations

from apps.audit.sql import CREATE_TABLE, attach, detach

AUDITED_TABLES = [
    "nations_nation",
    "nations_coalition",
    "nations_membership",
    "sources_source",
    "algorithms_algorithm",
    "algorithms_parameterset",
    "standards_standardsbody",
    "standards_protocol",
    "standards_workitem",
    "standards_workitem_algorithms",
    "standards_workitemstatus",
    "positions_position",
    "positions_approval",
    "positions_milestone",
    "gaps_finding",
    "accounts_user",
    "accounts_user_liaison_for",
]


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("accounts", "0001_initial"),
        ("nations", "0001_initial"),
        ("sources", "0001_initial"),
        ("algorithms", "0001_initial"),
        ("standards", "0001_initial"),
        ("positions", "0001_initial"),
        ("gaps", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            CREATE_TABLE,
            "DROP TABLE audit_event; DROP FUNCTION audit_capture(); DROP FUNCTION audit_refuse_change();",
        ),
        *[migrations.RunSQL(attach(table), detach(table)) for table in AUDITED_TABLES],
    ]
