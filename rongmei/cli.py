"""The `rongmei` console command: Django's manage.py with Rongmei's settings.

`rongmei demo`, `rongmei scheduler`, `rongmei migrate`, … all go through here.
"""

import os
import sys

# Commands that only write files for developers or the build (migrations, translations, static
# files): they may run without a SECRET_KEY; every other command and the web server need one
# unless DEBUG is on (rongmei/settings.py).
KEYLESS_COMMANDS = {"makemigrations", "makemessages", "compilemessages", "collectstatic"}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rongmei.settings")
    if argv[:1] == ["demo"]:
        # The demo (and the processes it starts, which inherit this) may use its own key and the
        # published demo password; see rongmei/settings.py and rongmei/core/auth.py.
        os.environ["RONGMEI_DEMO"] = "1"
    elif argv[:1] and argv[0] in KEYLESS_COMMANDS:
        os.environ.setdefault("RONGMEI_KEYLESS_COMMAND", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["rongmei", *argv])


if __name__ == "__main__":
    main()
