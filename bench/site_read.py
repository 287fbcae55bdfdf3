"""Read throughput of the public site: home, section, article and feed, page cache on and off, beside a bare
view and beside WordPress, and a "publish during load" phase.

Run from the repository root:  .venv/bin/python bench/site_read.py

It makes everything it needs in a temporary directory: a SQLite database, a newsroom with ~200
stories, then starts gunicorn (2 workers × 4 threads, the demo's deployment) on 127.0.0.1 and
drives it at 64 connections (BENCH_CONNECTIONS) from a separate load-generator process: wrk when it
is installed (as in issue 12's measurements), otherwise Python threads with keep-alive http.client.
Each target runs BENCH_SECONDS (10 by default) after a warm-up. The bare endpoint is measured on
the same server in the same run. The last line is a single key=value summary.

First, in its own process, a "render CPU" phase: CPU milliseconds (time.process_time) per uncached
render of home and article through the test client (page cache off, BENCH_RENDERS renders, 50 by
default), beside a view rendering a trivial template: home_render_ms, article_render_ms and
bare_render_ms in the summary, with the teaser and article fragments in the cache; and with none
of them (new key prefixes before each render, as bench/render_cpu.py does): home_render_cold_ms,
article_render_cold_ms. ``--render-only`` stops after it (and prints its own key=value line);
``--profile home|article`` prints a cProfile of that page (BENCH_PROFILE_FILTER: a regex on the
listed functions); ``--workdir DIR`` keeps the database there and reuses it next time.

Last, "publish during load" (page cache on): readers load the home page at 64 connections for
BENCH_PUBLISH_SECONDS (20) while another process publishes a story every 2 s through Wagtail's
publishing in a transaction, as the review services do (the signals the page cache listens to, the
story events), against the same database. It
reports the readers' p50/p99 during the phase, the renders each publish caused (responses with
``X-Cache: miss``, readers and the watcher together, per publish) and how long each new story took
to show on the home page (the publisher's watcher polls it every 20 ms after each publish).

Then WordPress, in the same run on the same machine (issue 12 asks Rongmei's uncached home for at
least 4x WordPress's requests per second): WordPress 6 from Debian's packages behind nginx and php-fpm
with Debian's stock pool (pm = dynamic, 5 children) and opcache, no page cache, with the stories
--setup made (title, lead, body; ``--export-stories`` reads them from the database) in a throwaway
MariaDB database. bench/_wordpress.py sets it up in the work directory and takes it all down again
(scripts/install-bench-deps.sh installs the packages when missing). gunicorn is stopped by then; the
home page and the same article as Rongmei's are measured like the other targets (warm-up, then wrk
or the Python threads, same seconds and connections): wp_home_*, wp_article_* and the ratios
home_uncached_vs_wp, article_uncached_vs_wp (Rongmei uncached req/s / WordPress req/s) in the
summary. ``--no-wordpress`` skips it; without the packages and without apt-get it is skipped with a
message; if WordPress fails to start, Rongmei's figures are printed all the same (and the exit
status is 1).
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
STORIES = 200
WORKERS = 2
THREADS = 4
CONCURRENCY = int(os.environ.get("BENCH_CONNECTIONS", "64"))
SECONDS_PER_TARGET = float(os.environ.get("BENCH_SECONDS", "10"))
MAX_REQUESTS_PER_TARGET = 200_000
WARMUP_REQUESTS = 20
PUBLISH_SECONDS = float(os.environ.get("BENCH_PUBLISH_SECONDS", "20"))
PUBLISH_EVERY = 2.0
TARGETS = ("bare", "home", "section", "article", "feed")
WRK = shutil.which("wrk")
# The source of every story --setup makes: how --export-stories tells them from later ones.
SETUP_SOURCE = "淄博日报"


# --- Setup (runs in a child process with the bench environment) -------------------------------


def setup_newsroom() -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)

    from rongmei.review.services import publishing_outside_review
    from rongmei.testing import Newsroom

    with publishing_outside_review("bench data: stories made live directly"):
        return _fill_newsroom(Newsroom(), now=timezone.now())


def _fill_newsroom(newsroom, *, now) -> dict:
    from datetime import timedelta
    from io import BytesIO

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage

    from rongmei.media.models import NewsImage
    from rongmei.newsroom.models import (
        CorrectionNote,
        CreditRole,
        Region,
        SectionPage,
        StoryCredit,
        StoryPage,
        TopicIndexPage,
        TopicPage,
    )

    # The bench server answers on 127.0.0.1; make the site's own URLs match it.
    site = newsroom.home.get_site()
    site.hostname = "127.0.0.1"
    site.save()
    sections = [newsroom.section, newsroom.other_section]
    for title, slug in (("经济", "jingji"), ("文旅", "wenlv"), ("评论", "pinglun")):
        sections.append(newsroom.home.add_child(instance=SectionPage(title=title, slug=slug)))
    province = Region.objects.create(name="山东省", slug="shandong", level=Region.Level.PROVINCE)
    city = Region.objects.create(name="淄博市", slug="zibo", level=Region.Level.CITY, parent=province)
    index = newsroom.home.add_child(instance=TopicIndexPage(title="专题", slug="zhuanti"))
    topic = index.add_child(instance=TopicPage(title="记者走基层", slug="zoujiceng", summary="走进基层"))

    def image(n):
        buffer = BytesIO()
        PILImage.new("RGB", (1600, 1000), (40 + n * 7 % 200, 80, 120)).save(buffer, "JPEG")
        return NewsImage.objects.create(
            title=f"图片{n}",
            caption=f"第{n}张新闻图片",
            credit="记者 王明 摄",
            file=ImageFile(buffer, name=f"b{n}.jpg"),
        )

    images = [image(n) for n in range(12)]
    paragraph = (
        "<p>"
        + "全市各地认真落实各项部署，推动经济社会高质量发展，群众获得感幸福感安全感不断增强。" * 4
        + "</p>"
    )
    article = None
    for n in range(STORIES):
        cover = images[n % len(images)] if n % 2 == 0 else None
        body = paragraph * 6
        if n % 5 == 0:
            body += f'<embed embedtype="image" id="{images[(n + 1) % len(images)].pk}" format="fullwidth" alt=""/>'
        body += paragraph * 3
        story = StoryPage(
            title=f"第{n}号稿件：全市重点项目建设提速增效",
            kicker="抢抓机遇" if n % 3 == 0 else "",
            subheadline="一季度完成投资超百亿元" if n % 4 == 0 else "",
            lead="记者从市发改委获悉，今年以来全市重点项目建设进展顺利。" * 2,
            body=body,
            source=SETUP_SOURCE,
            outlet=newsroom.outlet,
            cover_image=cover,
            is_headline=n % 20 == 0,
            owner=newsroom.reporter,
            live=True,
            first_published_at=now - timedelta(minutes=STORIES - n),
            last_published_at=now - timedelta(minutes=STORIES - n),
        )
        sections[n % len(sections)].add_child(instance=story)
        story.regions.set([city])
        story.topics.set([topic] if n % 10 == 0 else [])
        story.other_sections.set([newsroom.section] if n % 7 == 0 else [])
        story.tags.add("重点项目")
        story.save()
        StoryCredit.objects.create(story=story, role=CreditRole.REPORTER, staff=newsroom.reporter)
        StoryCredit.objects.create(story=story, role=CreditRole.CORRESPONDENT, name="张通讯")
        if n == STORIES - 10:
            CorrectionNote.objects.create(story=story, text="原稿中数据有误，已更正。")
            article = story
    return {
        "home": "/",
        "section": f"/{newsroom.section.slug}/",
        "article": article.url,
        "feed": "/feeds/latest.xml",
        "bare": "/bench/bare/",
    }


def export_stories(article_path: str) -> dict:
    """The stories --setup made, for WordPress: title, lead, body (rich text as stored), slug and
    publish date (UTC), oldest first; ``article_index`` is the one at ``article_path``."""
    import django

    django.setup()
    from datetime import UTC

    from rongmei.newsroom.models import StoryPage

    posts, article_index = [], None
    stories = StoryPage.objects.live().filter(source=SETUP_SOURCE).order_by("first_published_at", "pk")
    for story in stories:
        if story.url == article_path:
            article_index = len(posts)
        posts.append(
            {
                "title": story.title,
                "lead": story.lead,
                "body": str(story.body),
                "slug": story.slug,
                "date": story.first_published_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            }
        )
    if article_index is None:
        raise RuntimeError(f"no story from --setup at {article_path}")
    return {"posts": posts, "article_index": article_index}


# --- Render CPU (runs in its own process, in-process requests, page cache off) -----------------

RENDERS = int(os.environ.get("BENCH_RENDERS", "50"))


def _bare_template_urlconf():
    """A urlconf with one view rendering a trivial template: the yardstick of the render phase."""
    from django.template import engines
    from django.urls import path

    template = engines["django"].from_string("<!doctype html><title>{{ title }}</title><p>{{ text }}</p>")

    def bare_template(request):
        from django.http import HttpResponse

        return HttpResponse(template.render({"title": "ok", "text": "bare"}, request))

    class BareTemplateUrls:  # a urlconf need only have urlpatterns (and be hashable)
        urlpatterns = [path("bench/template/", bare_template)]

    return BareTemplateUrls


def render_cpu(paths: dict, renders: int = RENDERS, profile: str = "") -> dict:
    """CPU milliseconds per uncached render of home and article (and of a trivial template)."""
    import django

    django.setup()
    from django.test import Client, override_settings

    client = Client(HTTP_HOST="127.0.0.1")

    def get(path):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: status {response.status_code}")

    def cpu_ms(path):
        for _ in range(3):  # renditions, template loading, connection
            get(path)
        started = time.process_time()
        for _ in range(renders):
            get(path)
        return (time.process_time() - started) * 1000 / renders

    def cold_cpu_ms(path):
        """Every teaser and article fragment missing: new key prefixes before each render."""
        from rongmei.website.templatetags import articles, teasers

        total = 0.0
        try:
            for n in range(renders):
                teasers.KEY_PREFIX = f"rongmei:teaser-cold{n}-{secrets.token_hex(4)}:"
                articles.KEY_PREFIX = f"rongmei:article-cold{n}-{secrets.token_hex(4)}:"
                started = time.process_time()
                get(path)
                total += time.process_time() - started
        finally:
            teasers.KEY_PREFIX = "rongmei:teaser:"
            articles.KEY_PREFIX = "rongmei:article:"
        return total * 1000 / renders

    with override_settings(PUBLIC_PAGE_CACHE_ENABLED=False):
        if profile:
            import cProfile
            import pstats

            get(paths[profile])
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(renders):
                get(paths[profile])
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(
                os.environ.get("BENCH_PROFILE_FILTER", ""), 60
            )
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
        home = cpu_ms(paths["home"])
        article = cpu_ms(paths["article"])
        home_cold = cold_cpu_ms(paths["home"])
        article_cold = cold_cpu_ms(paths["article"])
        with override_settings(ROOT_URLCONF=_bare_template_urlconf()):
            bare = cpu_ms("/bench/template/")
    return {
        "home_render_ms": home,
        "article_render_ms": article,
        "home_render_cold_ms": home_cold,
        "article_render_cold_ms": article_cold,
        "bare_render_ms": bare,
    }


# --- Load generator (runs in its own process) ----------------------------------------------


def run_load(port: int, path: str, seconds: float, max_requests: int, concurrency: int) -> dict:
    latencies: list[float] = []
    errors = 0
    counts = {"hit": 0, "miss": 0, "stale": 0}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    budget = [max_requests]

    def worker():
        nonlocal errors
        connection = HTTPConnection("127.0.0.1", port, timeout=30)
        mine, my_errors, my_counts = [], 0, {"hit": 0, "miss": 0, "stale": 0}
        while time.perf_counter() < deadline:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    my_errors += 1
                state = response.getheader("X-Cache")
                if state in my_counts:
                    my_counts[state] += 1
                if response.will_close:
                    connection.close()
                    connection = HTTPConnection("127.0.0.1", port, timeout=30)
            except OSError:
                my_errors += 1
                connection.close()
                connection = HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - start)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors += my_errors
            for state, count in my_counts.items():
                counts[state] += count

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0.0

    return {
        "requests": len(latencies),
        "errors": errors,
        "hits": counts["hit"],
        "misses": counts["miss"],
        "stale": counts["stale"],
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p99_ms": percentile(0.99),
    }


WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) hits = 0; misses = 0; stale = 0; bad = 0 end
function response(status, headers, body)
  local state = headers["X-Cache"] or headers["x-cache"]
  if state == "hit" then hits = hits + 1 elseif state == "miss" then misses = misses + 1
  elseif state == "stale" then stale = stale + 1 end
  if status ~= 200 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local h, m, s, b = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    h = h + t:get("hits"); m = m + t:get("misses"); s = s + t:get("stale"); b = b + t:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "errors": %d, "hits": %d, "misses": %d, "stale": %d, "p50_ms": %.3f, "p99_ms": %.3f}\\n',
    summary.requests, summary.duration / 1e6, b + e.connect + e.read + e.write + e.timeout,
    h, m, s, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def run_wrk(port: int, path: str, seconds: float, concurrency: int) -> dict:
    """wrk (C, two threads) at ``concurrency`` connections; the Lua script counts X-Cache answers."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        command = [
            WRK, "-t2", f"-c{concurrency}", f"-d{max(1, round(seconds))}s", "--timeout", "30s",
            "-s", script.name, f"http://127.0.0.1:{port}{path}",
        ]  # fmt: skip
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(script.name)
    result = json.loads(output.strip().splitlines()[-1])
    result["rps"] = result["requests"] / result.pop("seconds")
    return result


# --- Publish during load (the publisher runs in its own process, against the same database) -----

PUBLISHED_TITLE = "负载中发布的第{n}篇稿件"


def publish_loop(port: int, seconds: float, every: float) -> dict:
    """Publish a story every ``every`` seconds for ``seconds``; after each, watch the home page (one
    keep-alive connection, every 20 ms) until the new title is on it."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import close_old_connections, transaction

    from rongmei.newsroom.models import SectionPage, StoryPage
    from rongmei.organisation.models import Outlet
    from rongmei.review.services import publishing_outside_review

    User = get_user_model()  # noqa: N806

    section = SectionPage.objects.live().order_by("path").first()
    # The chief editor (终审) may publish anywhere; Newsroom() makes one.
    owner = User.objects.filter(username="chief").first() or User.objects.filter(is_superuser=True).first()
    outlet = Outlet.objects.order_by("pk").first()
    watcher = HTTPConnection("127.0.0.1", port, timeout=30)
    visible_ms, watcher_counts, published = [], {"hit": 0, "miss": 0, "stale": 0}, 0
    started = time.monotonic()
    n = 0
    while time.monotonic() - started < seconds:
        tick = time.monotonic()
        n += 1
        title = PUBLISHED_TITLE.format(n=n)
        story = StoryPage(
            title=title, lead="负载测试中发布。", body="<p>正文。</p>", owner=owner, outlet=outlet, live=False
        )
        section.add_child(instance=story)
        revision = story.save_revision(user=owner)
        # In one transaction, as the review's approve() and 突发 emergency_publish() publish: the
        # page cache's on-commit bump then runs once for the act.
        with transaction.atomic(), publishing_outside_review("bench: publish during load"):
            revision.publish(user=owner)
        close_old_connections()
        published += 1
        committed = time.monotonic()
        wanted = title.encode()
        while time.monotonic() - committed < 10:
            try:
                watcher.request("GET", "/", headers={"Host": f"127.0.0.1:{port}"})
                response = watcher.getresponse()
            except (ConnectionError, OSError):
                # gunicorn closes a keep-alive connection idle for its keepalive (2 s), as between two
                # publishes on a quiet machine: open a new one.
                watcher.close()
                watcher = HTTPConnection("127.0.0.1", port, timeout=30)
                watcher.request("GET", "/", headers={"Host": f"127.0.0.1:{port}"})
                response = watcher.getresponse()
            body = response.read()
            state = response.getheader("X-Cache")
            if state in watcher_counts:
                watcher_counts[state] += 1
            if wanted in body:
                visible_ms.append((time.monotonic() - committed) * 1000)
                break
            time.sleep(0.02)
        else:
            visible_ms.append(float("inf"))
        time.sleep(max(0.0, every - (time.monotonic() - tick)))
    watcher.close()
    return {"published": published, "visible_ms": visible_ms, "watcher": watcher_counts}


# --- Orchestration -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, timeout: float = 60.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            connection = HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/bench/bare/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {port} within {timeout:.0f}s")


def start_server(env: dict, port: int) -> subprocess.Popen:
    command = [
        PYTHON, "-m", "gunicorn", "rongmei.wsgi:application",
        "--workers", str(WORKERS), "--threads", str(THREADS), "--bind", f"127.0.0.1:{port}",
        "--log-level", "warning", "--timeout", "60",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def warm_up(env: dict, port: int, path: str) -> None:
    """Renditions, the cache of every worker, connections: a few requests before measuring."""
    warm = [PYTHON, __file__, "--load", str(port), path, "--seconds", "5", "--requests", str(WARMUP_REQUESTS)]
    subprocess.run([*warm, "--concurrency", "4"], env=env, check=True, capture_output=True)


def load(env: dict, port: int, path: str, seconds: float = SECONDS_PER_TARGET) -> dict:
    """Measure ``path`` at CONCURRENCY connections from a separate process (wrk, or Python threads)."""
    if WRK:
        return run_wrk(port, path, seconds, CONCURRENCY)
    command = [
        PYTHON, __file__, "--load", str(port), path,
        "--seconds", str(seconds), "--requests", str(MAX_REQUESTS_PER_TARGET),
        "--concurrency", str(CONCURRENCY),
    ]  # fmt: skip
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def describe(label: str, name: str, result: dict, x_cache: bool = True) -> str:
    cache = (
        f", X-Cache hit {result['hits']} / miss {result.get('misses', 0)} / stale {result.get('stale', 0)}"
        if x_cache
        else ""
    )
    return (
        f"{label:9} {name:8} {result['rps']:8.1f} req/s  p50 {result['p50_ms']:7.1f} ms  "
        f"p99 {result['p99_ms']:7.1f} ms  ({result['requests']} requests, {result['errors']} errors{cache})"
    )


def measure_wordpress(env: dict, workdir: Path, article_path: str) -> dict:
    """WordPress (bench/_wordpress.py) with the same stories, home and article measured as Rongmei's
    pages are; gunicorn is not running by then."""
    from _wordpress import stock_pool, versions, wordpress_site

    exported = subprocess.run(
        [PYTHON, __file__, "--export-stories", article_path],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if exported.returncode:
        raise RuntimeError(f"--export-stories failed ({exported.returncode}):\n{exported.stderr[-3000:]}")
    stories = json.loads(exported.stdout.strip().splitlines()[-1])
    started = time.time()
    results = {}
    with wordpress_site(workdir, stories["posts"], stories["article_index"], free_port()) as (port, wp_paths):
        pool_file, pool = stock_pool()
        print(
            f"wordpress: {versions()}; {len(stories['posts'])} posts, set up in {time.time() - started:.0f}s; "
            f"nginx + php-fpm pool from {pool_file} (pm = {pool['pm']}, max_children {pool['pm.max_children']}, "
            f"start {pool['pm.start_servers']}, spare {pool['pm.min_spare_servers']}-{pool['pm.max_spare_servers']}); "
            f"article {wp_paths['article']}",
            flush=True,
        )
        for name in ("home", "article"):
            warm_up(env, port, wp_paths[name])
            results[name] = load(env, port, wp_paths[name])
            print(describe("wordpress", name, results[name], x_cache=False), flush=True)
    return results


def publish_during_load(env: dict, port: int, home: str) -> dict:
    """Readers on the home page while a separate process publishes a story every PUBLISH_EVERY s."""
    warm_up(env, port, home)
    publisher = subprocess.Popen(
        [PYTHON, __file__, "--publish", str(port), "--seconds", str(PUBLISH_SECONDS)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        readers = load(env, port, home, PUBLISH_SECONDS)
        output, _ = publisher.communicate(timeout=PUBLISH_SECONDS + 60)
    finally:
        if publisher.poll() is None:
            publisher.kill()
    if publisher.returncode:
        raise RuntimeError(f"the publisher failed ({publisher.returncode})")
    published = json.loads(output.strip().splitlines()[-1])
    count = published["published"] or 1
    renders = readers.get("misses", 0) + published["watcher"]["miss"]
    visible = sorted(published["visible_ms"])
    return {
        "readers": readers,
        "published": published["published"],
        "renders": renders,
        "renders_per_publish": renders / count,
        "stale": readers.get("stale", 0) + published["watcher"]["stale"],
        "visible_p50_ms": statistics.median(visible) if visible else 0.0,
        "visible_max_ms": visible[-1] if visible else 0.0,
    }


def main(arguments) -> None:
    # --workdir keeps the database between runs (set up once, then reused): for profiling.
    workdir = (
        Path(arguments.workdir) if arguments.workdir else Path(tempfile.mkdtemp(prefix="rongmei-bench-"))
    )
    workdir.mkdir(parents=True, exist_ok=True)
    saved_paths = workdir / "paths.json"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rongmei.settings",
        "RONGMEI_VAR_DIR": str(workdir),
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "RONGMEI_BENCH_BARE_VIEW": "1",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "0",
        # Production-like, so a real (throwaway) key: the settings refuse to start without one.
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    try:
        started = time.time()
        if saved_paths.exists():
            paths = json.loads(saved_paths.read_text())
        else:
            output = subprocess.run(
                [PYTHON, __file__, "--setup"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
            ).stdout
            paths = json.loads(output.strip().splitlines()[-1])
            if arguments.workdir:
                saved_paths.write_text(json.dumps(paths))
        print(
            f"setup: {STORIES} stories in {time.time() - started:.0f}s; article {paths['article']}",
            flush=True,
        )
        render = json.loads(
            subprocess.run(
                [PYTHON, __file__, "--render", json.dumps(paths), *(["--profile", arguments.profile] if arguments.profile else [])],
                cwd=ROOT, env=env,
                check=True, stdout=subprocess.PIPE, text=True,
            ).stdout.strip().splitlines()[-1]
        )  # fmt: skip
        print(
            f"render CPU (uncached, in-process, {RENDERS} renders): home {render['home_render_ms']:.1f} ms "
            f"(cold fragments {render['home_render_cold_ms']:.1f})  article {render['article_render_ms']:.1f} ms "
            f"(cold {render['article_render_cold_ms']:.1f})  bare template {render['bare_render_ms']:.2f} ms",
            flush=True,
        )
        if arguments.render_only:
            print("site_read " + " ".join(f"{key}={value:.2f}" for key, value in render.items()))
            return
        paths = {"section": "/yaowen/", "feed": "/feeds/latest.xml", **paths}
        print(
            f"load: {'wrk -t2' if WRK else 'Python threads'}, {CONCURRENCY} connections, "
            f"{SECONDS_PER_TARGET:.0f} s per target; gunicorn {WORKERS} workers x {THREADS} threads",
            flush=True,
        )
        results: dict[str, dict] = {}
        publishing = None
        for cache_on in (True, False):
            label = "cached" if cache_on else "uncached"
            run_env = {**env, "PUBLIC_PAGE_CACHE_ENABLED": "1" if cache_on else "0"}
            port = free_port()
            server = start_server(run_env, port)
            try:
                wait_until_up(port)
                for name in TARGETS:
                    warm_up(run_env, port, paths[name])
                    result = load(run_env, port, paths[name])
                    results[f"{name}_{label}"] = result
                    print(describe(label, name, result), flush=True)
                if cache_on:
                    publishing = publish_during_load(run_env, port, paths["home"])
                    readers = publishing["readers"]
                    print(describe("publish", "home", readers), flush=True)
                    print(
                        f"publish during load: {publishing['published']} stories, one every {PUBLISH_EVERY:.0f} s; "
                        f"{publishing['renders']} home renders ({publishing['renders_per_publish']:.1f} per publish), "
                        f"{publishing['stale']} stale copies served; new story on the home page after "
                        f"p50 {publishing['visible_p50_ms']:.0f} ms, max {publishing['visible_max_ms']:.0f} ms",
                        flush=True,
                    )
            finally:
                stop_server(server)
        # Rongmei's figures first: a WordPress that fails to start must not lose them.
        summary = {}
        for label in ("cached", "uncached"):
            bare = results[f"bare_{label}"]["rps"] or 1.0
            for name in TARGETS[1:]:
                result = results[f"{name}_{label}"]
                summary[f"{name}_{label}_rps"] = f"{result['rps']:.0f}"
                summary[f"{name}_{label}_p50_ms"] = f"{result['p50_ms']:.1f}"
                summary[f"{name}_{label}_p99_ms"] = f"{result['p99_ms']:.1f}"
                summary[f"{name}_{label}_vs_bare"] = f"{result['rps'] / bare:.2f}"
                print(f"ratio {name} {label} / bare: {result['rps'] / bare:.2f}")
            summary[f"bare_{label}_rps"] = f"{bare:.0f}"
        readers = publishing["readers"]
        summary["publish_home_rps"] = f"{readers['rps']:.0f}"
        summary["publish_home_p50_ms"] = f"{readers['p50_ms']:.1f}"
        summary["publish_home_p99_ms"] = f"{readers['p99_ms']:.1f}"
        summary["publishes"] = str(publishing["published"])
        summary["renders_per_publish"] = f"{publishing['renders_per_publish']:.1f}"
        summary["stale_served"] = str(publishing["stale"])
        summary["visible_p50_ms"] = f"{publishing['visible_p50_ms']:.0f}"
        summary["visible_max_ms"] = f"{publishing['visible_max_ms']:.0f}"
        errors = sum(result["errors"] for result in results.values()) + readers["errors"]
        summary["errors"] = str(errors)
        summary["connections"] = str(CONCURRENCY)
        for key, value in render.items():
            summary[key] = f"{value:.2f}"
        wordpress_failed = False
        if arguments.no_wordpress:
            print("wordpress: skipped (--no-wordpress)", flush=True)
        else:
            from _wordpress import WordPressUnavailable

            try:
                wordpress = measure_wordpress(env, workdir, paths["article"])
            except WordPressUnavailable as error:
                print(f"wordpress: skipped: {error}", flush=True)
            except Exception as error:
                wordpress_failed = True
                traceback.print_exc()
                print(f"wordpress: failed: {error}", flush=True)
            else:
                for name in ("home", "article"):
                    result = wordpress[name]
                    summary[f"wp_{name}_rps"] = f"{result['rps']:.0f}"
                    summary[f"wp_{name}_p50_ms"] = f"{result['p50_ms']:.1f}"
                    summary[f"wp_{name}_p99_ms"] = f"{result['p99_ms']:.1f}"
                    ratio = results[f"{name}_uncached"]["rps"] / (result["rps"] or 1.0)
                    summary[f"{name}_uncached_vs_wp"] = f"{ratio:.2f}"
                    print(f"ratio {name} uncached / wordpress: {ratio:.2f}")
                summary["wp_errors"] = str(sum(result["errors"] for result in wordpress.values()))
                errors += int(summary["wp_errors"])
        print("site_read " + " ".join(f"{key}={value}" for key, value in summary.items()))
        if errors or wordpress_failed:
            sys.exit(1)
    finally:
        if not arguments.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--render-only", action="store_true", help="only the in-process render CPU phase (no HTTP load)"
    )
    parser.add_argument(
        "--profile", choices=("home", "article"), default="", help="with --render-only: cProfile this page"
    )
    parser.add_argument("--workdir", help="keep the bench database here and reuse it on the next run")
    parser.add_argument(
        "--no-wordpress", action="store_true", help="skip the WordPress comparison (bench/_wordpress.py)"
    )
    parser.add_argument("--export-stories", metavar="ARTICLE", help=argparse.SUPPRESS)
    parser.add_argument("--render", metavar="PATHS", help=argparse.SUPPRESS)
    parser.add_argument("--load", nargs=2, metavar=("PORT", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--publish", metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=SECONDS_PER_TARGET, help=argparse.SUPPRESS)
    parser.add_argument("--requests", type=int, default=MAX_REQUESTS_PER_TARGET, help=argparse.SUPPRESS)
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.setup:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(setup_newsroom()))
    elif arguments.export_stories:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(export_stories(arguments.export_stories), ensure_ascii=False))
    elif arguments.render:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(render_cpu(json.loads(arguments.render), profile=arguments.profile)))
    elif arguments.publish:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(publish_loop(int(arguments.publish), arguments.seconds, PUBLISH_EVERY)))
    elif arguments.load:
        port, path = arguments.load
        print(
            json.dumps(
                run_load(int(port), path, arguments.seconds, arguments.requests, arguments.concurrency)
            )
        )
    else:
        main(arguments)
