"""`buddywerk restore FILE`: bring a backup back into an EMPTY database and media folder,
then verify every table's row count and every file's checksum against its manifest.

    buddywerk restore /srv/backups/buddywerk-20261202T031500Z.bwb
    buddywerk restore FILE --database-url postgres://.../drill --media-root /tmp/drill
    buddywerk restore FILE --check        decrypt and check the checksums only

It refuses a database that holds any table and a media folder that holds any file: a
restore never overwrites or mixes data. After a restore, re-apply the erasures made since
the backup was taken before anyone signs in (docs/deployment.md, "Backups").
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from buddywerk.common import backup
from buddywerk.common.management.commands.backup import backup_key


class Command(BaseCommand):
    help = "Restore a backup into an empty database and media folder, and verify it."
    # The target may be empty: no checks that need tables.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the backup file (.bwb)")
        parser.add_argument(
            "--database-url", help="restore into this database instead of DATABASE_URL's"
        )
        parser.add_argument("--media-root", type=Path, help="instead of MEDIA_ROOT")
        parser.add_argument(
            "--check", action="store_true", help="only decrypt and check the checksums"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        key = backup_key()
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No backup file at {path}.")
        try:
            if options["check"]:
                manifest = backup.backup_check(path=path, key=key)
                tables = manifest["database"]["tables"]
                self.stdout.write(
                    f"Backup of {manifest['created_at']} is intact: {len(tables)} tables, "
                    f"{sum(tables.values()):,} rows, {len(manifest['media']['files'])} files."
                )
                return
            database = (
                backup.Database.from_url(options["database_url"])
                if options["database_url"]
                else backup.Database.from_settings(settings.DATABASES["default"])
            )
            result = backup.backup_restore(
                path=path,
                key=key,
                database=database,
                media_root=options["media_root"] or Path(settings.MEDIA_ROOT),
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Restored the backup of {result.created_at} and verified it: {result.tables} "
            f"tables, {result.rows:,} rows, {result.files} files match the manifest."
        )
        self.stdout.write(
            "Before anyone signs in: re-apply the erasures made since "
            f"{result.created_at} (docs/deployment.md, Backups)."
        )
