"""Backups: the database and the uploaded files in one compressed, encrypted archive with a
manifest, and a restore that brings it back into an EMPTY database and storage and checks
the manifest (issue 17, point 3). `buddywerk backup` / `buddywerk restore` call this.

The archive, inside out:

- a tar stream: `database/dump.pgcustom` (PostgreSQL: `pg_dump --format=custom`) or
  `database/db.sqlite3` (SQLite: a copy through the online backup API), then every file
  under MEDIA_ROOT as `media/<path>`, then `manifest.json`: the row count of every table
  (taken in the same snapshot as the dump), the SHA-256 and size of the dump and of every
  file, the applied migrations and the time of the backup;
- compressed with gzip;
- encrypted with AES-256-GCM (the `cryptography` library) in segments of 1 MiB, the
  construction of Tink's and age's streaming encryption ("STREAM", Hoang, Reyhanitabar,
  Rogaway and Vizár 2015): the file key is derived with HKDF-SHA256 from BACKUP_KEY and a
  random salt in the header; each segment's nonce is its number and a last-segment flag,
  and the header is authenticated with every segment. A changed, reordered, dropped or
  truncated segment fails the restore; no nonce repeats under a key.

BACKUP_KEY (32 random bytes, URL-safe base64: `buddywerk backup --new-key`) comes from the
environment and is never written into the archive; the header holds only a short key id,
so that a restore with the wrong key says so. Lose the key and the backups are lost.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump and pg_restore, fixed arguments
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlsplit

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"BWBACKUP"
VERSION = 1
SALT_BYTES = 16
KEY_ID_BYTES = 8
HEADER_BYTES = len(MAGIC) + 1 + SALT_BYTES + KEY_ID_BYTES
SEGMENT = 1 << 20
TAG_BYTES = 16
MANIFEST = "manifest.json"
PG_DUMP_NAME = "database/dump.pgcustom"
SQLITE_NAME = "database/db.sqlite3"
SUFFIX = ".bwb"
# Tables whose rows are not data: Django's migration record is compared as migrations.
CHUNK = 1 << 16


class BackupError(Exception):
    """Something the operator must fix; the message says what."""


# --------------------------------------------------------------------------------------
# Keys and the encrypted stream


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def parse_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (ValueError, TypeError):
        key = b""
    if len(key) != 32:
        raise BackupError(
            "BACKUP_KEY must be 32 bytes in URL-safe base64 (44 characters); make one with "
            "`buddywerk backup --new-key` and keep it apart from the backups."
        )
    return key


def _hkdf(key: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(key)


def key_id(key: bytes) -> bytes:
    return _hkdf(key, b"", b"buddywerk backup key id", KEY_ID_BYTES)


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class EncryptingWriter(io.RawIOBase):
    """A write-only file: what is written goes to `out` encrypted, segment by segment."""

    def __init__(self, out: IO[bytes], key: bytes) -> None:
        salt = os.urandom(SALT_BYTES)
        self._header = MAGIC + bytes([VERSION]) + salt + key_id(key)
        self._aead = AESGCM(_hkdf(key, salt, b"buddywerk backup v1", 32))
        self._out = out
        self._buffer = bytearray()
        self._counter = 0
        out.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._buffer += data
        # keep at least one byte back: the last segment is written by close()
        while len(self._buffer) > SEGMENT:
            self._segment(bytes(self._buffer[:SEGMENT]), last=False)
            del self._buffer[:SEGMENT]
        return len(data)

    def _segment(self, chunk: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._counter, last), chunk, self._header)
        self._out.write(len(sealed).to_bytes(4, "big") + sealed)
        self._counter += 1

    def close(self) -> None:
        if not self.closed:
            self._segment(bytes(self._buffer), last=True)
            self._buffer.clear()
        super().close()


class DecryptingReader(io.RawIOBase):
    """A read-only file over an encrypted backup; fails loudly on any tampering."""

    def __init__(self, source: IO[bytes], key: bytes) -> None:
        header = source.read(HEADER_BYTES)
        if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
            raise BackupError("This is not a Buddywerk backup file.")
        if header[len(MAGIC)] != VERSION:
            raise BackupError(f"Unknown backup format version {header[len(MAGIC)]}.")
        salt = header[len(MAGIC) + 1 : len(MAGIC) + 1 + SALT_BYTES]
        if header[-KEY_ID_BYTES:] != key_id(key):
            raise BackupError("This backup was made with another BACKUP_KEY.")
        self._header = header
        self._aead = AESGCM(_hkdf(key, salt, b"buddywerk backup v1", 32))
        self._source = source
        self._counter = 0
        self._plain = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def _next_segment(self) -> None:
        size_bytes = self._source.read(4)
        if len(size_bytes) < 4:
            raise BackupError("The backup file is truncated (its last part is missing).")
        size = int.from_bytes(size_bytes, "big")
        if size < TAG_BYTES or size > SEGMENT + TAG_BYTES:
            raise BackupError("The backup file is damaged.")
        sealed = self._source.read(size)
        if len(sealed) < size:
            raise BackupError("The backup file is truncated (its last part is missing).")
        for last in (False, True):
            try:
                plain = self._aead.decrypt(_nonce(self._counter, last), sealed, self._header)
            except InvalidTag:
                continue
            self._counter += 1
            self._plain = plain
            if last:
                self._done = True
                if self._source.read(1):
                    raise BackupError("The backup file is damaged (data after its end).")
            return
        raise BackupError("The backup file is damaged or was changed.")

    def readinto(self, target: Any) -> int:
        while not self._plain and not self._done:
            self._next_segment()
        count = min(len(target), len(self._plain))
        target[:count] = self._plain[:count]
        self._plain = self._plain[count:]
        return count


# --------------------------------------------------------------------------------------
# Databases


@dataclass(frozen=True)
class Database:
    """Where a backup comes from or goes to, from a DATABASE_URL or Django's settings."""

    vendor: str  # "postgresql" or "sqlite"
    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    @classmethod
    def from_settings(cls, settings_dict: Any) -> Database:
        engine = settings_dict["ENGINE"]
        if engine.endswith("sqlite3"):
            return cls("sqlite", str(settings_dict["NAME"]))
        if engine.endswith("postgresql"):
            return cls(
                "postgresql",
                settings_dict["NAME"],
                settings_dict.get("HOST") or "",
                str(settings_dict.get("PORT") or ""),
                settings_dict.get("USER") or "",
                settings_dict.get("PASSWORD") or "",
            )
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")

    @classmethod
    def from_url(cls, url: str) -> Database:
        parts = urlsplit(url)
        if parts.scheme == "sqlite":
            return cls(
                "sqlite", unquote(parts.path[1:] if parts.path.startswith("//") else parts.path)
            )
        if parts.scheme in ("postgres", "postgresql", "pgsql"):
            return cls(
                "postgresql",
                unquote(parts.path.lstrip("/")),
                parts.hostname or "",
                str(parts.port or ""),
                unquote(parts.username or ""),
                unquote(parts.password or ""),
            )
        raise BackupError(f"Backups support PostgreSQL and SQLite URLs, not {parts.scheme}://.")

    def libpq_env(self) -> dict[str, str]:
        """The connection for pg_dump/pg_restore: through the environment, so that the
        password is never on a command line that `ps` shows."""
        env = {**os.environ, "PGDATABASE": self.name}
        for var, value in (
            ("PGHOST", self.host),
            ("PGPORT", self.port),
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
        ):
            if value:
                env[var] = value
        return env

    def sqlite(self) -> sqlite3.Connection:
        # "file:...?mode=memory&cache=shared" is the test runner's shared in-memory database
        return sqlite3.connect(self.name, uri=self.name.startswith("file:"))

    @contextmanager
    def connect(self) -> Iterator[Any]:
        if self.vendor == "sqlite":
            connection = self.sqlite()
            try:
                yield connection
            finally:
                connection.close()
            return
        import psycopg

        with psycopg.connect(
            dbname=self.name,
            host=self.host or None,
            port=self.port or None,
            user=self.user or None,
            password=self.password or None,
            connect_timeout=10,
        ) as pg_connection:
            yield pg_connection


def _tables(connection: Any, vendor: str) -> list[str]:
    cursor = connection.cursor()
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
    return sorted(row[0] for row in cursor.fetchall())


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _row_counts(connection: Any, vendor: str) -> dict[str, int]:
    cursor = connection.cursor()
    counts = {}
    for table in _tables(connection, vendor):
        cursor.execute(f"SELECT count(*) FROM {_quote(table)}")  # noqa: S608 - catalogue names
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(connection: Any) -> dict[str, str]:
    cursor = connection.cursor()
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    latest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def pg_tool(name: str) -> str:
    """pg_dump/pg_restore: on PATH, else the newest of Debian's /usr/lib/postgresql/*."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if not candidates:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return str(candidates[-1])


def _dump_database(database: Database, target: Path) -> dict[str, Any]:
    """Copy the database to `target` and count every table's rows in the same snapshot."""
    if database.vendor == "sqlite":
        source = database.sqlite()
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)  # the online backup API: consistent while others write
            counts = _row_counts(copy, "sqlite")
            migrations = _migrations(copy)
        finally:
            copy.close()
            source.close()
        return {"vendor": "sqlite", "file": SQLITE_NAME, "tables": counts, "migrations": migrations}
    with database.connect() as connection:
        # One snapshot for the counts and for pg_dump: the manifest matches the dump exactly.
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        done = subprocess.run(  # noqa: S603 - fixed arguments
            [
                pg_tool("pg_dump"),
                "--format=custom",
                "--compress=0",  # the archive is compressed as a whole
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
            ],
            env=database.libpq_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        counts = _row_counts(connection, "postgresql")
        migrations = _migrations(connection)
        connection.rollback()
    return {
        "vendor": "postgresql",
        "file": PG_DUMP_NAME,
        "tables": counts,
        "migrations": migrations,
    }


def database_is_empty(database: Database) -> bool:
    if database.vendor == "sqlite" and not database.name.startswith("file:"):
        path = Path(database.name)
        if not path.exists() or path.stat().st_size == 0:
            return True
    try:
        with database.connect() as connection:
            return not _tables(connection, database.vendor)
    except Exception as exc:
        raise BackupError(f"Cannot open the target database: {type(exc).__name__}: {exc}") from exc


def media_is_empty(media_root: Path) -> bool:
    return not media_root.exists() or not any(media_root.iterdir())


# --------------------------------------------------------------------------------------
# Files


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader(io.RawIOBase):
    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        data = self._handle.read(len(target))
        self.digest.update(data)
        target[: len(data)] = data
        return len(data)


def _media_files(media_root: Path) -> list[Path]:
    if not media_root.exists():
        return []
    return sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink())


def _add_file(archive: tarfile.TarFile, path: Path, name: str) -> dict[str, Any]:
    """Add `path` as `name`, hashing exactly the bytes that go into the archive."""
    info = archive.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as handle:
        reader = _HashingReader(handle)
        archive.addfile(info, reader)
    return {"sha256": reader.digest.hexdigest(), "size": info.size}


# --------------------------------------------------------------------------------------
# Backup


@dataclass(frozen=True)
class BackupResult:
    path: Path
    tables: int
    rows: int
    files: int
    size: int


def backup_create(
    *, database: Database, media_root: Path, out: Path, key: bytes, version: str = ""
) -> BackupResult:
    """Write the encrypted archive to `out` (via a temporary file in the same folder, so a
    failed backup never leaves a file that looks complete)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="buddywerk-backup-") as scratch:
        dump = Path(scratch) / "database"
        manifest: dict[str, Any] = {
            "format": VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "buddywerk_version": version,
        }
        # The database first, then the files: a file that a row of the dump names was
        # uploaded before that row was written, so it is in the archive too.
        manifest["database"] = _dump_database(database, dump)
        partial = out.with_name(f".{out.name}.partial")
        try:
            with partial.open("wb") as raw:
                writer = EncryptingWriter(raw, key)
                with tarfile.open(fileobj=writer, mode="w|gz", compresslevel=6) as archive:
                    manifest["database"].update(
                        _add_file(archive, dump, manifest["database"]["file"])
                    )
                    files = {}
                    for path in _media_files(media_root):
                        relative = path.relative_to(media_root).as_posix()
                        files[relative] = _add_file(archive, path, f"media/{relative}")
                    manifest["media"] = {"files": files}
                    body = json.dumps(manifest, indent=1, sort_keys=True).encode()
                    info = tarfile.TarInfo(MANIFEST)
                    info.size = len(body)
                    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
                    archive.addfile(info, io.BytesIO(body))
                writer.close()
                raw.flush()
                os.fsync(raw.fileno())
            partial.chmod(0o600)
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
    tables = manifest["database"]["tables"]
    return BackupResult(
        out, len(tables), sum(tables.values()), len(manifest["media"]["files"]), out.stat().st_size
    )


def prune(folder: Path, *, keep_days: int, now: dt.datetime | None = None) -> list[Path]:
    """Delete this command's backups in `folder` older than `keep_days` (by the time in
    their name); other files are left alone."""
    now = now or dt.datetime.now(dt.UTC)
    removed = []
    for path in sorted(folder.glob(f"buddywerk-*{SUFFIX}")):
        stamp = path.name[len("buddywerk-") : -len(SUFFIX)]
        try:
            made = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        except ValueError:
            continue
        if now - made > dt.timedelta(days=keep_days):
            path.unlink()
            removed.append(path)
    return removed


def name_for_now(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    return f"buddywerk-{now:%Y%m%dT%H%M%SZ}{SUFFIX}"


# --------------------------------------------------------------------------------------
# Restore


def _extract(path: Path, key: bytes, into: Path) -> dict[str, Any]:
    """Decrypt, decompress and unpack the archive into `into`; check every checksum against
    the manifest. Returns the manifest."""
    with path.open("rb") as raw:
        reader = io.BufferedReader(DecryptingReader(raw, key), buffer_size=SEGMENT)
        try:
            with tarfile.open(fileobj=reader, mode="r|gz") as archive:
                for member in archive:
                    archive.extract(member, into, filter="data")
        except (tarfile.TarError, EOFError, OSError) as exc:
            if isinstance(exc, BackupError):
                raise
            raise BackupError(f"The backup cannot be unpacked: {exc}") from exc
    manifest_path = into / MANIFEST
    if not manifest_path.exists():
        raise BackupError("The backup has no manifest: it is incomplete.")
    manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
    problems = []
    database = manifest["database"]
    if sha256_of(into / database["file"]) != database["sha256"]:
        problems.append(f"{database['file']}: checksum differs")
    expected = manifest["media"]["files"]
    present = {p.relative_to(into / "media").as_posix() for p in _media_files(into / "media")}
    problems += [f"media/{name}: missing" for name in sorted(set(expected) - present)]
    problems += [f"media/{name}: not in the manifest" for name in sorted(present - set(expected))]
    for name in sorted(set(expected) & present):
        if sha256_of(into / "media" / name) != expected[name]["sha256"]:
            problems.append(f"media/{name}: checksum differs")
    if problems:
        raise BackupError("The backup does not match its manifest: " + "; ".join(problems[:10]))
    return manifest


def backup_check(*, path: Path, key: bytes) -> dict[str, Any]:
    """Decrypt and check a backup without restoring it (a restore drill's first step)."""
    with tempfile.TemporaryDirectory(prefix="buddywerk-check-") as scratch:
        return _extract(path, key, Path(scratch))


@dataclass(frozen=True)
class RestoreResult:
    created_at: str
    tables: int
    rows: int
    files: int


def backup_restore(
    *, path: Path, key: bytes, database: Database, media_root: Path, scratch: Path | None = None
) -> RestoreResult:
    """Restore into an EMPTY database and an empty (or missing) media folder, then verify
    the row count of every table and the checksum of every file against the manifest."""
    if database.vendor == "sqlite" and database.name in ("", ":memory:"):
        raise BackupError("Restore needs a database file, not an in-memory database.")
    _require_empty(database, media_root)
    with tempfile.TemporaryDirectory(prefix="buddywerk-restore-", dir=scratch) as tmp:
        unpacked = Path(tmp)
        manifest = _extract(path, key, unpacked)
        vendor = manifest["database"]["vendor"]
        if vendor != database.vendor:
            raise BackupError(
                f"This backup holds a {vendor} database; the target is {database.vendor}."
            )
        _require_empty(database, media_root)  # still empty after the unpacking
        dump = unpacked / manifest["database"]["file"]
        if vendor == "sqlite":
            source = sqlite3.connect(dump)
            target = database.sqlite()
            try:
                with target:
                    source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            done = subprocess.run(  # noqa: S603 - fixed arguments
                [
                    pg_tool("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    f"--dbname={database.name}",
                    str(dump),
                ],
                env=database.libpq_env(),
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
        media_root.mkdir(parents=True, exist_ok=True)
        for name in manifest["media"]["files"]:
            target_path = media_root / name
            target_path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(unpacked / "media" / name, target_path)
    return _verify(manifest, database, media_root)


def _require_empty(database: Database, media_root: Path) -> None:
    if not database_is_empty(database):
        raise BackupError(
            f"The target database {database.name!r} is not empty. Restore only into an empty "
            "database (create a new one), so that nothing is overwritten or mixed."
        )
    if not media_is_empty(media_root):
        raise BackupError(
            f"The target media folder {media_root} is not empty. Restore only into an empty folder."
        )


def _verify(manifest: dict[str, Any], database: Database, media_root: Path) -> RestoreResult:
    problems = []
    with database.connect() as connection:
        counts = _row_counts(connection, database.vendor)
        migrations = _migrations(connection)
    expected = manifest["database"]["tables"]
    for table in sorted(set(expected) | set(counts)):
        if expected.get(table) != counts.get(table):
            problems.append(
                f"table {table}: {counts.get(table)} rows, expected {expected.get(table)}"
            )
    if migrations != manifest["database"]["migrations"]:
        problems.append("the applied migrations differ from the backup's")
    for name, entry in manifest["media"]["files"].items():
        path = media_root / name
        if not path.exists() or sha256_of(path) != entry["sha256"]:
            problems.append(f"media/{name}: checksum differs")
    if problems:
        raise BackupError(
            "The restored data does not match the manifest: " + "; ".join(problems[:10])
        )
    return RestoreResult(
        manifest["created_at"],
        len(expected),
        sum(expected.values()),
        len(manifest["media"]["files"]),
    )
