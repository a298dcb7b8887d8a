"""The `buddywerk` command: Django's management commands under one name.

buddywerk demo [--port N] [--no-serve] [--reset]
buddywerk demo-code EMAIL        current TOTP code of a demo account (demo database only)
buddywerk import-schools FILE.csv
buddywerk <any manage.py command>
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buddywerk.settings")
    if args and not args[0].startswith("-"):
        # `import-schools` reads better on a command line; Django modules use underscores.
        args[0] = args[0].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["buddywerk", *args])


if __name__ == "__main__":
    # `python -m buddywerk.cli`: how the demo starts its task worker.
    main()
