"""A worker killed (SIGKILL) while it sends a story to a platform: the story still reaches the platform
exactly once, and its status says published.

Real processes: ``python -m rongmei db_worker`` against the test database (a transactional test, so
the worker sees the committed rows; the same on SQLite, whose test database is a file, and on
PostgreSQL), the story approved through 三审 in the test process with the database task backend,
and a contract server in the test process that records the item and then holds its answer. The
worker is killed while the answer is held, then a new worker is started. The 5-minute lease of the
dead worker's row (``outbox.DEFAULT_LEASE``) is not waited for: the test moves ``lease_until`` into
the past, as the clock would, and runs the scheduler's sweep (``outbox.retry_due``) itself.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.images import ImageFile
from django.db import connection
from django.utils import timezone
from PIL import Image as PILImage

from rongmei.core import outbox
from rongmei.core.models import OutboxMessage
from rongmei.distribution import services as distribution_services
from rongmei.distribution.contract.partner import PUSH_PATH, PartnerContractServer
from rongmei.distribution.contract.wechat import WeChatContractServer
from rongmei.distribution.models import Channel, StoryChannelStatus
from rongmei.media.models import NewsImage
from rongmei.newsroom.models import StoryPage
from rongmei.partners import services as partner_services
from rongmei.partners.models import Partner
from rongmei.review import services as review_services

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parents[2]
PARTNER_SECRET = "partner-shared-secret-0123456789abcdef"
WECHAT_SECRET = "contract-secret"
WAIT_SECONDS = 180  # a bound on waiting for the worker (it loads Django first), not a timed assertion
S = StoryChannelStatus.State
M = OutboxMessage.Status


# --- contract servers that hold their answer ------------------------------------------------------------


class HoldsAnswer:
    """Mixin: the first successful answer of ``held_route`` is held until ``release`` is set, after
    the platform has done the work (the item is stored); the worker is killed meanwhile."""

    held_route = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.holding = threading.Event()
        self.release = threading.Event()
        self.answers = []  # bodies answered on the held route, in order

    def hold(self, response):
        with self.lock:
            self.answers.append(response.body)
            first = not self.holding.is_set()
            if first:
                self.holding.set()
        if first:
            self.release.wait(timeout=WAIT_SECONDS)
        return response

    def _dispatch(self, handler):
        try:
            super()._dispatch(handler)
        except OSError:
            pass  # the worker that asked is dead: nobody reads the held answer


class HoldingPartner(HoldsAnswer, PartnerContractServer):
    def receive(self, request):
        response = super().receive(request)
        return self.hold(response) if response.status == 200 else response


class HoldingWeChat(HoldsAnswer, WeChatContractServer):
    def freepublish_submit(self, request):
        response = super().freepublish_submit(request)
        ok = isinstance(response.body, dict) and response.body.get("errcode") == 0
        return self.hold(response) if ok else response


# --- the worker process ---------------------------------------------------------------------------------


def database_url() -> str:
    """The test database (the one this test writes to) as a DATABASE_URL for another process."""
    config = connection.settings_dict
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{config['NAME']}"
    user = quote(config.get("USER") or "", safe="")
    password = quote(config.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{config['PORT']}" if config.get("PORT") else ""
    return f"postgres://{auth}{config.get('HOST') or 'localhost'}{port}/{config['NAME']}"


class Worker:
    def __init__(self, env, log_path: Path):
        self.log_path = log_path
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "rongmei", "db_worker", "--no-reload", "--interval", "0.1"],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill(self):
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def start_worker(transactional_db, settings, tmp_path):
    """Start ``rongmei db_worker`` processes on the test database; all stopped after the test (before
    the database is emptied)."""
    log_path = tmp_path / "workers.log"
    workers = []

    def start():
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "rongmei.settings",
            "DATABASE_URL": database_url(),
            "CONN_MAX_AGE": "0",
            "SECRET_KEY": settings.SECRET_KEY,  # the partner's signing secret is sealed with it
            "RONGMEI_VAR_DIR": str(settings.VAR_DIR),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "OUTBOUND_ALLOWED_NETWORKS": "127.0.0.1/32",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "RONGMEI_CHANNEL_WECHAT_APP_SECRET": WECHAT_SECRET,
            "LOG_LEVEL": "WARNING",
            "DEBUG": "0",
        }
        env.pop("REDIS_URL", None)
        workers.append(Worker(env, log_path))
        return workers[-1]

    start.log_path = log_path
    yield start
    for worker in workers:
        worker.stop()


def wait_for(condition, what, log_path):
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            log = log_path.read_text(errors="replace")[-3000:] if log_path.exists() else ""
            statuses = list(StoryChannelStatus.objects.values_list("channel__code", "state", "error"))
            pytest.fail(
                f"waited {WAIT_SECONDS} s for {what}; statuses: {statuses}; the workers' log ends:\n{log}"
            )
        time.sleep(0.1)


# --- the newsroom ---------------------------------------------------------------------------------------


@pytest.fixture
def queued_in_database(settings):
    """This process queues tasks in the database (as the web process does): the workers run them."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
        "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }


@pytest.fixture
def allow_loopback(settings):
    """The contract servers listen on 127.0.0.1, which outbound requests refuse: allow it the way a
    center allows an intranet address (the refusal itself is tested elsewhere)."""
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]


def only_channel(code):
    Channel.objects.exclude(code=code).update(enabled=False)


def pass_review(newsroom, story):
    review_services.submit_for_review(StoryPage.objects.get(pk=story.pk), acting_user=newsroom.reporter)
    for reviewer in (newsroom.editor, newsroom.director, newsroom.chief):
        review_services.approve(StoryPage.objects.get(pk=story.pk), acting_user=reviewer)
    story = StoryPage.objects.get(pk=story.pk)
    assert story.live
    return story


def message_for(story, code) -> OutboxMessage:
    return outbox.messages_about(story).get(target=f"distribution.{code}", payload__act="publish")


def lease_runs_out(message):
    """The dead worker's lease (5 minutes) is over, and the scheduler's sweep queues the row again."""
    OutboxMessage.objects.filter(pk=message.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert message.pk in outbox.retry_due()


# --- partner push: the partner keeps one copy per Idempotency-Key ------------------------------------------


def test_a_worker_killed_while_a_push_is_in_flight_delivers_it_exactly_once(
    review, allow_loopback, queued_in_database, start_worker
):
    with HoldingPartner(secret=PARTNER_SECRET) as server:
        distribution_services.ensure_channels()
        partner = partner_services.save_partner(
            Partner(
                name="某县融媒体中心",
                level=Partner.Level.COUNTY,
                push_url=server.push_url,
                pull_allowed=False,
            ),
            acting_user=review.admin,
        )
        partner_services.set_signing_secret(partner, acting_user=review.admin, secret=PARTNER_SECRET)
        only_channel(partner.channel_code)
        story = pass_review(
            review, review.add_story(title="进程被杀也只推送一次", body="<p>某县新建学校三所。</p>")
        )
        message = message_for(story, partner.channel_code)
        assert message.status == M.PENDING  # queued for the workers, not sent by this process

        first = start_worker()
        wait_for(server.holding.is_set, "the worker to push the story", start_worker.log_path)
        # The partner has stored the story; its answer has not reached the worker.
        assert len(server.received) == 1
        message.refresh_from_db()
        assert (message.status, message.attempts) == (M.SENDING, 1)
        first.kill()
        server.release.set()

        status = StoryChannelStatus.objects.get(story=story, channel__code=partner.channel_code)
        assert status.state == S.SENDING  # what the dead worker left
        lease_runs_out(message)
        start_worker()
        wait_for(
            lambda: OutboxMessage.objects.get(pk=message.pk).status == M.SENT,
            "the new worker to deliver the message",
            start_worker.log_path,
        )

        # Pushed again with the same Idempotency-Key; the partner kept one copy.
        assert len(server.calls_to(PUSH_PATH)) == 2
        assert server.answers[-1] == {"status": "duplicate"}
        assert len(server.received) == 1
        assert server.received[0]["item"]["uri"] == f"urn:rongmei:localhost:story:{story.pk}"
        message.refresh_from_db()
        assert message.attempts == 2
        status.refresh_from_db()
        assert status.state == S.PUBLISHED, status.error
        assert status.remote_id == server.received[0]["item"]["uri"]


# --- WeChat: draft, then publish job -------------------------------------------------------------------------


def cover_image():
    buffer = BytesIO()
    PILImage.new("RGB", (1200, 800), (30, 120, 200)).save(buffer, "JPEG")
    return NewsImage.objects.create(
        title="封面", caption="市民参加活动", credit="记者 王明 摄", file=ImageFile(buffer, name="cover.jpg")
    )


def test_a_worker_killed_while_wechat_answers_the_publish_job_still_ends_published_once(
    review, allow_loopback, queued_in_database, start_worker, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with HoldingWeChat(secret=WECHAT_SECRET) as server:
        distribution_services.ensure_channels()
        Channel.objects.filter(code="wechat").update(
            enabled=True,
            selection=Channel.Selection.ALWAYS,
            config={
                "base_url": server.base_url,
                "app_id": server.app_id,
                "timeout": 10,
                "poll_seconds": 10,
                "poll_interval": 0.05,
            },
        )
        only_channel("wechat")
        story = review.add_story(
            title="进程被杀也只发布一篇", body="<p>某地今天新建学校三所。</p>", cover_image=cover_image()
        )
        story = pass_review(review, story)
        message = message_for(story, "wechat")

        first = start_worker()
        wait_for(server.holding.is_set, "the worker to submit the WeChat draft", start_worker.log_path)
        # WeChat has the publishing job; the worker recorded that it was submitting, not the job.
        assert len(server.jobs) == 1
        message.refresh_from_db()
        assert message.status == M.SENDING
        assert message.remote_id.startswith("submitting:")  # recorded before asking WeChat
        first.kill()
        server.release.set()

        lease_runs_out(message)
        start_worker()

        def settled():
            row = OutboxMessage.objects.get(pk=message.pk)
            return row.status == M.SENT or (row.status == M.FAILED and row.attempts >= 2)

        wait_for(settled, "the new worker to finish the message", start_worker.log_path)
        server.finish_publishing()
        row = OutboxMessage.objects.get(pk=message.pk)
        if row.status != M.SENT:
            # The retry found the draft gone (the killed worker's job is at WeChat) and the article
            # not out yet: it looks again at its next attempt instead of submitting a second time.
            assert row.remote_id.startswith("submitting:"), row.remote_id
            monkeypatch.setenv("RONGMEI_CHANNEL_WECHAT_APP_SECRET", WECHAT_SECRET)
            outbox.deliver(row.pk, now=row.next_attempt_at)
        status = StoryChannelStatus.objects.get(story=story, channel__code="wechat")
        assert status.state == S.PUBLISHED, status.error
        assert len(server.jobs) == 1
        assert len(server.published()) == 1
