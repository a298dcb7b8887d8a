"""The `buddywerk` command: Django's management commands under one name.

buddywerk serve                  the production stack: web, task worker, scheduler
buddywerk demo [--port N] [--no-serve] [--reset]
buddywerk demo-code EMAIL        current TOTP code of a demo account (demo database only)
buddywerk backup / restore       an encrypted backup of the database and the uploads
buddywerk match --instance FILE  solve a matching instance file (no database)
buddywerk import-schools FILE.csv
buddywerk <any manage.py command>

Start-up time matters on a command line (issue 17, point 5): `buddywerk --help` lists the
commands without setting Django up (cli_help.py), and `buddywerk match` needs neither
settings nor a database, so it runs without Django at all (matching/match_cli.py). Every
other command goes through Django as `manage.py` would.
"""

import os
import sys

HELP_FLAGS = {"-h", "--help", "help"}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (len(args) == 1 and args[0] in HELP_FLAGS):
        from buddywerk.cli_help import main_help_text

        sys.stdout.write(main_help_text())
        return
    # `import-schools` reads better on a command line; Django modules use underscores.
    named = 2 if args[0] == "help" else 1
    args[:named] = [a if a.startswith("-") else a.replace("-", "_") for a in args[:named]]
    if args[0] == "match":
        from buddywerk.matching.match_cli import main as match_main

        raise SystemExit(match_main(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buddywerk.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["buddywerk", *args])


if __name__ == "__main__":
    # `python -m buddywerk.cli`: how `serve` and the demo start their children.
    main()
