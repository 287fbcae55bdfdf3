"""Publishing benchmark (issue 9, 融合发布): approval → story event → outbox → 2 workers → 6 channels.

    .venv/bin/python bench/publish.py                  # 1,000 stories in the steady run
    .venv/bin/python bench/publish.py --stories 100    # quick run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/publish.py
    .venv/bin/python bench/publish.py --db sqlite      # the embedded set-up

**Database.** ``--db auto`` (the default) uses DATABASE_URL when it is set, else PostgreSQL at
127.0.0.1:5432 (user postgres) when it answers, else SQLite in WAL mode in a temporary directory.
PostgreSQL is preferred because it is where workers scale out (production); a throwaway database
``rongmei_bench_publish_<pid>`` is created next to the given one and dropped at the end.

**What runs.** The bench process migrates the database, builds the test newsroom
(``rongmei.testing.Newsroom`` with the 三审 workflow), starts the contract servers of WeChat,
Weibo and a partner center in a child process (``--serve-contracts``: threads of
``rongmei.distribution.contract``, plus a small control server that reports what they recorded),
points six channels at them — website, app, rss (local confirmations), wechat, weibo and one
partner_push channel (a county center; signed ninjs with an Idempotency-Key) — and starts the
production processes with the bench's settings: two workers, each ``python -m rongmei db_worker
--no-reload --interval 1`` (the demo's command), and ``python -m rongmei scheduler`` (it queues
``outbox_retry_due`` once a minute). Every story carries the channel versions the editor's form
pre-fills (the section's default channels WeChat and Weibo), so the channels are chosen as in the
admin. WeChat's channel polls ``freepublish/get`` every 0.2 s (its contract server answers
"publishing" once per job).

**How stories are approved.** The story event → outbox path is always the real one: publishing a
revision fires Wagtail's ``page_published``, ``newsroom.services.story_published`` emits the
event, ``distribution.services.on_story_event`` writes the outbox rows in the publishing
transaction, and the delivery tasks are queued on commit. For volume (steady, flaky and kill
runs) one process writes stories one after another, each saved as a draft revision and then
published with ``rongmei.testing.publish_outside_review`` (the four review calls per story would
make the producer, not the pipeline, what is measured); the idle run takes every story through
the real 三审 services (``submit_for_review`` → ``approve`` × 3; the final approval publishes).

**What is measured.** Per story: from the commit of the publishing transaction (an on-commit
callback registered first in the transaction) to the last of its six ``StoryChannelStatus`` rows'
``published_at`` (written by the worker when the channel confirmed). Runs:

1. *steady*: N stories approved back to back while two workers deliver: p50/p95 latency, jobs/s
   (6 × N jobs from the first commit to the last confirmation) and the approval rate.
2. *flaky*: the partner center answers 502 to the first push of every second story (half of the
   first attempts fail; the retry succeeds). The outbox waits ``FIRST_BACKOFF`` (30 s) before the
   retry is due, and the scheduler's once-a-minute ``retry_due`` queues it (``--sweep-seconds``
   adds a faster sweep from the bench, to see what a shorter interval would give).
3. *kills*: stories are approved while a worker is SIGKILLed and restarted 20 times. A killed
   worker leaves its outbox row "sending" until its lease (``DEFAULT_LEASE``, 5 minutes) runs out,
   and its task "running" for ever; the scheduler's sweep then hands the row to a live worker.
   Lost = a story/channel neither published nor waiting for a person (``manual``: Weibo after a
   post whose outcome is unknown, which Rongmei never repeats by itself); duplicated = more than
   one article/post/push for one story in the contract servers' records (website/app/rss: more
   than one outbox row).
4. *idle*: 20 stories one at a time through the real 三审, each after the workers have been idle.

The kill run goes first: the sends it interrupts wait out their lease while the steady, flaky and
idle runs go on (a few extra jobs among thousands), and its outcome is collected at the end.

The last line is key=value figures.
"""

import argparse
import json
import math
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.request import Request as HTTPRequest
from urllib.request import urlopen

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHANNELS = ("website", "app", "rss", "wechat", "weibo", "partner")  # "partner" = the partner_push channel
WECHAT_SECRET = "bench-wechat-app-secret"
WEIBO_TOKEN = "bench-weibo-access-token"
PARTNER_SECRET = "bench-partner-signing-secret-0123456789"
WORKER_COMMAND = ["-m", "rongmei", "db_worker", "--no-reload", "--interval", "1"]
SCHEDULER_COMMAND = ["-m", "rongmei", "scheduler"]


# --- the contract servers' process ---------------------------------------------------------------------


def quiet_about_killed_workers(http_server) -> None:
    """A worker killed mid-request resets its connection: not worth a traceback in the output."""
    report = http_server.handle_error

    def handle_error(request, client_address):
        if not isinstance(sys.exc_info()[1], OSError):
            report(request, client_address)

    http_server.handle_error = handle_error


def serve_contracts() -> None:
    """Run the three contract servers and a control server until stdin closes (the bench exits)."""
    import django

    django.setup()
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from rongmei.distribution.contract.base import Response
    from rongmei.distribution.contract.partner import PUSH_PATH, PartnerContractServer
    from rongmei.distribution.contract.wechat import WeChatContractServer
    from rongmei.distribution.contract.weibo import WeiboContractServer

    story_number = re.compile(r":story(\d+):")

    class FlakyPartner(PartnerContractServer):
        """Answers 502 to the first push of every second story while ``flaky`` is on."""

        flaky = False

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.failed_keys: set[str] = set()
            self.duplicates = 0

        def receive(self, request):
            key = request.headers.get("idempotency-key", "")
            found = story_number.search(key)
            with self.lock:
                fail = self.flaky and found and int(found.group(1)) % 2 == 0 and key not in self.failed_keys
                if fail:
                    self.failed_keys.add(key)
            if fail:
                return Response(502, "<html><body>502 Bad Gateway</body></html>", "text/html")
            response = super().receive(request)
            if isinstance(response.body, dict) and response.body.get("status") == "duplicate":
                with self.lock:
                    self.duplicates += 1
            return response

    wechat = WeChatContractServer(secret=WECHAT_SECRET)
    weibo = WeiboContractServer(access_token=WEIBO_TOKEN, safe_domain="localhost")
    partner = FlakyPartner(secret=PARTNER_SECRET)
    for server in (wechat, weibo, partner):
        server.start()
        quiet_about_killed_workers(server._server)

    def records() -> dict:
        with wechat.lock:
            articles = [
                {"link": a["article"].get("content_source_url", ""), "deleted": a["deleted"]}
                for a in wechat.articles.values()
            ]
            drafts = [
                {"link": d["articles"][0].get("content_source_url", ""), "submitted": d["submitted"]}
                for d in wechat.drafts.values()
            ]
        with weibo.lock:
            posts = [{"id": p["idstr"], "text": p["text"]} for p in weibo.posts]
        with partner.lock:
            received = [
                {"key": r["key"], "event": r["event"], "uri": r["item"].get("uri", "")}
                for r in partner.received
            ]
            pushes = len([c for c in partner.calls if c.path == PUSH_PATH])
            refused = list(partner.refused)
            failed = len(partner.failed_keys)
            duplicates = partner.duplicates
        return {
            "wechat": {"articles": articles, "drafts": drafts, "calls": len(wechat.calls)},
            "weibo": {"posts": posts, "calls": len(weibo.calls)},
            "partner": {
                "received": received,
                "pushes": pushes,
                "refused": refused,
                "failed_on_purpose": failed,
                "duplicates_answered": duplicates,
            },
        }

    class Control(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, data):
            body = json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            self._answer(records())

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            data = json.loads(self.rfile.read(length) or b"{}")
            FlakyPartner.flaky = bool(data.get("flaky"))
            self._answer({"flaky": FlakyPartner.flaky})

    def wechat_publishes_by_itself():
        # Real WeChat finishes a publishing job whether or not anyone asks (a worker killed after
        # freepublish/submit never asks); the contract server only does it when asked.
        while True:
            time.sleep(5)
            wechat.finish_publishing()

    threading.Thread(target=wechat_publishes_by_itself, daemon=True).start()
    control = ThreadingHTTPServer(("127.0.0.1", 0), Control)
    threading.Thread(target=control.serve_forever, daemon=True).start()
    print(
        json.dumps(
            {
                "wechat": wechat.base_url,
                "wechat_app_id": wechat.app_id,
                "weibo": weibo.base_url,
                "weibo_uid": weibo.uid,
                "partner_push": partner.push_url,
                "control": f"http://127.0.0.1:{control.server_address[1]}",
            }
        ),
        flush=True,
    )
    sys.stdin.read()  # until the bench closes the pipe (or dies)


class Contracts:
    """The bench's handle on the contract servers' process."""

    def __init__(self, env):
        self.process = subprocess.Popen(
            [PYTHON, __file__, "--serve-contracts"],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.urls = json.loads(self.process.stdout.readline())

    def records(self) -> dict:
        with urlopen(self.urls["control"], timeout=30) as answer:
            return json.loads(answer.read())

    def set_flaky(self, on: bool) -> None:
        request = HTTPRequest(self.urls["control"], data=json.dumps({"flaky": on}).encode(), method="POST")
        with urlopen(request, timeout=30) as answer:
            answer.read()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- workers -------------------------------------------------------------------------------------------


class Workers:
    """Two (``count``) db_worker processes, each may be killed with SIGKILL and started again, and
    the scheduler (which queues ``outbox_retry_due`` once a minute, as in production)."""

    def __init__(self, env, count, log_dir: Path):
        self.env = env
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen | None] = [None] * count
        self.started = 0
        for slot in range(count):
            self.start(slot)
        with open(log_dir / "scheduler.log", "w") as log:
            self.scheduler = subprocess.Popen(
                [PYTHON, *SCHEDULER_COMMAND], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
            )

    def start(self, slot: int) -> None:
        self.started += 1
        log = open(self.log_dir / f"worker-{slot}-{self.started}.log", "w")  # noqa: SIM115
        self.processes[slot] = subprocess.Popen(
            [PYTHON, *WORKER_COMMAND], cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()

    def kill(self, slot: int) -> None:
        process = self.processes[slot]
        os.kill(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        everything = [*self.processes, self.scheduler]
        for process in everything:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in everything:
            if process is not None:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


# --- database ------------------------------------------------------------------------------------------


def postgres_reachable(url: str) -> bool:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    try:
        psycopg.connect(
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            dbname=config["NAME"] or "postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error:
        return False
    return True


def set_up_database(args, tmp: Path):
    """(DATABASE_URL of a throwaway database, a function that drops it, a label)."""
    url = os.environ.get("DATABASE_URL", "")
    if args.db == "sqlite" or (args.db == "auto" and url.startswith("sqlite")):
        url = ""
    elif not url and args.db in ("auto", "postgres"):
        candidate = "postgres://postgres@127.0.0.1:5432/postgres"
        if args.db == "postgres" or postgres_reachable(candidate):
            url = candidate
    if url.startswith(("postgres://", "postgresql://")):
        import dj_database_url
        import psycopg

        config = dj_database_url.parse(url)
        name = f"rongmei_bench_publish_{os.getpid()}"
        admin = psycopg.connect(
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        )
        admin.execute(f'CREATE DATABASE "{name}"')

        def drop():
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()

        return url.rsplit("/", 1)[0] + "/" + name, (None if args.keep else drop), "postgresql"
    return f"sqlite:///{tmp}/bench.sqlite3", None, "sqlite"


# --- the newsroom --------------------------------------------------------------------------------------


class Bench:
    def __init__(self, args, contracts: Contracts):
        from rongmei.testing import Newsroom

        self.args = args
        self.contracts = contracts
        self.newsroom = Newsroom()
        from rongmei.review import services as review_services

        review_services.ensure_review_workflow(self.newsroom.home)
        self.cover = self._cover()
        self.partner_code = self._channels()
        self.serial = 0
        self.stories: dict[int, dict] = {}  # pk → {"url", "run", "t_commit"}

    def _cover(self):
        from io import BytesIO

        from django.core.files.images import ImageFile
        from PIL import Image

        from rongmei.distribution.adapters.wechat import COVER_SPECS

        buffer = BytesIO()
        Image.new("RGB", (1200, 800), (30, 120, 200)).save(buffer, "JPEG", quality=85)
        from rongmei.media.models import NewsImage

        image = NewsImage.objects.create(
            title="封面",
            caption="发布会现场",
            credit="记者 王明 摄",
            file=ImageFile(buffer, name="cover.jpg"),
        )
        image.get_rendition(COVER_SPECS[0])  # made once here, not raced by two workers
        return image

    def _channels(self) -> str:
        from rongmei.distribution import services
        from rongmei.distribution.models import Channel
        from rongmei.partners import services as partner_services
        from rongmei.partners.models import Partner

        urls = self.contracts.urls
        services.ensure_channels()
        Channel.objects.filter(code__in=["douyin", "xuexi", "print"]).update(enabled=False)
        Channel.objects.filter(code="wechat").update(
            enabled=True,
            config={
                "base_url": urls["wechat"],
                "app_id": urls["wechat_app_id"],
                "timeout": 10,
                "poll_seconds": 10,
                # The contract server answers "publishing" once per job; real WeChat takes its own time.
                "poll_interval": 0.2,
            },
        )
        Channel.objects.filter(code="weibo").update(
            enabled=True,
            config={
                "base_url": urls["weibo"],
                "rip": "203.0.113.7",
                "safe_domain": "localhost",
                "uid": urls["weibo_uid"],
                "timeout": 10,
            },
        )
        partner = Partner(
            name="某县融媒体中心",
            level=Partner.Level.COUNTY,
            push_url=urls["partner_push"],
            pull_allowed=False,
        )
        partner = partner_services.save_partner(partner, acting_user=self.newsroom.admin)
        partner_services.set_signing_secret(partner, acting_user=self.newsroom.admin, secret=PARTNER_SECRET)
        enabled = sorted(Channel.objects.filter(enabled=True).values_list("code", flat=True))
        expected = sorted(["website", "app", "rss", "wechat", "weibo", partner.channel_code])
        assert enabled == expected, enabled
        return partner.channel_code

    def channel_key(self, code: str) -> str:
        return "partner" if code == self.partner_code else code

    # --- stories ---

    def draft(self, run: str):
        """A story with the channel versions the editor's form pre-fills, saved as a draft revision."""
        from rongmei.distribution.models import StoryChannelVersion
        from rongmei.distribution.services import default_channels_for
        from rongmei.newsroom.models import StoryPage

        self.serial += 1
        n = self.serial
        section = self.newsroom.section
        story = StoryPage(
            title=f"第{n}号稿件：全市重点项目建设提速增效（{run}）",
            slug=f"bench-{n}",
            lead="记者从市发改委获悉，今年以来全市重点项目建设进展顺利，一季度完成投资超百亿元。",
            body="<p>" + "全市各地认真落实各项部署，推动经济社会高质量发展。" * 8 + "</p>",
            owner=self.newsroom.reporter,
            outlet=self.newsroom.outlet,
            cover_image=self.cover,
            live=False,
        )
        story.channel_versions = [
            StoryChannelVersion(channel=channel, sort_order=index)
            for index, channel in enumerate(default_channels_for(section))
        ]
        section.add_child(instance=story)
        revision = story.save_revision(user=self.newsroom.reporter)
        return story, revision

    def publish(self, story, revision, run: str) -> float:
        """Publish outside review (the real event → outbox path); the commit's time."""
        from django.db import transaction

        from rongmei.testing import publish_outside_review

        stamp = []
        with transaction.atomic():
            transaction.on_commit(lambda: stamp.append(time.time()))
            publish_outside_review(revision, user=self.newsroom.chief)
        self._remember(story, run, stamp[0])
        return stamp[0]

    def pass_review(self, story, run: str) -> float:
        """The real 三审: submit, approve at each level; the final approval publishes."""
        from django.db import transaction

        from rongmei.newsroom.models import StoryPage
        from rongmei.review import services as review_services

        newsroom = self.newsroom
        review_services.submit_for_review(StoryPage.objects.get(pk=story.pk), acting_user=newsroom.reporter)
        for reviewer in (newsroom.editor, newsroom.director):
            review_services.approve(StoryPage.objects.get(pk=story.pk), acting_user=reviewer)
        stamp = []
        with transaction.atomic():
            transaction.on_commit(lambda: stamp.append(time.time()))
            review_services.approve(StoryPage.objects.get(pk=story.pk), acting_user=newsroom.chief)
        story = StoryPage.objects.get(pk=story.pk)
        assert story.live, "the final approval did not publish the story"
        self._remember(story, run, stamp[0])
        return stamp[0]

    def _remember(self, story, run, t_commit):
        from rongmei.newsroom.models import StoryPage

        url = StoryPage.objects.get(pk=story.pk).get_full_url()
        self.stories[story.pk] = {"url": url, "run": run, "t_commit": t_commit}

    # --- reading the outcome ---

    def published(self, pks) -> dict:
        """{pk: {channel: published_at timestamp}} of the confirmed channels."""
        from rongmei.distribution.models import StoryChannelStatus

        out = {pk: {} for pk in pks}
        rows = StoryChannelStatus.objects.filter(
            story_id__in=list(pks), state=StoryChannelStatus.State.PUBLISHED
        ).values_list("story_id", "channel__code", "published_at")
        for pk, code, at in rows:
            out[pk][self.channel_key(code)] = at.timestamp()
        return out

    def wait_all(self, pks, *, deadline: float, sweep: float | None = None, quiet=False) -> dict:
        """Until every story has its six channels published (or the deadline); sweeps retry_due."""
        from rongmei.core import outbox

        last_sweep = time.monotonic()
        while True:
            done = self.published(pks)
            missing = sum(1 for pk in pks if len(done[pk]) < len(CHANNELS))
            if not missing or time.monotonic() > deadline:
                if not quiet:
                    print(" " * 60, end="\r", flush=True)
                return done
            if sweep is not None and time.monotonic() - last_sweep >= sweep:
                outbox.retry_due()
                last_sweep = time.monotonic()
            if not quiet:
                print(f"  … {missing} stories not on every channel yet   ", end="\r", flush=True)
            time.sleep(0.1 if len(pks) < 5 else 0.5)

    def states(self, pks) -> dict:
        from rongmei.distribution.models import StoryChannelStatus

        out = {}
        for pk, code, state, error in StoryChannelStatus.objects.filter(story_id__in=list(pks)).values_list(
            "story_id", "channel__code", "state", "error"
        ):
            out[(pk, self.channel_key(code))] = (state, error)
        return out


# --- runs ----------------------------------------------------------------------------------------------


def percentile(values, p):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p * len(ordered)) - 1))]


def latencies(bench, pks, done):
    out = []
    for pk in pks:
        if len(done[pk]) == len(CHANNELS):
            out.append(max(done[pk].values()) - bench.stories[pk]["t_commit"])
    return out


def wait_for_empty_queue(timeout=600.0):
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + timeout
    while DBTaskResult.objects.ready().exists() and time.monotonic() < deadline:
        time.sleep(0.5)


def run_volume(bench, count, run, *, on_start=None, keep_going=None, pace=0.0):
    """Write and approve ``count`` stories one after another, each a draft first (its Wagtail tasks
    join the queue, as an editor's save does) and then published; ``keep_going()``: more while it
    says so; ``pace``: at least so many seconds from one approval to the next. Returns (pks, first
    commit, last commit)."""
    wait_for_empty_queue()  # what earlier runs left is not in the way
    if on_start is not None:
        on_start()
    pks, first = [], None
    while len(pks) < count or (keep_going is not None and keep_going()):
        story, revision = bench.draft(run)
        t = bench.publish(story, revision, run)
        first = first if first is not None else t
        pks.append(story.pk)
        if pace:
            time.sleep(max(0.0, t + pace - time.time()))
    return pks, first, time.time()


def summarise(name, bench, pks, done, first_commit, last_commit):
    lat = latencies(bench, pks, done)
    finished = [max(done[pk].values()) for pk in pks if len(done[pk]) == len(CHANNELS)]
    span = (max(finished) - first_commit) if finished else float("nan")
    jobs = sum(len(done[pk]) for pk in pks)
    figures = {
        "stories": len(pks),
        "complete": len(lat),
        "p50_s": percentile(lat, 0.50),
        "p95_s": percentile(lat, 0.95),
        "max_s": max(lat) if lat else float("nan"),
        "jobs_per_s": jobs / span if span and span == span else float("nan"),
        "approvals_per_s": len(pks) / max(last_commit - first_commit, 1e-6),
    }
    print(
        f"{name:7} {figures['stories']:5d} stories ({figures['complete']} on all 6 channels): "
        f"p50 {figures['p50_s']:.2f} s, p95 {figures['p95_s']:.2f} s, max {figures['max_s']:.2f} s; "
        f"{jobs} jobs in {span:.1f} s = {figures['jobs_per_s']:.1f} jobs/s; "
        f"approvals {figures['approvals_per_s']:.1f}/s",
        flush=True,
    )
    return figures


def audit(bench, records, pks):
    """(lost, duplicated, details) from the contract servers' records and the statuses."""
    from rongmei.core.models import OutboxMessage
    from rongmei.distribution.models import StoryChannelStatus

    by_url = {bench.stories[pk]["url"]: pk for pk in pks}
    url_pattern = re.compile(r"https?://[^\s\u3000-\u303f\uff00-\uffef]+")
    on_platform = {}  # (pk, channel) → count

    def count(pk, channel):
        if pk is not None:
            on_platform[(pk, channel)] = on_platform.get((pk, channel), 0) + 1

    for article in records["wechat"]["articles"]:
        count(by_url.get(article["link"]), "wechat")
    for post in records["weibo"]["posts"]:
        found = [by_url[u] for u in url_pattern.findall(post["text"]) if u in by_url]
        count(found[0] if found else None, "weibo")
    wanted = set(pks)
    for entry in records["partner"]["received"]:
        if entry["event"] != "publish":
            continue
        pk = int(entry["uri"].rsplit(":", 1)[1])
        count(pk if pk in wanted else None, "partner")
    # Website, app, rss publish nothing remotely: one outbox row per story and channel is the record.
    rows = OutboxMessage.objects.filter(
        target__startswith="distribution.", object_id__in=list(pks), payload__act="publish"
    ).values_list("object_id", "target")
    for pk, target in rows:
        code = target.split(".", 1)[1]
        if code in ("website", "app", "rss"):
            count(pk, code)
    states = bench.states(pks)
    lost, duplicated, details = 0, 0, []
    manual_on_platform = 0
    for pk in pks:
        for channel in CHANNELS:
            n = on_platform.get((pk, channel), 0)
            state, error = states.get((pk, channel), ("missing", ""))
            if n > 1:
                duplicated += n - 1
                details.append(f"duplicated: story {pk} on {channel} ×{n}")
            if state == StoryChannelStatus.State.PUBLISHED and n >= 1:
                continue
            if state == StoryChannelStatus.State.NEEDS_MANUAL:
                # Weibo after an unknown outcome: a person looks and posts by hand if it is not there.
                manual_on_platform += 1
                there = "the post is there once" if n == 1 else "the post is not there: post by hand"
                details.append(f"needs manual check ({there}): story {pk} on {channel}")
                continue
            lost += 1
            details.append(
                f"lost: story {pk} on {channel}: state {state}, {n} on the platform; {error[:160]}"
            )
    return lost, duplicated, manual_on_platform, details


def idle_run(bench, count):
    lat = []
    for _ in range(count):
        time.sleep(2.0)  # the workers are idle (sleeping in their poll loop)
        story, _revision = bench.draft("idle")
        bench.pass_review(story, "idle")
        done = bench.wait_all([story.pk], deadline=time.monotonic() + 60, quiet=True)
        lat.extend(latencies(bench, [story.pk], done))
    print(
        f"idle    {count:5d} stories one at a time through 三审: p50 {percentile(lat, 0.5):.2f} s, "
        f"p95 {percentile(lat, 0.95):.2f} s, max {max(lat):.2f} s ({len(lat)} complete)",
        flush=True,
    )
    return lat


def kill_run(bench, workers: Workers, args):
    """Approve stories while killing a worker ``args.kills`` times (and starting it again)."""
    rng = random.Random(args.seed)
    kills = []
    stop = threading.Event()

    def killer():
        time.sleep(3.0)
        for i in range(args.kills):
            if stop.is_set():
                return
            slot = i % len(workers.processes)
            workers.kill(slot)
            kills.append(time.time())
            workers.start(slot)
            # A started worker needs ~2-4 s to load Django; kill it once it is working again.
            time.sleep(rng.uniform(3.0, 6.0))

    thread = threading.Thread(target=killer, daemon=True)
    # Two approvals a second (12 jobs/s), about what two workers deliver: the kills meet busy
    # workers without a backlog that would outlast them.
    pks, first, last = run_volume(
        bench, args.kill_stories, "kill", on_start=thread.start, keep_going=thread.is_alive, pace=0.5
    )
    thread.join()
    stop.set()
    return pks, first, last, kills


def steady_run(bench, args, figures, all_pks):
    print(f"steady: {args.stories} stories written and approved one after another, 2 workers", flush=True)
    pks, first, last = run_volume(bench, args.stories, "steady")
    done = bench.wait_all(pks, deadline=time.monotonic() + 1200)
    steady = summarise("steady", bench, pks, done, first, last)
    figures.update(
        stories=steady["stories"],
        channels=len(CHANNELS),
        p50_s=steady["p50_s"],
        p95_s=steady["p95_s"],
        jobs_per_s=steady["jobs_per_s"],
        approvals_per_s=steady["approvals_per_s"],
    )
    all_pks += pks


def flaky_run(bench, args, figures, all_pks):
    print(
        f"flaky: {args.flaky_stories} stories, the partner center answers 502 to every second story's "
        "first push",
        flush=True,
    )
    bench.contracts.set_flaky(True)
    pks, first, last = run_volume(bench, args.flaky_stories, "flaky")
    done = bench.wait_all(pks, deadline=time.monotonic() + 900, sweep=args.sweep_seconds)
    bench.contracts.set_flaky(False)
    flaky = summarise("flaky", bench, pks, done, first, last)
    figures.update(flaky_stories=flaky["stories"], flaky_p50_s=flaky["p50_s"], flaky_p95_s=flaky["p95_s"])
    all_pks += pks


def kills_run(bench, workers, args):
    """Approve stories while a worker is killed ``args.kills`` times; the rows the kills interrupted
    wait out their lease while the other runs go on (``finish_kills`` collects the outcome)."""
    print(
        f"kills: {args.kills} SIGKILLs of a worker while stories are approved (≥{args.kill_stories})",
        flush=True,
    )
    pks, first, last, kills = kill_run(bench, workers, args)
    print(f"  {len(pks)} stories approved, {len(kills)} kills", flush=True)
    return pks, first, last, kills


def finish_kills(bench, args, figures, all_pks, started):
    from rongmei.core import outbox
    from rongmei.core.models import OutboxMessage

    pks, first, last, kills = started
    lease = outbox.DEFAULT_LEASE.total_seconds()
    last_kill = kills[-1] if kills else time.time()
    print(f"kills: waiting for the leases of interrupted sends ({lease:.0f} s after the kill) and the sweep")
    done = bench.wait_all(
        pks, deadline=last_kill - time.time() + time.monotonic() + lease + 180, sweep=args.sweep_seconds
    )
    killed = summarise("kills", bench, pks, done, first, last)
    interrupted = OutboxMessage.objects.filter(
        target__startswith="distribution.", object_id__in=pks, attempts__gt=1
    ).count()
    print(f"  sends interrupted by a kill and taken over after the lease: {interrupted}", flush=True)
    figures.update(
        kill_stories=killed["stories"],
        kills=len(kills),
        interrupted=interrupted,
        kill_p95_s=killed["p95_s"],
        kill_max_s=killed["max_s"],
    )
    all_pks += pks


def job_times(bench):
    """Per channel: how long a delivery task ran (started → finished) and waited in the queue."""
    from django_tasks_db.models import DBTaskResult

    from rongmei.core.models import OutboxMessage

    targets = dict(OutboxMessage.objects.values_list("pk", "target"))
    runs, waits = {}, {}
    rows = DBTaskResult.objects.filter(
        task_path="rongmei.core.tasks.deliver_outbox_message", status="SUCCESSFUL"
    ).values_list("args_kwargs", "enqueued_at", "started_at", "finished_at", "return_value")
    for args_kwargs, enqueued, started, finished, returned in rows:
        if returned is None or not started or not finished:
            continue
        code = targets.get((args_kwargs.get("args") or [None])[0], "?").split(".", 1)[-1]
        key = bench.channel_key(code)
        runs.setdefault(key, []).append((finished - started).total_seconds())
        waits.setdefault(key, []).append((started - enqueued).total_seconds())
    print(
        "delivery task run time p50/p95 (s): "
        + ", ".join(
            f"{key} {percentile(runs[key], 0.5):.2f}/{percentile(runs[key], 0.95):.2f}"
            for key in CHANNELS
            if key in runs
        ),
        flush=True,
    )


# --- main ----------------------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=1000, help="stories in the steady run (default 1000)")
    parser.add_argument("--flaky-stories", type=int, default=None, help="default: min(stories, 300)")
    parser.add_argument("--kill-stories", type=int, default=None, help="at least (default min(stories, 200))")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--idle", type=int, default=20, help="stories through 三审 one at a time")
    parser.add_argument(
        "--sweep-seconds",
        type=float,
        default=None,
        help="also call outbox.retry_due() every … s (flaky, kills; default: only the scheduler, once a minute)",
    )
    parser.add_argument(
        "--runs", default="steady,flaky,kills,idle", help="which runs, comma-separated (default: all four)"
    )
    parser.add_argument("--db", choices=("auto", "postgres", "sqlite"), default="auto")
    parser.add_argument("--seed", type=int, default=20261210)
    parser.add_argument("--keep", action="store_true", help="keep the database and the worker logs")
    parser.add_argument("--serve-contracts", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_contracts:
        sys.path.insert(0, str(REPO))
        serve_contracts()
        return
    args.flaky_stories = args.flaky_stories if args.flaky_stories is not None else min(args.stories, 300)
    args.kill_stories = args.kill_stories if args.kill_stories is not None else min(args.stories, 200)
    runs = {run.strip() for run in args.runs.split(",") if run.strip()}

    tmp = Path(tempfile.mkdtemp(prefix="rongmei-bench-publish-"))
    database_url, drop, db_label = set_up_database(args, tmp)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rongmei.settings",
        "DATABASE_URL": database_url,
        "RONGMEI_VAR_DIR": str(tmp),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",  # 三审 notifications
        # The contract servers listen on 127.0.0.1, as an intranet address the newsroom allows.
        "OUTBOUND_ALLOWED_NETWORKS": "127.0.0.1/32",
        "RONGMEI_CHANNEL_WECHAT_APP_SECRET": WECHAT_SECRET,
        "RONGMEI_CHANNEL_WEIBO_ACCESS_TOKEN": WEIBO_TOKEN,
        "PYTHONPATH": str(REPO),
    }
    env.pop("REDIS_URL", None)
    os.environ.update(env)
    sys.path.insert(0, str(REPO))
    contracts = workers = None
    figures = {"db": db_label}
    try:
        import django

        django.setup()
        from django.core.management import call_command

        started = time.monotonic()
        call_command("migrate", verbosity=0)
        print(
            f"database: {db_label} ({database_url.split('@')[-1]}), migrated in {time.monotonic() - started:.0f} s",
            flush=True,
        )
        contracts = Contracts(env)
        bench = Bench(args, contracts)
        workers = Workers(env, 2, tmp)

        # Warm-up: both workers load Django, fetch a WeChat token, make the renditions.
        for _ in range(4):
            bench.publish(*bench.draft("warm"), "warm")
        warm_pks = [pk for pk, s in bench.stories.items() if s["run"] == "warm"]
        bench.wait_all(warm_pks, deadline=time.monotonic() + 120, quiet=True)

        all_pks = []
        # The kills first: the sends they interrupt wait out their 5-minute lease during the other runs.
        killed = kills_run(bench, workers, args) if "kills" in runs else None
        if "steady" in runs:
            steady_run(bench, args, figures, all_pks)
        if "flaky" in runs:
            flaky_run(bench, args, figures, all_pks)
        if "idle" in runs:
            lat = idle_run(bench, args.idle)
            figures.update(
                idle_stories=len(lat), idle_p50_s=percentile(lat, 0.5), idle_p95_s=percentile(lat, 0.95)
            )
            all_pks += [pk for pk, s in bench.stories.items() if s["run"] == "idle"]
        if killed is not None:
            finish_kills(bench, args, figures, all_pks, killed)

        # Exactly once, over every run.
        all_pks += warm_pks
        records = contracts.records()
        lost, duplicated, manual, details = audit(bench, records, all_pks)
        for line in details[:40]:
            print("  " + line)
        from django_tasks_db.models import DBTaskResult

        orphaned = DBTaskResult.objects.filter(status="RUNNING").count()
        deliveries = DBTaskResult.objects.filter(task_path="rongmei.core.tasks.deliver_outbox_message")
        idle_deliveries = deliveries.filter(status="SUCCESSFUL", return_value__isnull=True).count()
        other_tasks = DBTaskResult.objects.exclude(task_path__startswith="rongmei.core.tasks.").count()
        job_times(bench)
        print(
            f"tasks: {deliveries.count()} deliveries ({idle_deliveries} found their message sent or taken "
            f"already: queued twice, e.g. by the minute's retry_due while its first task waited), "
            f"{other_tasks} Wagtail/search tasks in the same queue",
            flush=True,
        )
        print(
            f"exactly once over {len(all_pks)} stories × 6 channels: lost {lost}, duplicated {duplicated}, "
            f"needs manual check {manual}; partner pushes {records['partner']['pushes']} "
            f"({records['partner']['duplicates_answered']} answered 'duplicate'), WeChat drafts "
            f"{len(records['wechat']['drafts'])} for {len(records['wechat']['articles'])} articles; "
            f"tasks left 'running' by killed workers: {orphaned}",
            flush=True,
        )
        figures.update(lost=lost, duplicated=duplicated, manual=manual, orphaned_tasks=orphaned)
        order = [
            "stories", "channels", "p50_s", "p95_s", "jobs_per_s", "approvals_per_s", "flaky_stories",
            "flaky_p50_s", "flaky_p95_s", "kill_stories", "kills", "interrupted", "kill_p95_s", "kill_max_s", "lost",
            "duplicated", "manual", "orphaned_tasks", "idle_stories", "idle_p50_s", "idle_p95_s", "db",
        ]  # fmt: skip
        print(
            " ".join(
                f"{k}={figures[k]:.2f}" if isinstance(figures[k], float) else f"{k}={figures[k]}"
                for k in order
                if k in figures
            )
        )
    finally:
        if workers is not None:
            workers.stop()
        if contracts is not None:
            contracts.stop()
        from django.db import connections

        connections.close_all()
        if drop is not None:
            drop()
        if args.keep:
            print(f"kept: {tmp} ({database_url})")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
