import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import ModelLogEntry

from rongmei.audit.models import AuditRecord
from rongmei.audit.verify import verify
from rongmei.testing import make_user
from rongmei.tips.models import ContactRead, Tip

from .helpers import act, tamper, unguarded


@pytest.fixture
def chain_of_five(clerk):
    start = AuditRecord.objects.count()
    for n in range(5):
        act(clerk, step=n)
    return {n: start + 1 + n for n in range(5)}  # step -> seq


def problems(report):
    return [(p.kind, p.seq) for p in report.problems]


def test_an_intact_chain_verifies(chain_of_five):
    report = verify()
    assert report.ok
    assert report.records == AuditRecord.objects.count()
    assert report.head_hash == AuditRecord.objects.order_by("-seq").first().hash


def test_an_edited_record_is_named(chain_of_five):
    seq = chain_of_five[2]
    tamper(seq, actor_name="别人")
    report = verify()
    assert problems(report) == [("edited", seq)]
    problem = report.problems[0]
    assert '"step":2' in AuditRecord.objects.get(seq=problem.seq).data
    assert f"entry #{seq} (" in problem.message and "wagtail.edit" in problem.message


def test_a_deleted_record_is_named(chain_of_five):
    seq = chain_of_five[2]
    source_pk = AuditRecord.objects.get(seq=seq).source_pk
    with unguarded():
        AuditRecord.objects.filter(seq=seq).delete()
    report = verify()
    kinds = problems(report)
    assert ("deleted", seq + 1) in kinds
    assert f"#{seq} " in report.problems[0].message
    # its source row is still there, now outside the chain
    unchained = [p for p in report.problems if p.kind == "unchained"]
    assert len(unchained) == 1 and unchained[0].source == f"wagtailcore_modellogentry#{source_pk}"


def test_deleting_the_newest_record_leaves_its_source_unchained(chain_of_five):
    source_pk = AuditRecord.objects.get(seq=chain_of_five[4]).source_pk
    with unguarded():
        AuditRecord.objects.filter(seq=chain_of_five[4]).delete()
    report = verify()
    assert [(p.kind, p.source) for p in report.problems] == [
        ("unchained", f"wagtailcore_modellogentry#{source_pk}")
    ]


def test_reordered_records_are_named(chain_of_five):
    first, second = chain_of_five[1], chain_of_five[2]
    with unguarded():
        AuditRecord.objects.filter(seq=first).update(seq=10_000)
        AuditRecord.objects.filter(seq=second).update(seq=first)
        AuditRecord.objects.filter(seq=10_000).update(seq=second)
    report = verify()
    kinds = problems(report)
    assert ("reordered", first) in kinds and ("reordered", second) in kinds
    assert all(kind == "reordered" for kind, _seq in kinds)
    moved = next(p for p in report.problems if p.seq == first)
    assert '"step":2' in AuditRecord.objects.get(seq=first).data
    assert f"written after entry #{second}, now it follows entry #{first - 1}" in moved.message


def test_an_inserted_record_is_named(chain_of_five):
    from rongmei.audit import chain

    at = chain_of_five[2]
    with unguarded():
        for seq in sorted(
            AuditRecord.objects.filter(seq__gte=at).values_list("seq", flat=True), reverse=True
        ):
            AuditRecord.objects.filter(seq=seq).update(seq=seq + 1)
        before = AuditRecord.objects.get(seq=at - 1)
        forged = AuditRecord(
            seq=at,
            at=before.at,
            action="rongmei.test.forged",
            source_table="nowhere",
            source_pk=1,
            source_digest="0" * 64,
            prev_hash=before.hash,
        )
        forged.hash = chain.compute_hash(before.hash, forged.payload())
        forged.save(force_insert=True)
    report = verify()
    assert problems(report) == [("inserted", at)]
    assert "rongmei.test.forged" in report.problems[0].message


def test_a_rewritten_record_with_a_recomputed_hash_is_named(chain_of_five):
    from rongmei.audit import chain

    record = AuditRecord.objects.get(seq=chain_of_five[2])
    record.actor_name = "别人"
    tamper(record.seq, actor_name="别人", hash=chain.compute_hash(record.prev_hash, record.payload()))
    report = verify()
    assert problems(report) == [("rewritten", chain_of_five[2])]


def test_an_edited_source_entry_is_named(chain_of_five):
    record = AuditRecord.objects.get(seq=chain_of_five[3])
    ModelLogEntry.objects.filter(pk=record.source_pk).update(data={"n": 99})
    report = verify()
    assert problems(report) == [("source_edited", record.seq)]
    assert f"log entry #{record.source_pk} that entry #{record.seq} (" in report.problems[0].message


def test_a_deleted_source_entry_is_named(chain_of_five):
    record = AuditRecord.objects.get(seq=chain_of_five[1])
    ModelLogEntry.objects.filter(pk=record.source_pk).delete()
    report = verify()
    assert problems(report) == [("source_deleted", record.seq)]


def test_a_contact_read_written_around_the_chain_or_edited_is_named(clerk):
    tip = Tip.objects.create(reference="XS-1", text="井盖", contact_name="张先生", contact_phone="138")
    read = ContactRead.objects.create(tip=tip, user=clerk)
    record = AuditRecord.objects.get(source_table="tips_contactread", source_pk=read.pk)
    ContactRead.objects.filter(pk=read.pk).update(user=make_user("scapegoat"))
    ContactRead.objects.bulk_create([ContactRead(tip=tip, user=clerk)])  # no signal: around the chain
    report = verify()
    assert [p.seq for p in report.problems if p.kind == "source_edited"] == [record.seq]
    unchained = [p for p in report.problems if p.kind == "unchained"]
    assert [p.action for p in unchained] == ["rongmei.tips.contact_read"]
    assert "XS-1" in unchained[0].message


def test_a_deleted_reader_account_is_not_tampering(clerk):
    tip = Tip.objects.create(reference="XS-2", text="井盖", contact_name="张先生", contact_phone="138")
    reader = make_user("reader")
    ContactRead.objects.create(tip=tip, user=reader)
    reader.delete()
    assert verify().ok


def test_the_command_exits_non_zero_and_names_the_entry(chain_of_five, capsys):
    call_command("audit", "verify")
    assert "intact" in capsys.readouterr().out

    seq = chain_of_five[0]
    tamper(seq, action="wagtail.delete")
    with pytest.raises(CommandError) as raised:
        call_command("audit", "verify")
    assert raised.value.returncode == 1
    assert f"entry #{seq}" in capsys.readouterr().err

    with pytest.raises(CommandError):
        call_command("audit", "verify", "--json")
    answer = json.loads(capsys.readouterr().out)
    assert answer["ok"] is False
    assert answer["problems"][0]["kind"] == "edited" and answer["problems"][0]["seq"] == seq
