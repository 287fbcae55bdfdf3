import threading

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from wagtail.models import ModelLogEntry

from rongmei.audit import chain
from rongmei.audit.models import AuditRecord
from rongmei.audit.verify import verify
from rongmei.organisation import roles
from rongmei.testing import make_user
from rongmei.tips import services as tips
from rongmei.tips.models import ContactRead, Tip

from .helpers import act


@pytest.fixture
def desk(db):
    roles.ensure_roles()
    return make_user("tipsdesk", roles.TIPSDESK, display_name="钱线索")


def test_a_service_act_appends_a_linked_record(desk):
    tip = tips.receive_tip(
        text="井盖丢失", location="张店区", contact_name="张先生", contact_phone="13800001234"
    )
    before = AuditRecord.objects.count()

    tips.triage(tip, acting_user=desk, state=Tip.State.FOLLOW_UP)

    record = AuditRecord.objects.order_by("-seq").first()
    entry = ModelLogEntry.objects.order_by("-pk").first()
    assert AuditRecord.objects.count() == before + 1
    assert (record.action, record.actor_id, record.actor_name) == (entry.action, desk.pk, "钱线索")
    assert (record.object_type, record.object_id) == ("tips.tip", str(tip.pk))
    assert (record.source_table, record.source_pk) == ("wagtailcore_modellogentry", entry.pk)
    previous = AuditRecord.objects.get(seq=record.seq - 1)
    assert record.prev_hash == previous.hash
    assert record.hash == chain.compute_hash(previous.hash, record.payload())


def test_a_contact_read_is_chained_too(desk):
    tip = tips.receive_tip(
        text="井盖丢失", location="张店区", contact_name="张先生", contact_phone="13800001234"
    )

    tips.reveal_contact(tip, acting_user=desk)

    read = ContactRead.objects.get()
    record = AuditRecord.objects.get(source_table="tips_contactread", source_pk=read.pk)
    assert (record.action, record.actor_name, record.object_label) == (
        "rongmei.tips.contact_read",
        "钱线索",
        tip.reference,
    )
    assert verify().ok


def test_a_rollback_drops_the_record_with_its_act(clerk):
    act(clerk)
    count = AuditRecord.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        act(clerk, undone=True)
        assert AuditRecord.objects.count() == count + 1
        raise RuntimeError("the act fails after logging")
    assert AuditRecord.objects.count() == count
    assert not AuditRecord.objects.filter(data__contains="undone").exists()
    assert verify().ok


def test_capture_paused_leaves_rows_to_seal(clerk):
    with chain.paused():
        act(clerk, backdated=True)
    assert not AuditRecord.objects.filter(data__contains="backdated").exists()
    assert [p.kind for p in verify().problems] == ["unchained"]

    assert chain.seal() == 1
    assert chain.seal() == 0  # idempotent
    assert verify().ok


def test_seal_chains_old_entries_oldest_first(clerk):
    with chain.paused():
        late = act(clerk, "wagtail.edit")
        early = act(clerk, "wagtail.create")
        ModelLogEntry.objects.filter(pk=early.pk).update(timestamp=late.timestamp.replace(year=2020))
    chain.seal()
    actions = list(AuditRecord.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["wagtail.create", "wagtail.edit"]
    assert verify().ok


@pytest.mark.parametrize("statement", ["UPDATE {t} SET action = 'forged'", "DELETE FROM {t}"])
def test_the_database_refuses_to_change_the_chain(clerk, statement):
    act(clerk)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement.format(t=AuditRecord._meta.db_table))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditRecord.objects.all().delete()
    assert AuditRecord.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL's flush is a TRUNCATE, unseen by row triggers"
)
@pytest.mark.django_db(transaction=True)
def test_emptying_the_whole_database_still_works():
    """The test runner's flush between transactional tests (a DELETE per table on SQLite)."""
    act(make_user("clerk2"))
    assert AuditRecord.objects.exists()
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditRecord.objects.exists()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        act(make_user("clerk3"))
        AuditRecord.objects.all().delete()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serializes writers by itself (IMMEDIATE)"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_do_not_fork_the_chain():
    users = [make_user(f"writer{n}") for n in range(2)]
    start = threading.Barrier(2)
    errors = []

    def write(user):
        try:
            start.wait()
            for n in range(15):
                with transaction.atomic():
                    act(user, n=n)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    seqs = list(AuditRecord.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert AuditRecord.objects.filter(data__contains='"n":').count() == 30
    assert verify().ok


def test_a_monitoring_case_entry_is_chained(clerk):
    from django.utils import timezone

    from rongmei.monitoring.cases.models import Case, CaseEntry
    from rongmei.monitoring.clients.models import Client

    now = timezone.now()
    case = Case.objects.create(client=Client.objects.create(name="市政府"), title="井盖舆情", created_at=now)
    entry = CaseEntry.objects.create(case=case, at=now, actor=clerk, kind=CaseEntry.Kind.NOTE, text="已核实")

    record = AuditRecord.objects.get(source_table=CaseEntry._meta.db_table, source_pk=entry.pk)
    assert (record.action, record.actor_name, record.object_label) == (
        "rongmei.monitoring.case.note",
        "郑书记",
        "井盖舆情",
    )
    assert verify().ok
    CaseEntry.objects.filter(pk=entry.pk).update(text="未核实")
    assert [(p.kind, p.seq) for p in verify().problems] == [("source_edited", record.seq)]
