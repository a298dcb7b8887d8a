"""Demo-only conveniences run only against the demo SQLite database under var/."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError


def demo_database_path() -> Path | None:
    """The demo database's path if the default database is the demo one, else None."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        return None
    path = Path(str(db["NAME"]))
    if path.name != settings.DEMO_DATABASE_NAME:
        return None
    return path


def require_demo_database() -> Path:
    path = demo_database_path()
    if path is None:
        raise CommandError(
            "This command only runs on the demo database (SQLite, var/demo.sqlite3); "
            "unset DATABASE_URL to use it."
        )
    return path
