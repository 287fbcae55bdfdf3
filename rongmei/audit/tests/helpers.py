"""What the audit tests share: log entries to chain, and a way round the append-only triggers
(the tampering the verifier must find bypasses them; the database owner can)."""

from contextlib import contextmanager

from django.db import connection
from wagtail.log_actions import log

from rongmei.audit import guard
from rongmei.audit.models import AuditRecord


def act(user, action="wagtail.edit", **data):
    """One logged act about ``user`` (any model will do: ModelLogEntry records all)."""
    return log(instance=user, action=action, user=user, data=data)


@contextmanager
def unguarded():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in guard.SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
        else:
            cursor.execute(f"ALTER TABLE {guard.TABLE} DISABLE TRIGGER USER")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                for statement in guard.SQLITE_TRIGGERS.values():
                    cursor.execute(statement)
            else:
                cursor.execute(f"ALTER TABLE {guard.TABLE} ENABLE TRIGGER USER")


def tamper(seq, **fields):
    """Change a record behind the triggers' back."""
    with unguarded():
        AuditRecord.objects.filter(seq=seq).update(**fields)
