"""The outbox (issue 9 §1): one durable queue, each message sent once, retried with a capped backoff."""

import os
import threading
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import translation

from rongmei.core import outbox
from rongmei.core.models import OutboxMessage
from rongmei.core.outbox import SendResult
from rongmei.testing import login

T0 = datetime(2026, 11, 26, 8, 30, tzinfo=UTC)


class Recorder:
    """A sender that records what it was asked to send and answers from a script."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.sent = []

    def __call__(self, message):
        self.sent.append(message.payload)
        answer = self.answers.pop(0) if self.answers else SendResult.success()
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(message)
        return answer


@pytest.fixture
def senders():
    """Register test targets; the real registrations come back afterwards."""
    saved = dict(outbox._SENDERS)
    yield
    outbox._SENDERS.clear()
    outbox._SENDERS.update(saved)


def register(target="test.bot", *answers, **options):
    sender = Recorder(*answers)
    outbox.register_sender(target, sender, **options)
    return sender


def make_message(target="test.bot", key="k1", **fields):
    fields.setdefault("next_attempt_at", T0)
    return OutboxMessage.objects.create(target=target, idempotency_key=key, payload={"n": 1}, **fields)


@pytest.mark.django_db
def test_enqueue_twice_makes_one_row_and_one_send(senders, django_capture_on_commit_callbacks):
    sender = register()
    with django_capture_on_commit_callbacks(execute=True):
        first = outbox.enqueue("test.bot", {"alert": 7}, idempotency_key="alert:7:wecom")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = outbox.enqueue("test.bot", {"alert": 7}, idempotency_key="alert:7:wecom")
    assert second.pk == first.pk
    assert callbacks == []  # the existing row is not queued again
    assert OutboxMessage.objects.count() == 1
    assert sender.sent == [{"alert": 7}]
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT


@pytest.mark.django_db
def test_delivery_is_queued_on_commit_not_before(senders, django_capture_on_commit_callbacks):
    sender = register()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = outbox.enqueue("test.bot", {"x": 1}, idempotency_key="once")
    # Nothing is sent while the transaction that made the row may still roll back.
    assert sender.sent == []
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the task starts at once (the test backend runs it inline)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.attempts == 1
    assert sender.sent == [{"x": 1}]


@pytest.mark.django_db
def test_enqueue_for_an_unknown_target_is_a_programming_error(senders):
    with pytest.raises(LookupError):
        outbox.enqueue("nobody.registered", {}, idempotency_key="x")


@pytest.mark.django_db
def test_two_claims_of_one_row_one_wins(senders):
    register()
    message = make_message()
    assert outbox.claim(message.pk, now=T0) is not None
    assert outbox.claim(message.pk, now=T0 + timedelta(seconds=1)) is None
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENDING and message.attempts == 1


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="real concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_one_row_send_it_once(senders):
    barrier = threading.Barrier(2)
    sender = register()
    message = make_message(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
    results = []

    def worker():
        barrier.wait()
        try:
            results.append(outbox.deliver(message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sender.sent) == 1
    assert sorted(r is None for r in results) == [False, True]


def test_backoff_grows_and_is_capped():
    assert [outbox.backoff_after(n) for n in range(1, 9)] == [
        timedelta(seconds=30),
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(minutes=8),
        timedelta(minutes=16),
        timedelta(minutes=30),
        timedelta(minutes=30),
    ]
    assert outbox.backoff_after(40) == timedelta(minutes=30)


@pytest.mark.django_db
def test_failures_back_off_then_give_up_with_the_plain_error(senders):
    register("test.bot", *[SendResult.failure("The bot said: key expired")] * 3, max_attempts=3)
    message = make_message()
    moment = T0
    sent = outbox.deliver(message.pk, now=moment)
    assert sent.status == OutboxMessage.Status.FAILED
    assert sent.next_attempt_at == T0 + timedelta(seconds=30)
    # Not due yet: nobody may take it.
    assert outbox.deliver(message.pk, now=T0 + timedelta(seconds=29)) is None
    moment = T0 + timedelta(seconds=30)
    second = outbox.deliver(message.pk, now=moment)
    assert second.attempts == 2 and second.next_attempt_at == moment + timedelta(minutes=1)
    moment += timedelta(minutes=1)
    last = outbox.deliver(message.pk, now=moment)
    message.refresh_from_db()
    assert last.attempts == message.attempts == 3
    assert message.status == OutboxMessage.Status.FAILED
    assert message.next_attempt_at is None and not message.will_retry
    assert message.error_text == "The bot said: key expired"
    assert outbox.deliver(message.pk, now=moment + timedelta(days=1)) is None
    assert outbox.retry_due(now=moment + timedelta(days=1)) == []


@pytest.mark.django_db
def test_a_refusal_that_cannot_change_is_not_retried(senders):
    register("test.bot", SendResult.failure("Title over 32 characters", retryable=False))
    message = outbox.deliver(make_message().pk, now=T0)
    assert message.status == OutboxMessage.Status.FAILED and message.next_attempt_at is None


@pytest.mark.django_db
def test_a_sender_exception_is_a_failed_attempt_not_a_lost_row(senders):
    register("test.bot", RuntimeError("socket exploded"), SendResult.success())
    message = make_message()
    failed = outbox.deliver(message.pk, now=T0)
    assert failed.status == OutboxMessage.Status.FAILED
    assert failed.next_attempt_at == T0 + timedelta(seconds=30)
    message.refresh_from_db()
    with translation.override("en"):
        assert message.error_text == "Unexpected error while sending: socket exploded"
    assert outbox.deliver(message.pk, now=T0 + timedelta(seconds=30)).status == OutboxMessage.Status.SENT


@pytest.mark.django_db
def test_an_expired_lease_is_taken_over_a_live_one_is_not(senders):
    sender = register("test.bot", lease=timedelta(minutes=5))
    message = make_message()
    # A worker claims the row and is killed (SIGKILL) before it stores anything.
    assert outbox.claim(message.pk, now=T0) is not None
    assert outbox.deliver(message.pk, now=T0 + timedelta(minutes=4)) is None  # its lease is live
    assert outbox.retry_due(now=T0 + timedelta(minutes=4)) == []
    later = T0 + timedelta(minutes=5)
    assert list(outbox.claimable(later).values_list("pk", flat=True)) == [message.pk]
    outbox.deliver(message.pk, now=later)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 2  # the killed attempt counts
    assert len(sender.sent) == 1


@pytest.mark.django_db
def test_a_message_that_kills_its_worker_every_time_runs_out_of_attempts(senders):
    register("test.bot", max_attempts=2)
    message = make_message()
    assert outbox.claim(message.pk, now=T0) is not None
    assert outbox.claim(message.pk, now=T0 + timedelta(minutes=6)) is not None  # attempt 2, killed too
    assert outbox.claim(message.pk, now=T0 + timedelta(minutes=12)) is None
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED and message.next_attempt_at is None
    with translation.override("en"):
        assert "worker stopped while sending" in message.error_text


@pytest.mark.django_db
def test_the_remote_id_is_kept_before_the_row_is_done(senders):
    def draft_then_crash(message):
        outbox.record_remote(message, remote_id="media-123")
        raise TimeoutError("publish call timed out")

    seen = []

    def resume(message):
        seen.append(message.remote_id)  # the retry knows the item exists: it must not create it again
        return SendResult.success(remote_url="https://mp.weixin.qq.com/s/abc")

    register("test.bot", draft_then_crash, resume)
    message = make_message()
    outbox.deliver(message.pk, now=T0)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED and message.remote_id == "media-123"
    outbox.deliver(message.pk, now=T0 + timedelta(minutes=1))
    message.refresh_from_db()
    assert seen == ["media-123"]
    assert message.status == OutboxMessage.Status.SENT
    assert (message.remote_id, message.remote_url) == ("media-123", "https://mp.weixin.qq.com/s/abc")


@pytest.mark.django_db
def test_retry_now_checks_who_asks(senders, django_capture_on_commit_callbacks):
    register("test.bot", can_retry=lambda user: user.has_perm("core.change_schedulertick"))
    message = make_message(status=OutboxMessage.Status.FAILED, attempts=10, next_attempt_at=None)
    stranger = User.objects.create_user("stranger")
    with pytest.raises(PermissionDenied):
        outbox.retry_now(message, acting_user=stranger)
    message.refresh_from_db()
    assert message.attempts == 10

    duty = User.objects.create_user("duty")
    duty.user_permissions.add(Permission.objects.get(codename="change_schedulertick"))
    duty = User.objects.get(pk=duty.pk)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.retry_now(message, acting_user=duty)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.attempts == 1

    with pytest.raises(outbox.OutboxError):
        outbox.retry_now(message, acting_user=User.objects.create_superuser("root"))


@pytest.mark.django_db
def test_retry_now_does_not_cut_into_a_live_send(senders):
    register("test.bot")
    message = make_message(next_attempt_at=datetime.now(UTC))
    outbox.claim(message.pk)
    with pytest.raises(outbox.OutboxError):
        outbox.retry_now(message, acting_user=User.objects.create_superuser("root"))


@pytest.mark.django_db
def test_each_target_shows_its_messages_to_its_own_readers(senders):
    register("test.alerts", can_view=lambda user: user.username == "analyst")
    register("test.stories", visible=lambda user, qs: qs.filter(object_id=1))
    make_message("test.alerts", "a")
    make_message("test.stories", "s1", object_id=1)
    make_message("test.stories", "s2", object_id=2)
    analyst = User.objects.create_user("analyst")
    reporter = User.objects.create_user("reporter")
    assert sorted(outbox.visible_messages(analyst).values_list("idempotency_key", flat=True)) == ["a", "s1"]
    assert list(outbox.visible_messages(reporter).values_list("idempotency_key", flat=True)) == ["s1"]
    assert outbox.visible_messages(User.objects.create_superuser("root")).count() == 3


@pytest.mark.django_db
def test_the_sweep_queues_what_is_due(senders):
    sender = register()
    due = make_message(key="due", next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
    later = make_message(key="later", next_attempt_at=datetime.now(UTC) + timedelta(minutes=5))
    make_message(key="done", status=OutboxMessage.Status.SENT, next_attempt_at=None)
    retrying = make_message(
        key="retrying", status=OutboxMessage.Status.FAILED, attempts=1, next_attempt_at=datetime.now(UTC)
    )
    # A retry whose pause is over is queued at once; a new message's own task is still waiting in
    # the queue (under a backlog, for minutes): queuing it again would only double the queue.
    with mock.patch("rongmei.core.tasks.deliver_outbox_message") as task:
        assert outbox.retry_due() == [retrying.pk]
    assert [c.args for c in task.enqueue.call_args_list] == [(retrying.pk,)]
    # Never tried after the grace, its task was lost (the process died between commit and
    # queuing): the sweep queues it.
    moment = datetime.now(UTC) + outbox.LOST_TASK_GRACE + timedelta(seconds=1)
    assert outbox.retry_due(now=moment) == [due.pk, later.pk, retrying.pk]
    due.refresh_from_db()
    later.refresh_from_db()
    # Sent: the lost one and the retry; "later" is not due in real time, so its task found nothing to do.
    assert due.status == OutboxMessage.Status.SENT and len(sender.sent) == 2
    assert later.status == OutboxMessage.Status.PENDING


@pytest.mark.django_db
def test_with_the_database_task_backend_a_lost_task_is_noticed_in_minutes(senders):
    """A worker killed after taking a message's task but before claiming the message leaves the task
    "running" for ever; the sweep re-queues such a message once the task has run longer than a
    claim can take, and a message whose task was never queued after the queue settled, without
    waiting out the 15-minute grace. A task still queued (a backlog) or just started is left alone."""
    from django.test import override_settings
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from rongmei.core.tasks import deliver_outbox_message

    register()
    now = datetime.now(UTC)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        names = ("queued", "dead", "slow", "unqueued", "fresh")
        message = {name: make_message(key=name) for name in names}
        OutboxMessage.objects.exclude(pk=message["fresh"].pk).update(created_at=now - timedelta(minutes=3))
        for name in ("queued", "dead", "slow"):
            deliver_outbox_message.enqueue(message[name].pk)
        task_of = {
            row.args_kwargs["args"][0]: row.pk
            for row in DBTaskResult.objects.filter(task_path=deliver_outbox_message.module_path)
        }
        for name, started in (("dead", now - timedelta(minutes=3)), ("slow", now - timedelta(seconds=20))):
            DBTaskResult.objects.filter(pk=task_of[message[name].pk]).update(
                status=TaskResultStatus.RUNNING, started_at=started, worker_ids=["killed"]
            )

        assert outbox.retry_due(now=now) == [message["dead"].pk, message["unqueued"].pk]
        queued_again = DBTaskResult.objects.filter(
            task_path=deliver_outbox_message.module_path, status=TaskResultStatus.READY
        ).exclude(pk__in=task_of.values())
        assert sorted(row.args_kwargs["args"][0] for row in queued_again) == [
            message["dead"].pk,
            message["unqueued"].pk,
        ]
        # Two minutes on, the slow task has had its time too; the fresh message's task is still
        # nowhere, so it counts as lost once the queue has settled.
        # (The two found above have their new tasks queued now: not again.)
        later = now + outbox.UNCLAIMED_TASK_TIMEOUT
        assert outbox.retry_due(now=later) == [message["slow"].pk, message["fresh"].pk]
        assert outbox.retry_due(now=later) == []  # each has its task queued now, "queued" its own


def test_core_names_only_its_own_periodic_jobs():
    import inspect

    from rongmei.core import scheduler

    source = inspect.getsource(scheduler)
    assert "monitoring" not in source
    names = {job.name for job in scheduler.registered_jobs()}
    # Core's own jobs, and the apps' jobs registered from their AppConfig.ready().
    assert {"publish_scheduled", "worker_heartbeat", "outbox_retry_due"} <= names
    assert {"monitoring_fetch_due_sources", "monitoring_alerts", "monitoring_reports"} <= names


def test_a_job_interval_must_divide_the_day():
    from rongmei.core.scheduler import register_periodic_job

    with pytest.raises(ValueError):
        register_periodic_job("odd", "rongmei.core.tasks.worker_heartbeat", every_minutes=7)


@pytest.fixture
def english_admin(client, newsroom):
    return login(client, newsroom.admin, language="en")


def test_the_outbox_list_filters_and_retries(senders, english_admin, django_capture_on_commit_callbacks):
    from django.urls import reverse

    sender = register("test.bot")
    register("test.other")
    failed = make_message(
        "test.bot",
        "f",
        status=OutboxMessage.Status.FAILED,
        attempts=10,
        next_attempt_at=None,
        last_error="HTTP 502",
    )
    make_message("test.other", "o", status=OutboxMessage.Status.SENT, next_attempt_at=None, remote_id="r-9")
    html = english_admin.get(reverse("core_outbox") + "?target=test.bot&status=failed").content.decode()
    assert (
        f'data-message="{failed.pk}"' in html and "HTTP 502" in html and "Gave up after 10 attempts" in html
    )
    assert "r-9" not in html
    # A GET only reads; the retry is a POST.
    assert english_admin.get(reverse("core_outbox_retry", args=[failed.pk])).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = english_admin.post(reverse("core_outbox_retry", args=[failed.pk]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == OutboxMessage.Status.SENT and len(sender.sent) == 1


def test_the_outbox_list_is_closed_to_those_who_see_none_of_it(senders, client, newsroom):
    from django.urls import reverse

    register("test.bot")
    message = make_message("test.bot", "f", status=OutboxMessage.Status.FAILED, next_attempt_at=None)
    login(client, newsroom.reporter)
    # Wagtail answers a refusal in its admin with a redirect to the dashboard and a message.
    response = client.get(reverse("core_outbox"))
    assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))
    # a message the reporter may not see is not there for them
    assert client.post(reverse("core_outbox_retry", args=[message.pk])).status_code == 404
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
