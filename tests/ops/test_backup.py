"""`buddywerk backup` and `buddywerk restore` (issue 17, point 3), on the database the suite
runs on (SQLite, or PostgreSQL in CI's second pass): build the demo world, add uploaded
files, back up, restore into another database and media folder, then compare every table
row by row and every file by checksum."""

import hashlib
import io
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image

from buddywerk.common import backup
from buddywerk.demo.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def key(monkeypatch):
    text = backup.new_key()
    monkeypatch.setenv("BACKUP_KEY", text)
    return text


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    (root / "practices" / "2026").mkdir(parents=True)
    image = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(image, "PNG")
    (root / "practices" / "2026" / "huiswerkklas.png").write_bytes(image.getvalue())
    (root / "practices" / "2026" / "leeg.png").write_bytes(b"")
    (root / "imports").mkdir()
    (root / "imports" / "buddies.csv").write_bytes(os.urandom(300_000))  # spans segments
    return root


@pytest.fixture
def target_database(tmp_path):
    """An empty database of the same kind, and the URL to reach it."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        yield (
            f"sqlite:///{tmp_path / 'restored.sqlite3'}",
            backup.Database("sqlite", str(tmp_path / "restored.sqlite3")),
        )
        return
    import psycopg

    name = f"{settings['NAME']}_restore"
    params = {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    user = settings["USER"] or ""
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or "5432"
    yield (
        f"postgres://{user}{password}@{host}:{port}/{name}",
        backup.Database("postgresql", name, host, str(port), user, settings["PASSWORD"] or ""),
    )
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _rows(cursor, table: str) -> list[tuple]:
    cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - catalogue names
    return sorted(cursor.fetchall(), key=repr)


def _checksums(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_backup_and_restore_of_the_demo_world_is_identical(
    key, media, target_database, tmp_path, capsys
):
    build_world()
    archive = tmp_path / "backups" / "demo.bwb"
    call_command("backup", out=archive)
    assert "Backup written" in capsys.readouterr().out
    raw = archive.read_bytes()
    # encrypted at rest: neither a demo name nor the key is in the file
    assert b"Vermeulen" not in raw and b"BWBACKUP" == raw[:8]
    assert key.encode() not in raw and backup.parse_key(key) not in raw
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    url, target = target_database
    restored_media = tmp_path / "restored-media"
    call_command("restore", str(archive), database_url=url, media_root=restored_media)
    out = capsys.readouterr().out
    assert "verified it" in out and "re-apply the erasures" in out

    # every table, row by row, both read through the plain driver (no Django converters)
    origin = backup.Database.from_settings(connection.settings_dict)
    with origin.connect() as original, target.connect() as restored:
        source, target_cursor = original.cursor(), restored.cursor()
        tables = backup._tables(original, origin.vendor)
        assert backup._tables(restored, target.vendor) == tables
        compared = 0
        for table in tables:
            rows = _rows(source, table)
            assert _rows(target_cursor, table) == rows, table
            compared += len(rows)
        if connection.vendor == "postgresql":
            # sequences continue where they were, so new rows get new ids
            query = "SELECT sequencename, last_value FROM pg_sequences ORDER BY 1"
            source.execute(query)
            target_cursor.execute(query)
            assert target_cursor.fetchall() == source.fetchall()
    assert compared > 1000  # the demo world, not an empty shell
    # every file, by checksum
    assert _checksums(restored_media) == _checksums(media)
    assert len(_checksums(media)) == 3

    # a second restore into the same (now filled) database or folder is refused
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(archive), database_url=url, media_root=tmp_path / "other")
    with pytest.raises(CommandError, match="media folder .* is not empty"):
        call_command(
            "restore",
            str(archive),
            database_url=f"sqlite:///{tmp_path / 'fresh.sqlite3'}",  # empty: the folder is not
            media_root=restored_media,
        )


def test_a_backup_refuses_the_wrong_key_and_any_change(key, media, tmp_path, monkeypatch):
    archive = tmp_path / "b.bwb"
    call_command("backup", out=archive)
    call_command("restore", str(archive), check=True)

    monkeypatch.setenv("BACKUP_KEY", backup.new_key())
    with pytest.raises(CommandError, match="another BACKUP_KEY"):
        call_command("restore", str(archive), check=True)
    monkeypatch.setenv("BACKUP_KEY", key)

    data = bytearray(archive.read_bytes())
    changed = tmp_path / "changed.bwb"
    data[len(data) // 2] ^= 0x01
    changed.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="damaged or was changed"):
        call_command("restore", str(changed), check=True)

    truncated = tmp_path / "truncated.bwb"
    truncated.write_bytes(archive.read_bytes()[: -(1 << 10)])
    with pytest.raises(CommandError, match="truncated"):
        call_command("restore", str(truncated), check=True)

    monkeypatch.delenv("BACKUP_KEY")
    with pytest.raises(CommandError, match="Set BACKUP_KEY"):
        call_command("backup", out=tmp_path / "nokey.bwb")
    assert not (tmp_path / "nokey.bwb").exists()


def test_dated_backups_are_pruned_after_the_retention(tmp_path):
    import datetime as dt

    now = dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC)
    folder = tmp_path / "backups"
    folder.mkdir()
    for days in (0, 34, 36, 100):
        (folder / backup.name_for_now(now - dt.timedelta(days=days))).write_bytes(b"x")
    (folder / "notes.txt").write_text("kept")
    removed = backup.prune(folder, keep_days=35, now=now)
    assert len(removed) == 2
    assert sorted(p.name for p in folder.iterdir()) == [
        "buddywerk-20261029T030000Z.bwb",
        "buddywerk-20261202T030000Z.bwb",
        "notes.txt",
    ]
