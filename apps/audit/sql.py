"""The SQL behind the audit trail. Migrations use these strings; nothing else should."""

TABLE = """
CREATE TABLE audit_event (
    id bigserial PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    txid bigint NOT NULL DEFAULT txid_current(),
    db_user text NOT NULL DEFAULT current_user,
    table_name text NOT NULL,
    operation text NOT NULL,
    row_id text,
    actor_id bigint,
    source_id bigint,
    reason text NOT NULL DEFAULT '',
    old_data jsonb,
    new_data jsonb,
    changed_fields text[]
);
CREATE INDEX audit_event_row_idx ON audit_event (table_name, row_id);
CREATE INDEX audit_event_occurred_idx ON audit_event (occurred_at);
"""

#: Columns whose values never enter the trail, on any table: a password hash, a token's digest. An event
#: still names them among ``changed_fields``, so a password change is recorded, without its hash.
SECRET_COLUMNS = ("password", "digest")
_SECRETS = "ARRAY[" + ", ".join(f"'{column}'" for column in SECRET_COLUMNS) + "]"

CAPTURE_FUNCTION = """
-- Row changes on audited tables, with who and from which source (transaction-local settings written by
-- apps.audit.context.attribute). A trigger sees bulk writes and raw SQL too, which signals would miss.
CREATE OR REPLACE FUNCTION audit_capture() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_j jsonb;
    new_j jsonb;
    changed text[];
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        INSERT INTO audit_event (table_name, operation, actor_id, reason)
        VALUES (TG_TABLE_NAME, TG_OP, NULLIF(current_setting('pqctrack.actor_id', true), '')::bigint,
                COALESCE(current_setting('pqctrack.reason', true), ''));
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN old_j := to_jsonb(OLD); END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN new_j := to_jsonb(NEW); END IF;
    IF TG_OP = 'UPDATE' THEN
        SELECT array_agg(n.key ORDER BY n.key) INTO changed
        FROM jsonb_each(new_j) AS n WHERE n.value IS DISTINCT FROM old_j -> n.key;
        IF changed IS NULL THEN RETURN NULL; END IF;
    END IF;
    old_j := old_j - SECRETS;
    new_j := new_j - SECRETS;
    INSERT INTO audit_event (table_name, operation, row_id, actor_id, source_id, reason, old_data, new_data,
                             changed_fields)
    VALUES (TG_TABLE_NAME, TG_OP, COALESCE(new_j ->> 'id', old_j ->> 'id'),
            NULLIF(current_setting('pqctrack.actor_id', true), '')::bigint,
            NULLIF(current_setting('pqctrack.source_id', true), '')::bigint,
            COALESCE(current_setting('pqctrack.reason', true), ''), old_j, new_j, changed);
    RETURN NULL;
END
$$;
""".replace("SECRETS", _SECRETS)

APPEND_ONLY = """
-- The trail itself is append-only, whoever asks: the triggers bind the table owner and superusers too.
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM PUBLIC;
"""


def attach(table: str) -> str:
    """SQL that starts auditing ``table`` (row changes and truncation)."""
    return f"""
CREATE TRIGGER {table}_audit AFTER INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION audit_capture();
CREATE TRIGGER {table}_audit_truncate AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_capture();
"""


def detach(table: str) -> str:
    return f"DROP TRIGGER IF EXISTS {table}_audit ON {table}; DROP TRIGGER IF EXISTS {table}_audit_truncate ON {table};"


#: The trail as the first migration creates it.
CREATE_TABLE = TABLE + CAPTURE_FUNCTION + APPEND_ONLY

#: Removes secrets already in the trail (written before ``CAPTURE_FUNCTION`` stripped them). The one change
#: ever made to past events: the append-only trigger is lifted for it, in the migration's transaction.
REDACT_SECRETS = """
ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only;
UPDATE audit_event SET old_data = old_data - SECRETS, new_data = new_data - SECRETS
    WHERE old_data ?| SECRETS OR new_data ?| SECRETS;
ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only;
""".replace("SECRETS", _SECRETS)
