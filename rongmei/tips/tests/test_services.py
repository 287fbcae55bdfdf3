"""The tips desk's rules: triage, assignment, story and reward, anonymisation."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from rongmei.testing import fresh, publish_outside_review
from rongmei.tips import services
from rongmei.tips.models import ContactRead, Reward, Tip, TipsSettings

from .factories import jpeg_with_gps, receive


def test_rule_amounts_by_type_and_headline_never_under_the_minimum(db):
    assert services.rule_amount(Tip.Kind.TEXT, False) == Decimal("50")
    assert services.rule_amount(Tip.Kind.PHOTO, False) == Decimal("80")
    assert services.rule_amount(Tip.Kind.VIDEO, True) == Decimal("500")
    TipsSettings.objects.create(
        reward_text=Decimal("10"), reward_minimum=Decimal("50"), reward_lead_text=Decimal("300")
    )
    assert services.rule_amount(Tip.Kind.TEXT, False) == Decimal("50")
    assert services.rule_amount(Tip.Kind.TEXT, True) == Decimal("300")


def test_triage_needs_the_desk_and_a_duplicate_names_its_original(desk):
    first, second = receive(), receive(text="同一个井盖，又有人摔了")
    with pytest.raises(PermissionDenied):
        services.triage(second, acting_user=desk.editor, state=Tip.State.NOT_NEWS)
    with pytest.raises(services.TipError):
        services.triage(second, acting_user=desk.desk, state=Tip.State.DUPLICATE, duplicate_of="XS000")
    services.triage(
        second, acting_user=desk.desk, state=Tip.State.DUPLICATE, duplicate_of=first.reference.lower()
    )
    second = fresh(second)
    assert second.state == Tip.State.DUPLICATE and second.duplicate_of == first
    event = second.events.get(action="triaged")
    assert event.state_before == "new" and event.state_after == "duplicate" and event.actor == desk.desk
    assert ModelLogEntry.objects.filter(action="rongmei.tips.triaged", object_id=str(second.pk)).exists()


def test_a_tip_is_assigned_to_a_reporter_who_reads_it_but_not_the_contact(desk):
    tip = receive()
    services.assign(tip, acting_user=desk.desk, person=desk.reporter)
    tip = fresh(tip)
    assert tip.assigned_to == desk.reporter and tip.state == Tip.State.FOLLOW_UP
    with pytest.raises(PermissionDenied):
        services.reveal_contact(tip, acting_user=desk.reporter)
    services.add_note(tip, acting_user=desk.reporter, note="已联系社区，明早到现场")
    assert tip.events.filter(action="note", actor=desk.reporter).exists()


def test_a_published_story_makes_the_reward_due_then_set_and_paid(desk, on_commit):
    tip = receive(files=[services.prepare_upload(jpeg_with_gps())])
    story = desk.add_story(title="幸福路井盖丢失 市民摔伤", is_headline=True)
    services.link_story(tip, acting_user=desk.desk, story=story)
    assert not Reward.objects.exists()  # not published yet
    with on_commit():
        publish_outside_review(story.get_latest_revision(), user=desk.chief)
    reward = Reward.objects.get(tip=tip)
    assert reward.state == Reward.State.DUE and reward.lead_story
    assert reward.rule_amount == Decimal("300")  # a photo tip, a headline story
    with pytest.raises(services.TipError):
        services.set_reward(tip, acting_user=desk.desk, lead_story=True, amount="100")  # less than the rule
    with pytest.raises(services.TipError):
        services.set_reward(
            tip, acting_user=desk.desk, lead_story=True, amount="500"
        )  # more without a reason
    services.set_reward(
        tip, acting_user=desk.desk, lead_story=True, amount="500", reason="独家现场图片，全网转载"
    )
    reward = fresh(reward)
    assert reward.amount == Decimal("500") and reward.state == Reward.State.SET
    services.record_payment(tip, acting_user=desk.desk, method=Reward.Method.WECHAT, note="微信转账")
    reward = fresh(reward)
    assert reward.state == Reward.State.PAID and reward.payee_name == "张先生" and reward.paid_by == desk.desk
    with pytest.raises(services.TipError):
        services.record_payment(tip, acting_user=desk.desk, method=Reward.Method.CASH)
    assert list(tip.events.values_list("action", flat=True)) == [
        "received",
        "story",
        "reward_due",
        "reward_set",
        "reward_paid",
    ]


def test_a_story_filed_for_the_tips_topic_is_linked_and_its_publication_makes_the_reward_due(desk, on_commit):
    """The tip → topic → assignment → story chain: nobody has to find the story for the tips desk."""
    from rongmei.planning import services as planning

    tip = receive()
    topic = services.turn_into_topic(tip, acting_user=desk.desk)
    planning.decide_topic(desk.chief, topic, planning.APPROVE)
    assignment = planning.assign(
        desk.chief, topic, format="text", assignee=desk.reporter, deadline=timezone.now() + timedelta(days=1)
    )
    story = desk.add_story(title="幸福路井盖丢失 已补装")
    planning.file_story(desk.reporter, assignment, story)
    other = desk.add_story(title="无关稿件")
    with on_commit():
        publish_outside_review(other.get_latest_revision(), user=desk.chief)
    assert fresh(tip).story is None and not Reward.objects.exists()

    with on_commit():
        publish_outside_review(story.get_latest_revision(), user=desk.chief)

    tip = fresh(tip)
    assert tip.story_id == story.pk and tip.state == Tip.State.USED
    assert Reward.objects.get(tip=tip).state == Reward.State.DUE
    linked = tip.events.get(action="story")
    assert linked.actor is None and story.title in linked.note


def test_linking_a_story_already_published_makes_the_reward_due_at_once(desk):
    story = desk.add_story(title="已发布稿件", publish=True)
    tip = receive()
    services.link_story(tip, acting_user=desk.desk, story=story)
    assert Reward.objects.get(tip=tip).rule_amount == Decimal("50")


def test_the_monthly_payment_list_has_the_names_and_logs_each_read(desk, on_commit):
    story = desk.add_story(title="独家：河道偷排", publish=True)
    paid, set_only = (
        receive(contact_name="王大爷", contact_phone="13700000001"),
        receive(contact_name="刘女士", contact_phone="13700000002"),
    )
    for tip in (paid, set_only):
        services.link_story(tip, acting_user=desk.desk, story=story)
        services.set_reward(tip, acting_user=desk.desk, lead_story=False)
    services.record_payment(paid, acting_user=desk.desk, method=Reward.Method.CASH)
    now = timezone.localtime()
    with pytest.raises(PermissionDenied):
        services.reward_workbook(now.year, now.month, acting_user=desk.director)
    data = services.reward_workbook(now.year, now.month, acting_user=desk.desk)
    sheet = load_workbook(BytesIO(data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    by_reference = {row[0]: row for row in rows[1:-1]}
    assert by_reference[paid.reference][8:10] == ["王大爷", "13700000001"]
    assert by_reference[set_only.reference][8:10] == ["刘女士", "13700000002"]
    assert by_reference[paid.reference][6] == 50
    assert rows[-1][6] == 100
    assert ContactRead.objects.filter(user=desk.desk, where=ContactRead.Where.PAYMENT_LIST).count() == 2
    # Another month: empty.
    previous = (now.replace(day=1) - timedelta(days=1)).date()
    assert (
        load_workbook(
            BytesIO(services.reward_workbook(previous.year, previous.month, acting_user=desk.desk))
        ).active.max_row
        == 2
    )


def test_anonymisation_clears_old_contacts_keeps_paid_records_and_story_files(desk, on_commit):
    TipsSettings.objects.create(anonymise_after_days=30)
    old = timezone.now() - timedelta(days=40)
    story = desk.add_story(title="旧稿", publish=True)
    plain = receive(
        text="我的电话13812345678，小区停水三天", files=[services.prepare_upload(jpeg_with_gps())]
    )
    used = receive(files=[services.prepare_upload(jpeg_with_gps())])
    paid = receive(contact_name="赵师傅")
    waiting = receive(contact_name="等奖金")
    recent = receive(contact_name="新线索")
    for tip in (paid, waiting):
        services.link_story(tip, acting_user=desk.desk, story=story)
    # A story still in the works: no reward due yet, and the tip's files are its sources.
    services.link_story(used, acting_user=desk.desk, story=desk.add_story(title="在写的稿"))
    services.set_reward(paid, acting_user=desk.desk, lead_story=False)
    services.record_payment(paid, acting_user=desk.desk, method=Reward.Method.BANK)
    Tip.objects.exclude(pk=recent.pk).update(received_at=old)
    plain_file = plain.attachments.get().file.name
    storage = plain.attachments.get().file.storage

    with on_commit():
        assert services.anonymise_old_tips() == 3

    plain, used, paid, waiting, recent = (fresh(tip) for tip in (plain, used, paid, waiting, recent))
    assert plain.contact_name == plain.contact_phone == "" and plain.anonymised_at
    assert "13812345678" not in plain.text and "小区停水三天" in plain.text
    assert not plain.attachments.exists() and not storage.exists(plain_file)
    assert used.contact_name == "" and used.attachments.count() == 1  # led to a story: its files stay
    assert paid.contact_name == "" and paid.reward.payee_name == "赵师傅"  # the payment record keeps the name
    assert waiting.contact_name == "等奖金" and not waiting.anonymised_at  # its reward is not paid yet
    assert recent.contact_name == "新线索"
    assert plain.events.filter(action="anonymised").exists()
    assert services.anonymise_old_tips() == 0


def test_the_anonymisation_job_is_registered_with_the_scheduler():
    from rongmei.core.scheduler import registered_jobs

    job = {job.name: job for job in registered_jobs()}["tips_anonymise"]
    assert job.task_path == "rongmei.tips.tasks.anonymise_old_tips" and job.every_minutes == 60


def test_a_hotline_tip_records_who_took_it(desk):
    with pytest.raises(PermissionDenied):
        receive(source=Tip.Source.HOTLINE, acting_user=desk.reporter)
    tip = receive(source=Tip.Source.HOTLINE, acting_user=desk.desk)
    assert tip.taken_by == desk.desk and tip.source == "hotline"


def test_a_tip_becomes_a_proposed_topic_without_the_contact(desk):
    from rongmei.planning.models import Topic

    tip = receive(text="临淄区乌河有养殖场排污\n河水发黑发臭", event_time="近一个月")
    with pytest.raises(PermissionDenied):
        services.turn_into_topic(tip, acting_user=desk.editor)
    topic = services.turn_into_topic(tip, acting_user=desk.desk)
    topic = Topic.objects.get(pk=topic.pk)
    assert topic.title == "临淄区乌河有养殖场排污" and topic.proposed_by == desk.desk
    assert "河水发黑发臭" in topic.angle and "近一个月" in topic.angle and tip.reference in topic.sources
    for text in (topic.title, topic.angle, topic.sources):
        assert "张先生" not in text and "13800001234" not in text
    tip = fresh(tip)
    assert tip.topic == topic and tip.state == Tip.State.FOLLOW_UP
    assert tip.events.filter(action="topic").exists()
    with pytest.raises(services.TipError):
        services.turn_into_topic(tip, acting_user=desk.desk)
