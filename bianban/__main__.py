"""The `bianban` console script: Django's management commands with bianban's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianban.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv if sys.argv[0].endswith("manage.py") else ["bianban", *sys.argv[1:]])


if __name__ == "__main__":
    main()
