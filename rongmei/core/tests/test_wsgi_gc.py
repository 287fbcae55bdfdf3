"""The web process leaves what it loaded out of the garbage collector's walks (rongmei/wsgi.py)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import gc, time
import rongmei.wsgi
frozen = gc.get_freeze_count()
started = time.perf_counter()
gc.collect()
print(frozen, len(gc.get_objects()), (time.perf_counter() - started) * 1000)
"""


def test_the_web_process_freezes_what_it_loaded_so_a_full_collection_walks_little():
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="rongmei.test_settings", PYTHONPATH=str(ROOT))
    output = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    ).stdout.split()
    frozen, tracked, _collect_ms = int(output[0]), int(output[1]), float(output[2])
    # Django, Wagtail and every view module: far more than what is still walked afterwards.
    assert frozen > 100_000
    assert tracked < frozen / 10
