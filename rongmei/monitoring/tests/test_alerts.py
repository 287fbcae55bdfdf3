"""Alert rules: what triggers, de-duplication, the quiet period and the hourly cap, deliveries."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from rongmei.core import outbox
from rongmei.monitoring.alerts import services as alerts
from rongmei.monitoring.models import Alert, AlertDelivery, AlertRule, Notification, Source

from .factories import (
    analyse,
    make_alert_rule,
    make_client,
    make_event,
    make_item,
    make_source,
    match,
    negative_items,
)


@pytest.fixture(autouse=True)
def english():
    # The assertions read the English msgids; the catalogue tests check the Chinese.
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


@pytest.fixture
def t0():
    return timezone.now().replace(microsecond=0)


def test_fifty_negative_items_of_one_spiking_event_make_one_alert(t0):
    client, watch = make_client()
    rule = make_alert_rule(client, cooldown_minutes=60)
    event = make_event(now=t0)
    negative_items(50, event=event, watch=watch, now=t0)

    created = alerts.evaluate_alerts(now=t0)

    assert len(created) == 1
    alert = Alert.objects.get()
    assert alert.event == event
    assert alert.dedup_key == f"rule:{rule.pk}:event:{event.pk}"
    assert alert.suppressed_count == 49
    assert "某区化工厂异味事件" in alert.title

    # Nothing new: nothing more counted.
    assert alerts.evaluate_alerts(now=t0 + timedelta(minutes=1)) == []
    assert Alert.objects.get().suppressed_count == 49


def test_a_second_event_makes_a_second_alert(t0):
    client, watch = make_client()
    make_alert_rule(client)
    first, second = make_event("事件一", now=t0), make_event("事件二", now=t0)
    negative_items(3, event=first, watch=watch, now=t0)
    alerts.evaluate_alerts(now=t0)
    negative_items(2, event=second, watch=watch, now=t0 + timedelta(minutes=5))
    negative_items(1, event=first, watch=watch, now=t0 + timedelta(minutes=5))

    created = alerts.evaluate_alerts(now=t0 + timedelta(minutes=5))

    assert len(created) == 1
    assert Alert.objects.get(pk=created[0]).event == second
    counts = dict(Alert.objects.values_list("event__title", "suppressed_count"))
    assert counts == {"事件一": 3, "事件二": 1}


def test_items_without_an_event_are_keyed_by_their_group(t0):
    client, watch = make_client()
    rule = make_alert_rule(client)
    item = make_item(fetched_at=t0)
    analysis = analyse(item, now=t0)
    match(item, watch, now=t0)
    copy = make_item(fetched_at=t0)
    analyse(copy, group=analysis.group, now=t0)
    match(copy, watch, now=t0)

    alerts.evaluate_alerts(now=t0)

    alert = Alert.objects.get()
    assert alert.event is None
    assert alert.dedup_key == f"rule:{rule.pk}:group:{analysis.group_id}"
    assert alert.suppressed_count == 1


def test_negative_match_needs_the_clients_match_and_the_probability(t0):
    client, watch = make_client()
    other, other_watch = make_client("淄川区政府")
    make_alert_rule(client, min_negative_probability=0.8)
    event = make_event(now=t0)
    negative_items(1, event=make_event("不确定", now=t0), watch=watch, now=t0, probability=0.7)
    negative_items(1, event=make_event("中性", now=t0), watch=watch, now=t0, sentiment="neutral")
    negative_items(1, event=event, watch=other_watch, now=t0)  # another client's match
    negative_items(1, event=make_event("未命中", now=t0), watch=None, now=t0)

    assert alerts.evaluate_alerts(now=t0) == []


def test_the_hourly_cap_folds_the_rest_into_the_last_alert(t0):
    client, watch = make_client()
    make_alert_rule(client, max_alerts_per_hour=3)
    for n in range(5):
        negative_items(1, event=make_event(f"事件{n}", now=t0), watch=watch, now=t0)

    created = alerts.evaluate_alerts(now=t0)

    assert len(created) == 3
    latest = Alert.objects.order_by("-created_at", "-pk").first()
    assert latest.suppressed_count == 2
    assert sum(Alert.objects.values_list("suppressed_count", flat=True)) == 2

    # An hour later the rule may alert again.
    negative_items(1, event=make_event("事件5", now=t0), watch=watch, now=t0 + timedelta(minutes=61))
    assert len(alerts.evaluate_alerts(now=t0 + timedelta(minutes=61))) == 1


def test_cooldown_expiry_lets_a_new_alert_through(t0):
    client, watch = make_client()
    make_alert_rule(client, cooldown_minutes=30)
    event = make_event(now=t0)
    negative_items(2, event=event, watch=watch, now=t0)
    assert len(alerts.evaluate_alerts(now=t0)) == 1

    negative_items(4, event=event, watch=watch, now=t0 + timedelta(minutes=20))
    assert alerts.evaluate_alerts(now=t0 + timedelta(minutes=20)) == []
    assert Alert.objects.get().suppressed_count == 5

    negative_items(1, event=event, watch=watch, now=t0 + timedelta(minutes=31))
    created = alerts.evaluate_alerts(now=t0 + timedelta(minutes=31))
    assert len(created) == 1
    assert Alert.objects.count() == 2
    assert Alert.objects.get(pk=created[0]).suppressed_count == 0


def test_spike_rule_alerts_on_spiking_events_with_the_clients_matches(t0):
    client, watch = make_client()
    rule = make_alert_rule(client, kind=AlertRule.Kind.SPIKE, name="热度预警")
    spiking, calm = make_event("突发", now=t0), make_event("平稳", spiking=False, now=t0)
    unrelated = make_event("别处的热点", now=t0)
    negative_items(1, event=spiking, watch=watch, now=t0)
    negative_items(5, event=spiking, now=t0, sentiment="neutral")  # later items need not match
    negative_items(5, event=calm, watch=watch, now=t0)
    negative_items(5, event=unrelated, now=t0)

    created = alerts.evaluate_alerts(now=t0)

    assert len(created) == 1
    alert = Alert.objects.get()
    assert alert.event == spiking
    assert alert.suppressed_count == 5
    assert alert.rule == rule


def test_spike_rule_of_a_client_without_rules_takes_any_spiking_event(t0):
    client, _ = make_client(with_rule=False)
    make_alert_rule(client, kind=AlertRule.Kind.SPIKE)
    negative_items(2, event=make_event("甲", now=t0), now=t0)
    negative_items(2, event=make_event("乙", now=t0), now=t0)
    negative_items(2, event=make_event("丙", spiking=False, now=t0), now=t0)

    assert len(alerts.evaluate_alerts(now=t0)) == 2


def test_top_source_keyword_rule(t0):
    client, _ = make_client(with_rule=False)
    make_alert_rule(client, kind=AlertRule.Kind.TOP_SOURCE_KEYWORD, keywords="张店, 化工厂\n淄博")
    central = make_source("人民网", category=Source.Category.CENTRAL)
    local = make_source(category=Source.Category.LOCAL)
    hit = make_item(central, title="淄博通报一起事故", body="……", fetched_at=t0)
    analyse(hit, sentiment="neutral", now=t0)
    miss_local = make_item(local, title="淄博通报一起事故", fetched_at=t0)
    analyse(miss_local, now=t0)
    miss_word = make_item(central, title="全国新闻", body="与本地无关", fetched_at=t0)
    analyse(miss_word, now=t0)

    alerts.evaluate_alerts(now=t0)

    alert = Alert.objects.get()
    assert alert.item == hit
    assert "人民网" in alert.title and "淄博" in alert.title


def test_keywords_split_on_commas_and_newlines():
    assert alerts.parse_keywords("张店, 化工厂，淄博\n\n 周村、 张店") == ["张店", "化工厂", "淄博", "周村"]


def test_a_new_rule_looks_back_an_hour_only(t0):
    client, watch = make_client()
    make_alert_rule(client)
    negative_items(1, event=make_event("旧事", now=t0), watch=watch, now=t0 - timedelta(hours=3))
    negative_items(1, event=make_event("新事", now=t0), watch=watch, now=t0 - timedelta(minutes=10))

    alerts.evaluate_alerts(now=t0)

    assert list(Alert.objects.values_list("event__title", flat=True)) == ["新事"]


def test_disabled_rules_and_inactive_clients_are_skipped(t0):
    client, watch = make_client()
    make_alert_rule(client, enabled=False)
    gone, gone_watch = make_client("停用客户")
    gone.active = False
    gone.save()
    make_alert_rule(gone)
    negative_items(1, event=make_event(now=t0), watch=watch, now=t0)
    negative_items(1, event=make_event(now=t0), watch=gone_watch, now=t0)

    assert alerts.evaluate_alerts(now=t0) == []


def test_new_alert_gets_a_delivery_per_channel_and_notifications(
    t0, newsroom, django_capture_on_commit_callbacks
):
    client, watch = make_client()
    rule = make_alert_rule(
        client,
        emails="duty@zhangdian.gov.cn\nnot-an-address\nchief@example.test",
        wecom_webhook="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret-key",
        dingtalk_webhook="https://oapi.dingtalk.com/robot/send?access_token=tok",
        feishu_webhook="https://open.feishu.cn/open-apis/bot/v2/hook/abc",
    )
    rule.notify_users.set([newsroom.editor, newsroom.chief])
    negative_items(1, event=make_event(now=t0), watch=watch, now=t0)

    # The bots are unreachable here; the e-mail goes to django's outbox.
    with django_capture_on_commit_callbacks(execute=False):
        alerts.evaluate_alerts(now=t0)

    alert = Alert.objects.get()
    channels = sorted(alert.deliveries.values_list("channel", flat=True))
    assert channels == ["dingtalk", "email", "feishu", "in_app", "in_app", "wecom"]
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"editor", "chief"}
    wecom = alert.deliveries.get(channel="wecom")
    assert "secret-key" not in wecom.recipient

    email = alert.deliveries.get(channel="email")
    assert email.recipient == "duty@zhangdian.gov.cn, chief@example.test"
    outbox.deliver(email.outbox_message_id, now=t0)
    email.refresh_from_db()
    assert email.status == AlertDelivery.Status.SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["duty@zhangdian.gov.cn", "chief@example.test"]
    assert alert.title in message.subject
    assert "/monitoring/alerts/" in message.body


def email_alert_to_a_dead_mail_server(t0, settings):
    """An alert whose e-mail goes to a mail server that does not answer: its delivery."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    client, watch = make_client()
    make_alert_rule(client, emails="duty@example.test")
    negative_items(1, event=make_event(now=t0), watch=watch, now=t0)
    alerts.evaluate_alerts(now=t0)
    delivery = AlertDelivery.objects.get(channel="email")
    return delivery


def test_failed_email_keeps_the_reason_and_is_retried_with_backoff(t0, settings):
    delivery = email_alert_to_a_dead_mail_server(t0, settings)

    outbox.deliver(delivery.outbox_message_id, now=t0)

    delivery.refresh_from_db()
    assert delivery.status == AlertDelivery.Status.FAILED
    assert delivery.attempts == 1
    # Deliveries are written in the site's language (zh-hans), whoever triggered them.
    assert "邮件服务器" in delivery.error
    assert delivery.next_attempt_at == t0 + outbox.backoff_after(1)
    # Not due yet: nothing is sent twice.
    assert outbox.deliver(delivery.outbox_message_id, now=t0 + timedelta(seconds=20)) is None
    assert outbox.claimable(t0 + timedelta(seconds=20)).count() == 0

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert list(outbox.claimable(t0 + timedelta(minutes=2)).values_list("pk", flat=True)) == [
        delivery.outbox_message_id
    ]
    outbox.deliver(delivery.outbox_message_id, now=t0 + timedelta(minutes=2))
    delivery.refresh_from_db()
    assert delivery.status == AlertDelivery.Status.SENT
    assert delivery.attempts == 2 and delivery.error == ""
    assert len(mail.outbox) == 1


def test_after_max_attempts_the_delivery_stays_failed(t0, settings):
    delivery = email_alert_to_a_dead_mail_server(t0, settings)
    moment = t0
    for _ in range(alerts.MAX_ATTEMPTS):
        outbox.deliver(delivery.outbox_message_id, now=moment)
        moment += timedelta(hours=2)
    delivery.refresh_from_db()
    assert delivery.attempts == alerts.MAX_ATTEMPTS
    assert delivery.status == AlertDelivery.Status.FAILED
    assert delivery.next_attempt_at is None
    assert outbox.deliver(delivery.outbox_message_id, now=moment) is None


def test_evaluate_task_runs_the_rules(t0):
    from rongmei.core.scheduler import registered_jobs
    from rongmei.monitoring.alerts.tasks import evaluate_alerts_task

    assert any(job.name == "monitoring_alerts" and job.every_minutes == 1 for job in registered_jobs())
    client, watch = make_client()
    make_alert_rule(client)
    negative_items(1, event=make_event(), watch=watch)
    result = evaluate_alerts_task.enqueue()
    assert len(result.return_value["alerts"]) == 1


def test_notifications_are_marked_read_by_their_owner_only(t0, newsroom):
    client, watch = make_client()
    rule = make_alert_rule(client)
    rule.notify_users.set([newsroom.editor, newsroom.chief])
    negative_items(1, event=make_event(now=t0), watch=watch, now=t0)
    alerts.evaluate_alerts(now=t0)
    theirs = Notification.objects.get(user=newsroom.chief)

    assert alerts.mark_read(newsroom.editor, [theirs.pk]) == 0
    assert alerts.unread_notifications(newsroom.editor).count() == 1
    assert alerts.mark_read(newsroom.editor) == 1
    assert alerts.unread_notifications(newsroom.editor).count() == 0
    assert alerts.unread_notifications(newsroom.chief).count() == 1


def test_new_alerts_are_sent_after_commit(t0, on_commit):
    client, watch = make_client()
    make_alert_rule(client, emails="duty@example.test")
    negative_items(2, event=make_event(now=t0), watch=watch, now=t0)

    with on_commit() as callbacks:
        alerts.evaluate_alerts()

    assert len(callbacks) == 1
    assert AlertDelivery.objects.get().status == AlertDelivery.Status.SENT
    assert len(mail.outbox) == 1
    # Deliveries are written in the site's language (zh-hans), whoever triggered them.
    assert "此后又有 1 条类似信息" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_existing_deliveries_move_into_the_outbox_pending_ones_stay_pending():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("monitoring", "0004_alertdelivery_outbox_message"), ("core", "0002_outbox")]
    after = [("monitoring", "0006_alertdelivery_state_lives_in_the_outbox")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    client = old.get_model("monitoring", "Client").objects.create(name="旧客户")
    rule = old.get_model("monitoring", "AlertRule").objects.create(client=client, name="旧规则", kind="spike")
    OldAlert = old.get_model("monitoring", "Alert")
    alert = OldAlert.objects.create(rule=rule, client=client, title="旧预警", created_at=timezone.now())
    Delivery = old.get_model("monitoring", "AlertDelivery")
    soon = timezone.now() + timedelta(minutes=3)
    Delivery.objects.create(alert=alert, channel="in_app", recipient="editor", status="sent", attempts=1)
    Delivery.objects.create(alert=alert, channel="email", recipient="a@b.cn", status="pending")
    Delivery.objects.create(
        alert=alert,
        channel="wecom",
        status="failed",
        attempts=2,
        error="WeCom error 93000",
        next_attempt_at=soon,
    )
    Delivery.objects.create(alert=alert, channel="feishu", status="sent", attempts=1, sent_at=timezone.now())

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    rows = {d.channel: d for d in AlertDelivery.objects.select_related("outbox_message")}
    assert rows["in_app"].outbox_message is None and rows["in_app"].status == "sent"
    email = rows["email"].outbox_message
    assert email.status == "pending" and email.next_attempt_at is not None
    assert email.target == "monitoring.email" and email.payload == {"alert": alert.pk, "channel": "email"}
    wecom = rows["wecom"].outbox_message
    assert (wecom.status, wecom.attempts, wecom.last_error) == ("failed", 2, "WeCom error 93000")
    assert wecom.next_attempt_at == soon
    assert (
        rows["feishu"].outbox_message.status == "sent"
        and rows["feishu"].outbox_message.next_attempt_at is None
    )
    assert set(outbox.messages_about(Alert.objects.get(pk=alert.pk)).values_list("target", flat=True)) == {
        "monitoring.email",
        "monitoring.wecom",
        "monitoring.feishu",
    }


def test_only_people_who_may_change_rules_retry_a_delivery(t0, newsroom, client):
    from django.urls import reverse

    from rongmei.testing import login

    watcher, watch = make_client()
    make_alert_rule(watcher, emails="duty@example.test")
    negative_items(1, event=make_event(now=t0), watch=watch, now=t0)
    alerts.evaluate_alerts(now=t0)
    delivery = AlertDelivery.objects.get(channel="email")
    delivery.outbox_message.__class__.objects.filter(pk=delivery.outbox_message_id).update(
        status="failed", attempts=5, next_attempt_at=None
    )
    login(client, newsroom.reporter)
    response = client.post(reverse("monitoring_alerts:retry", args=[delivery.pk]))
    assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))  # Wagtail's refusal
    delivery.outbox_message.refresh_from_db()
    assert delivery.outbox_message.attempts == 5 and delivery.outbox_message.status == "failed"
    with pytest.raises(PermissionDenied):
        alerts.retry_now(delivery, acting_user=newsroom.reporter)
