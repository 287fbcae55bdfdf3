"""The web process leaves what it loaded out of the garbage collector's walks (rongmei/wsgi.py)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import gc
import rongmei.wsgi
gc.collect()
print(gc.get_freeze_count(), len(gc.get_objects()))
"""


def _import_wsgi(freeze: str) -> tuple[int, int]:
    """(objects frozen, objects a full collection still walks) after importing rongmei.wsgi in a
    new process with WEB_GC_FREEZE set to ``freeze``."""
    env = dict(
        os.environ, DJANGO_SETTINGS_MODULE="rongmei.test_settings", PYTHONPATH=str(ROOT), WEB_GC_FREEZE=freeze
    )
    output = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    ).stdout.split()
    return int(output[0]), int(output[1])


def test_the_web_process_freezes_what_it_loaded_so_a_full_collection_walks_little():
    frozen, walked = _import_wsgi("1")
    # Django, Wagtail and every view module: far more than what is still walked afterwards.
    assert frozen > 100_000
    assert walked < frozen / 10


def test_without_the_setting_nothing_is_frozen():
    # The test settings leave it off (a test importing rongmei.wsgi must not freeze the test run).
    frozen, walked = _import_wsgi("0")
    assert frozen == 0
    assert walked > 100_000
