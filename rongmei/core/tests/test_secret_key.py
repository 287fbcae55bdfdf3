"""No published SECRET_KEY outside DEBUG and the demo (issue 8, point 7).

The settings module is imported in a fresh interpreter, with the environment a production host,
the demo or a developer would have.
"""

import os
import stat
import subprocess
import sys

import pytest
from django.conf import settings

from rongmei import cli


def import_settings(tmp_path, **env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "RONGMEI_DEMO", "RONGMEI_KEYLESS_COMMAND"}
    }
    clean.update(DJANGO_SETTINGS_MODULE="rongmei.settings", RONGMEI_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-c", "import rongmei.settings as s; print(s.SECRET_KEY)"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_a_key_refuses_to_start_and_says_how_to_set_one(tmp_path):
    result = import_settings(tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr
    assert settings.INSECURE_DEFAULT_SECRET_KEY not in result.stdout


def test_the_published_development_key_is_refused_like_a_missing_one(tmp_path):
    result = import_settings(tmp_path, SECRET_KEY=settings.INSECURE_DEFAULT_SECRET_KEY)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_a_real_key_from_the_environment_is_used(tmp_path):
    result = import_settings(tmp_path, SECRET_KEY="k" * 60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "k" * 60


@pytest.mark.parametrize("flag", ["RONGMEI_DEMO", "DEBUG"])
def test_the_demo_and_debug_make_and_keep_their_own_random_key(tmp_path, flag):
    first = import_settings(tmp_path, **{flag: "1"})
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert len(key) >= 50 and key != settings.INSECURE_DEFAULT_SECRET_KEY
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # The web, worker and scheduler processes (and the next start) sign with the same key.
    assert import_settings(tmp_path, **{flag: "1"}).stdout.strip() == key


def test_keyless_build_commands_get_a_throwaway_key(tmp_path):
    result = import_settings(tmp_path, RONGMEI_KEYLESS_COMMAND="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() != settings.INSECURE_DEFAULT_SECRET_KEY
    assert not (tmp_path / "secret_key").exists()


def test_the_cli_marks_the_demo_and_the_keyless_commands(monkeypatch):
    import django.core.management

    seen = {}

    def fake_execute(argv):
        seen[argv[1]] = (os.environ.get("RONGMEI_DEMO"), os.environ.get("RONGMEI_KEYLESS_COMMAND"))

    monkeypatch.setattr(django.core.management, "execute_from_command_line", fake_execute)
    for name in ("RONGMEI_DEMO", "RONGMEI_KEYLESS_COMMAND"):
        monkeypatch.delenv(name, raising=False)
    cli.main(["migrate"])
    cli.main(["makemigrations"])
    monkeypatch.delenv("RONGMEI_KEYLESS_COMMAND")
    cli.main(["demo"])
    assert seen == {"migrate": (None, None), "makemigrations": (None, "1"), "demo": ("1", None)}
