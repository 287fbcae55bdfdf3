"""CPU cost of an uncached render of the home page and an article, with cold and warm fragments.

Run from the repository root:  .venv/bin/python bench/render_cpu.py [--workdir DIR] [--renders N]

It makes the same newsroom as bench/site_read.py (its ``--setup``; ``--workdir`` keeps and reuses
it), then, in one child process with the page cache off, renders each page N times through the test
client and reports CPU milliseconds per render (time.process_time):

* ``*_render_ms``: teaser and article fragments warm (what a page costs after a publish: only the
  new story's teasers and article are missing);
* ``*_render_cold_ms``: every teaser and article fragment missing (new key prefixes before each
  render), so they are rendered and their images and renditions read again (renditions exist);
* ``*_queries``: database queries of one warm render.

The last line is a single key=value summary.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE_READ = ROOT / "bench" / "site_read.py"
PYTHON = sys.executable


def measure(paths: dict, renders: int) -> dict:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from rongmei.website.templatetags import articles, teasers

    client = Client(HTTP_HOST="127.0.0.1")

    def get(path):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: status {response.status_code}")

    def warm_ms(path):
        for _ in range(3):
            get(path)
        started = time.process_time()
        for _ in range(renders):
            get(path)
        return (time.process_time() - started) * 1000 / renders

    def cold_ms(path):
        total = 0.0
        for n in range(renders):
            teasers.KEY_PREFIX = f"rongmei:teaser-cold{n}-{secrets.token_hex(4)}:"
            articles.KEY_PREFIX = f"rongmei:article-cold{n}-{secrets.token_hex(4)}:"
            started = time.process_time()
            get(path)
            total += time.process_time() - started
        teasers.KEY_PREFIX = "rongmei:teaser:"
        articles.KEY_PREFIX = "rongmei:article:"
        return total * 1000 / renders

    def query_count(path):
        get(path)
        with CaptureQueriesContext(connection) as captured:
            get(path)
        return len(captured.captured_queries)

    results = {}
    with override_settings(PUBLIC_PAGE_CACHE_ENABLED=False):
        for name in ("home", "article"):
            path = paths[name]
            get(path)
            results[f"{name}_render_cold_ms"] = cold_ms(path)
            results[f"{name}_render_ms"] = warm_ms(path)
            results[f"{name}_queries"] = query_count(path)
    return results


def main(arguments) -> None:
    workdir = Path(arguments.workdir or tempfile.mkdtemp(prefix="rongmei-render-"))
    workdir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rongmei.settings",
        "RONGMEI_VAR_DIR": str(workdir),
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    saved = workdir / "paths.json"
    if saved.exists():
        paths = json.loads(saved.read_text())
    else:
        output = subprocess.run(
            [PYTHON, str(SITE_READ), "--setup"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        ).stdout
        paths = json.loads(output.strip().splitlines()[-1])
        saved.write_text(json.dumps(paths))
    output = subprocess.run(
        [PYTHON, __file__, "--measure", json.dumps(paths), "--renders", str(arguments.renders)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    results = json.loads(output.strip().splitlines()[-1])
    print(
        f"home: {results['home_render_cold_ms']:.1f} ms cold, {results['home_render_ms']:.1f} ms warm, "
        f"{results['home_queries']} queries; article: {results['article_render_cold_ms']:.1f} ms cold, "
        f"{results['article_render_ms']:.1f} ms warm, {results['article_queries']} queries"
    )
    print(
        "render_cpu "
        + " ".join(
            f"{key}={value:.2f}" if isinstance(value, float) else f"{key}={value}"
            for key, value in results.items()
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", help="keep the bench database here and reuse it next time")
    parser.add_argument("--renders", type=int, default=int(os.environ.get("BENCH_RENDERS", "50")))
    parser.add_argument("--measure", metavar="PATHS", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.measure:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure(json.loads(arguments.measure), arguments.renders)))
    else:
        main(arguments)
