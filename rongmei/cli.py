"""The `rongmei` console command: Django's manage.py with Rongmei's settings.

`rongmei demo`, `rongmei scheduler`, `rongmei migrate`, … all go through here.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rongmei.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["rongmei", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
