"""`buddywerk backup`: the database and the uploaded files in one encrypted archive.

    buddywerk backup --dir /srv/backups        buddywerk-20261202T031500Z.bwb, and prune
    buddywerk backup --out /path/file.bwb      one file, no pruning
    buddywerk backup --new-key                 print a fresh BACKUP_KEY

The key comes from the environment (BACKUP_KEY); see common/backup.py for the format and
docs/deployment.md for retention and what it means for erasure.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from buddywerk.common import backup
from buddywerk.common.env import env


def backup_key() -> bytes:
    text = env("BACKUP_KEY", "")
    if not text:
        raise CommandError(
            "Set BACKUP_KEY in the environment (make one with `buddywerk backup --new-key` "
            "and keep it apart from the backups: without it they cannot be read)."
        )
    try:
        return backup.parse_key(text)
    except backup.BackupError as exc:
        raise CommandError(str(exc)) from None


class Command(BaseCommand):
    help = "Write an encrypted backup of the database and the uploaded files, with a manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--dir", type=Path, help="folder for dated backups (pruned)")
        where.add_argument("--out", type=Path, help="the backup file to write")
        where.add_argument("--new-key", action="store_true", help="print a new BACKUP_KEY")
        parser.add_argument(
            "--keep-days",
            type=int,
            default=settings.BACKUP_RETENTION_DAYS,
            help="with --dir: delete backups older than this (env BACKUP_RETENTION_DAYS; "
            "default %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(backup.new_key())
            return
        if not options["dir"] and not options["out"]:
            raise CommandError("Say where: --dir FOLDER (dated, pruned) or --out FILE.")
        key = backup_key()
        out = options["out"] or options["dir"] / backup.name_for_now()
        connection.close()  # pg_dump and the counts use connections of their own
        try:
            result = backup.backup_create(
                database=backup.Database.from_settings(settings.DATABASES["default"]),
                media_root=Path(settings.MEDIA_ROOT),
                out=out,
                key=key,
                version=_version(),
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Backup written: {result.path} ({result.size:,} bytes; {result.tables} tables, "
            f"{result.rows:,} rows, {result.files} files)"
        )
        if options["dir"]:
            for removed in backup.prune(options["dir"], keep_days=options["keep_days"]):
                self.stdout.write(f"Removed (older than {options['keep_days']} days): {removed}")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("buddywerk")
    except PackageNotFoundError:
        return ""
