"""The database refuses UPDATE and DELETE of the chain (triggers made by migration 0002).

Emptying the whole database (``flush``: the test runner between transactional tests) removes the
sources too, so it may remove the chain: on SQLite, whose flush is a DELETE per table, the
triggers step aside for that one statement list and come back in the same transaction.
PostgreSQL's flush is a TRUNCATE, which row triggers don't see.
"""

TABLE = "audit_auditrecord"
MESSAGE = "audit_auditrecord is append-only: audit records can be neither changed nor deleted"

SQLITE_TRIGGERS = {
    f"{TABLE}_no_{verb.lower()}": (
        f"CREATE TRIGGER {TABLE}_no_{verb.lower()} BEFORE {verb} ON {TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )
    for verb in ("UPDATE", "DELETE")
}


def guard_sqlite_flush(sender, connection, **kwargs):
    """connection_created: let a full flush through the SQLite triggers (see the module's note)."""
    if connection.vendor != "sqlite" or getattr(connection.ops, "_audit_flush_wrapped", False):
        return
    original = connection.ops.execute_sql_flush

    def execute_sql_flush(sql_list):
        if not any(TABLE in statement for statement in sql_list):
            return original(sql_list)
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
            present = [name for (name,) in cursor.fetchall() if name in SQLITE_TRIGGERS]
        before = [f"DROP TRIGGER {name}" for name in present]
        after = [SQLITE_TRIGGERS[name] for name in present]
        return original([*before, *sql_list, *after])

    connection.ops.execute_sql_flush = execute_sql_flush
    connection.ops._audit_flush_wrapped = True
