"""Helpers for tests that run Buddywerk's own processes (`buddywerk serve`, workers): a
database URL the child can open, the process tree, waiting for HTTP."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def child_database_url(tmp_path: Path) -> str:
    """A DATABASE_URL for a child process that sees what this (transactional) test
    committed: PostgreSQL's test database itself, or, for SQLite's in-memory test database,
    a file copy made with the online backup API."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user = quote(settings["USER"] or "", safe="")
        password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
        host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or "5432"
        return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"
    connection.ensure_connection()
    path = tmp_path / "child.sqlite3"
    target = sqlite3.connect(path)
    with target:
        connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


def child_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    var = tmp_path / "var"
    (var / "static").mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "buddywerk.settings",
        "BUDDYWERK_VAR_DIR": str(var),
        "DATABASE_URL": child_database_url(tmp_path),
        "EMAIL_URL": "locmem://",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra)
    return env


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start `buddywerk ARGS`, its output appended to `log`."""
    with log.open("ab") as handle:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(  # noqa: S603 - our own entry point
            [sys.executable, "-m", "buddywerk.cli", *args],
            env=env,
            cwd=ROOT,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )


def descendants(pid: int) -> dict[int, str]:
    """Every living process below `pid` (from /proc): pid -> command line."""
    parents: dict[int, int] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue
        # the command name may hold spaces and parentheses: split after the last ")"
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] == "Z":  # a zombie is gone, only not yet reaped
            continue
        parents[int(entry.name)] = int(fields[1])
        commands[int(entry.name)] = command
    found: dict[int, str] = {}
    frontier = [pid]
    while frontier:
        current = frontier.pop()
        for child, parent in parents.items():
            if parent == current and child not in found:
                found[child] = commands[child]
                frontier.append(child)
    return found


def alive(pids: list[int]) -> list[int]:
    living = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.append(pid)
    return living


def get(url: str, timeout: float = 10) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def wait_for(url: str, status: int = 200, seconds: float = 120) -> None:
    """Wait for `url` to answer `status` (a loaded 2-core machine boots slowly)."""
    deadline = time.monotonic() + seconds
    last: object = None
    while time.monotonic() < deadline:
        try:
            if get(url, timeout=5)[0] == status:
                return
        except OSError as error:
            last = error
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer {status} within {seconds} s: {last}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Make sure a test leaves nothing running, whatever happened."""
    tree = list(descendants(process.pid))
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
        process.wait()
    for pid in tree:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
