"""Database triggers that make the audit table append-only for every client, not only for
the ORM: a script or a psql session cannot change or remove a row either."""

TABLE = "core_auditentry"

SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_no_update", "DROP TRIGGER IF EXISTS audit_no_delete"]

POSTGRES_CREATE = [
    """CREATE OR REPLACE FUNCTION fupin_audit_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION fupin_audit_append_only()""",
    # TRUNCATE bypasses row triggers; a statement trigger covers it too.
    f"""CREATE OR REPLACE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION fupin_audit_append_only()""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS audit_append_only ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
    "DROP FUNCTION IF EXISTS fupin_audit_append_only()",
]


def statements(vendor: str, *, create: bool) -> list[str]:
    if vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    if vendor == "postgresql":
        return POSTGRES_CREATE if create else POSTGRES_DROP
    return []


def install(connection) -> None:
    with connection.cursor() as cursor:
        for sql in statements(connection.vendor, create=True):
            cursor.execute(sql)


def remove(connection) -> None:
    with connection.cursor() as cursor:
        for sql in statements(connection.vendor, create=False):
            cursor.execute(sql)
