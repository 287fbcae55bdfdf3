"""Soak (issue 15): the public read path under load for an hour, memory watched.

    .venv/bin/python bench/soak.py                 # 60 minutes
    .venv/bin/python bench/soak.py --minutes 5     # a short look

It builds bench/site_read.py's newsroom (SQLite, ~200 stories) and starts its gunicorn (2 workers
× 4 threads, the demo's deployment; reused by import), then drives the public read path with wrk at
64 connections (``--connections``): home, sections (first and second page), the feed and every
article, picked at random per request. The page cache is on with a short lifetime
(``--cache-seconds``, 30): most answers are cache hits, and every page is rendered again each time
its copy expires, so the uncached path (templates, queries, renditions) runs throughout too; the
X-Cache counts say how many of each.

wrk runs in intervals of ``--interval`` seconds (60); after each, the RSS of every gunicorn process
(the arbiter and its workers, from /proc) is sampled. It reports per interval requests/s, p99 and
the total RSS; at the end the RSS at the start and the end, and its slope in MB per hour by a
least-squares fit over the samples after the first interval (warm-up: caches, imports, the
allocator's arenas filling). ``flat=1`` when the slope is below ``--flat-mb-per-hour`` (20 MB/h,
about 5 % of the processes' memory). The last line is key=value figures.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from http.client import HTTPConnection
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PYTHON = sys.executable
sys.path.insert(0, str(BENCH))

import site_read  # noqa: E402 (the bench next to this one)


def rss_mb(root_pid: int) -> dict[int, float]:
    """{pid: RSS in MB} of gunicorn's process group (the arbiter and its workers)."""
    out = subprocess.run(["pgrep", "-g", str(root_pid)], capture_output=True, text=True).stdout
    sizes = {}
    for pid in map(int, out.split()):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        if found:
            sizes[pid] = int(found.group(1)) / 1024
    return sizes


def slope_per_hour(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) in MB per hour."""
    if len(samples) < 2:
        return float("nan")
    n = len(samples)
    mean_t = sum(t for t, _ in samples) / n
    mean_m = sum(m for _, m in samples) / n
    var = sum((t - mean_t) ** 2 for t, _ in samples)
    if not var:
        return float("nan")
    return sum((t - mean_t) * (m - mean_m) for t, m in samples) / var * 3600


def article_paths(port: int) -> list[str]:
    """Every article the site lists: links in the feed and on the sections' pages."""
    found = set()
    for path in ("/feeds/latest.xml", "/yaowen/", "/yaowen/?page=2", "/"):
        connection = HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", path)
        body = connection.getresponse().read().decode("utf-8", "replace")
        connection.close()
        for url in re.findall(r"(?:https?://127\.0\.0\.1(?::\d+)?)?(/[a-z0-9-]+/[a-z0-9-]+/)", body):
            found.add(url)
    return [path for path in sorted(found) if answers_200(port, path)]


def answers_200(port: int, path: str) -> bool:
    """Whether ``path`` is a page (the pattern also catches namespace URLs and other links)."""
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    answer = connection.getresponse()
    answer.read()
    connection.close()
    return answer.status == 200


def lua_script(paths: list[str]) -> str:
    quoted = ", ".join(json.dumps(path) for path in paths)
    return (
        f"local paths = {{{quoted}}}\n"
        "function request() return wrk.format('GET', paths[math.random(#paths)]) end\n" + site_read.WRK_SCRIPT
    )


def run_interval(port: int, script: str, seconds: int, connections: int) -> dict:
    command = [
        site_read.WRK, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", script,
        f"http://127.0.0.1:{port}/",
    ]  # fmt: skip
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["rps"] = result["requests"] / result.pop("seconds")
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--interval", type=int, default=60, help="seconds per wrk run / RSS sample")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--cache-seconds", type=int, default=30)
    parser.add_argument("--flat-mb-per-hour", type=float, default=20.0)
    parser.add_argument("--workdir", help="keep the database here and reuse it (site_read's --workdir)")
    args = parser.parse_args(argv)
    # Stopped with SIGTERM (or SIGINT in the background), still stop what was started (finally).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not site_read.WRK:
        sys.exit("soak needs wrk (apt-get install wrk)")

    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="rongmei-soak-"))
    workdir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rongmei.settings",
        "RONGMEI_VAR_DIR": str(workdir),
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "RONGMEI_BENCH_BARE_VIEW": "1",
        "PUBLIC_PAGE_CACHE_ENABLED": "1",
        "PUBLIC_PAGE_CACHE_SECONDS": str(args.cache_seconds),
        "LOG_LEVEL": "WARNING",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PYTHONPATH": str(REPO),
    }
    env.pop("REDIS_URL", None)
    server = None
    script = None
    try:
        if not (workdir / "bench.sqlite3").exists():
            subprocess.run(
                [PYTHON, str(BENCH / "site_read.py"), "--setup"],
                cwd=REPO, env=env, check=True, capture_output=True, text=True,
            )  # fmt: skip
        port = site_read.free_port()
        server = site_read.start_server(env, port)
        site_read.wait_until_up(port)
        articles = article_paths(port)
        paths = ["/", "/yaowen/", "/yaowen/?page=2", "/feeds/latest.xml", *articles]
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(lua_script(paths))
            script = handle.name
        print(
            f"soak: {len(paths)} paths ({len(articles)} articles), wrk {args.connections} connections, "
            f"{args.minutes:g} min in {args.interval} s intervals; page cache {args.cache_seconds} s",
            flush=True,
        )
        started = time.monotonic()
        first = rss_mb(server.pid)
        rss_start = sum(first.values())
        print(f"  start: {len(first)} processes, RSS {rss_start:.1f} MB", flush=True)
        samples, intervals = [], []
        while time.monotonic() - started < args.minutes * 60 - 1:
            left = args.minutes * 60 - (time.monotonic() - started)
            result = run_interval(port, script, max(1, min(args.interval, round(left))), args.connections)
            sizes = rss_mb(server.pid)
            total = sum(sizes.values())
            elapsed = time.monotonic() - started
            samples.append((elapsed, total))
            intervals.append(result)
            print(
                f"  {elapsed / 60:5.1f} min  {result['rps']:7.1f} req/s  p99 {result['p99_ms']:7.1f} ms  "
                f"errors {result['errors']}  hit/miss/stale {result['hits']}/{result['misses']}/"
                f"{result['stale']}  RSS {total:.1f} MB ({', '.join(f'{v:.0f}' for v in sizes.values())})",
                flush=True,
            )
        rss_end = samples[-1][1] if samples else rss_start
        slope = slope_per_hour(samples[1:] if len(samples) > 2 else samples)
        requests = sum(r["requests"] for r in intervals)
        seconds = samples[-1][0] if samples else 0
        p99 = max((r["p99_ms"] for r in intervals), default=float("nan"))
        errors = sum(r["errors"] for r in intervals)
        hits = sum(r["hits"] for r in intervals)
        misses = sum(r["misses"] for r in intervals) + sum(r["stale"] for r in intervals)
        figures = {
            "minutes": round(seconds / 60, 1),
            "rss_start_mb": round(rss_start, 1),
            "rss_end_mb": round(rss_end, 1),
            "rss_slope_mb_per_h": round(slope, 1),
            "flat": int(slope == slope and slope < args.flat_mb_per_hour),
            "rps": round(requests / seconds, 1) if seconds else 0,
            "p99_ms": round(p99, 1),
            "errors": errors,
            "cache_hits": hits,
            "renders": misses,
        }
        print(" ".join(f"{key}={value}" for key, value in figures.items()), flush=True)
    finally:
        if server is not None:
            site_read.stop_server(server)
        if script:
            os.unlink(script)
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
