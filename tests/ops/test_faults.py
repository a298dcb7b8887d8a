"""Faults survived (issue 17, point 6), with real processes, a real SMTP server, a real
network cut and a real full file system:

- the database goes away for 30 s while `buddywerk serve` runs: pages answer 503 with a
  Dutch page, the task worker waits and reconnects, and a mail committed meanwhile is sent;
- a worker is killed while it is sending: after the restart every mail goes out exactly
  once (each Message-ID arrives once);
- the upload storage is full: a clear Dutch error, no row, no half-written file.

The first two need PostgreSQL (their workers are separate processes, and SQLite's test
database lives in this process's memory); CI runs them in its PostgreSQL pass.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import random
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone
from PIL import Image

from buddywerk.mail.models import OutgoingMail
from buddywerk.mail.outbox import mail_enqueue, retry_due_mail
from buddywerk.network.models import PracticeSubmission
from tests.common.smtp import SMTPServer, free_port
from tests.network.test_practices import form_data
from tests.ops.processes import child_env, descendants, get, start, stop, wait_for

DB_TASKS = {"default": {"BACKEND": "buddywerk.common.tasks.DatabaseBackend"}}
NO_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
OUTAGE_SECONDS = 30

postgresql_only = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":", 1)[0] not in ("postgres", "postgresql"),
    reason="needs PostgreSQL: the worker is a separate process, and SQLite's test database "
    "lives in this process's memory (CI's PostgreSQL pass runs it)",
)


def _message_ids(server: SMTPServer) -> Counter[str]:
    return Counter(message["Message-ID"] for message in server.messages())


def _wait(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {seconds} s")


def _smtp_env(tmp_path: Path, port: int, **extra: str) -> dict[str, str]:
    return child_env(tmp_path, EMAIL_URL=f"smtp://127.0.0.1:{port}", **extra)


# --------------------------------------------------------------------------------------
# A worker killed while sending


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_scheduled_pass_killed_mid_batch_sends_each_mail_once_after_restart(settings, tmp_path):
    """The retry pass claims five due mails, sends two, and is killed while the server
    holds the third. After the lease, the next pass sends the other three: five mails,
    five Message-IDs, each once (the old outbox recorded a batch only at its end, so the
    two sent ones went out again)."""
    settings.TASKS = NO_TASKS  # stored only: the scheduled pass is what sends them
    port = free_port()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": port}}}  # fmt: skip
    for number in range(1, 6):
        mail_enqueue(to=f"p{number}@example.org", subject=f"Mail {number}", body="Tekst")
    with SMTPServer(port, hold=2) as server:
        runner = start(["run_scheduled"], _smtp_env(tmp_path, port), tmp_path / "scheduled.log")
        try:
            assert server.holding.wait(120), (tmp_path / "scheduled.log").read_text()
            runner.send_signal(signal.SIGKILL)  # killed while the third mail is in flight
            runner.wait(30)
        finally:
            stop(runner)
        assert len(server.received) == 2
        assert OutgoingMail.objects.filter(sent_at__isnull=False).count() == 2

        server.hold = None
        # The three claimed rows wait for their lease (15 min), then go out once.
        assert retry_due_mail(now=timezone.now()).sent == 0
        assert retry_due_mail(now=timezone.now() + dt.timedelta(minutes=16)).sent == 3
        assert retry_due_mail(now=timezone.now() + dt.timedelta(hours=2)).sent == 0

        ids = _message_ids(server)
    assert len(ids) == 5 and set(ids.values()) == {1}, ids
    subjects = sorted(message["Subject"] for message in server.messages())
    assert subjects == [f"Mail {n}" for n in range(1, 6)]
    assert not OutgoingMail.objects.filter(sent_at__isnull=True).exists()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_task_worker_killed_while_sending_loses_and_repeats_nothing(settings, tmp_path):
    settings.TASKS = DB_TASKS
    port = free_port()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": port}}}  # fmt: skip
    env = _smtp_env(tmp_path, port)
    with SMTPServer(port, hold=0) as server:
        first = mail_enqueue(to="a@example.org", subject="Eerste", body="Tekst")
        worker = start(["db_worker", "--no-reload"], env, tmp_path / "worker.log")
        try:
            assert server.holding.wait(120), (tmp_path / "worker.log").read_text()
            worker.send_signal(signal.SIGKILL)
            worker.wait(30)
        finally:
            stop(worker)
        server.hold = None
        second = mail_enqueue(to="b@example.org", subject="Tweede", body="Tekst")
        restarted = start(["db_worker", "--no-reload"], env, tmp_path / "worker2.log")
        try:
            _wait(lambda: len(server.received) >= 1, 120, "the restarted worker sends")
            # the killed task's mail is claimed; the scheduled pass sends it after its lease
            assert retry_due_mail(now=timezone.now() + dt.timedelta(minutes=16)).sent == 1
            time.sleep(2)  # room for a duplicate to show up, if there were one
        finally:
            restarted.send_signal(signal.SIGTERM)
            restarted.wait(30)
            stop(restarted)
        ids = _message_ids(server)
    assert len(ids) == 2 and set(ids.values()) == {1}, ids
    for outgoing in (first, second):
        outgoing.refresh_from_db()
        assert outgoing.sent_at is not None


# --------------------------------------------------------------------------------------
# The database going away


class TcpProxy:
    """A TCP proxy to PostgreSQL that can cut every connection and refuse new ones, as a
    restart of the database server or a network partition looks from the application."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = free_port()
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self.up()

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        """Refuse new connections and reset the open ones."""
        listener, self._listener = self._listener, None
        if listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone would not,
            # and the kernel would go on accepting connections
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets |= {client, server}
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_database_going_away_for_30_seconds(settings, tmp_path):
    from tests.factories import SchoolFactory  # noqa: F401 - a world with data to read

    settings.TASKS = DB_TASKS
    db = connection.settings_dict
    proxy = TcpProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    smtp_port, web_port = free_port(), free_port()
    env = _smtp_env(tmp_path, smtp_port)
    user = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"
    env["DATABASE_URL"] = f"postgres://{user}127.0.0.1:{proxy.port}/{db['NAME']}"
    base = f"http://127.0.0.1:{web_port}"
    page = f"{base}/programmes/?q=2800"  # the public finder reads the database
    with SMTPServer(smtp_port) as server:
        serve = start(
            ["serve", "--bind", f"127.0.0.1:{web_port}", "--web-workers", "2",
             "--scheduler-every", "0"],
            env,
            tmp_path / "serve.log",
        )  # fmt: skip
        try:
            wait_for(f"{base}/readyz", seconds=180)
            assert get(page)[0] == 200
            before = mail_enqueue(to="a@example.org", subject="Voor", body="Tekst")
            _wait(lambda: len(server.received) == 1, 60, "the worker sends before the outage")
            worker_pids = {pid for pid, cmd in descendants(serve.pid).items() if "db_worker" in cmd}

            proxy.down()
            cut = time.monotonic()
            # A mail committed while the workers cannot reach the database.
            during = mail_enqueue(to="b@example.org", subject="Tijdens", body="Tekst")
            answers = []
            while time.monotonic() - cut < OUTAGE_SECONDS:
                asked = time.monotonic()
                status, body, headers = get(page, timeout=20)
                answers.append((status, time.monotonic() - asked))
                assert status == 503, (status, body[:300])
                assert "Buddywerk is even niet bereikbaar" in body
                assert headers.get("Retry-After") == "30"
                assert get(f"{base}/healthz")[0] == 200  # the process is alive
                status, body, _ = get(f"{base}/readyz")
                assert status == 503 and '"database": "fail' in body
                time.sleep(random.uniform(0.5, 1.5))
            assert len(answers) >= 10
            assert max(seconds for _, seconds in answers) < 10  # answered, not hung

            proxy.up()
            _wait(lambda: get(page)[0] == 200, 60, "pages are back")
            wait_for(f"{base}/readyz", seconds=60)
            _wait(lambda: len(server.received) == 2, 90, "the mail of the outage is sent")
            # the same worker process reconnected: it was not restarted
            assert worker_pids <= set(descendants(serve.pid))
        finally:
            serve.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                serve.wait(60)
            stop(serve)
            proxy.down()
        ids = _message_ids(server)
    assert len(ids) == 2 and set(ids.values()) == {1}
    for outgoing in (before, during):
        outgoing.refresh_from_db()
        assert outgoing.sent_at is not None
    log = (tmp_path / "serve.log").read_text()
    assert "the worker tries again" in log
    assert "task-worker-1 stopped" not in log


# --------------------------------------------------------------------------------------
# A full upload disk


@pytest.fixture
def full_disk(tmp_path, settings):
    """MEDIA_ROOT on a 64 KiB tmpfs: a real ENOSPC from the kernel (needs root, as CI
    runs; elsewhere the test is skipped)."""
    media = tmp_path / "media"
    media.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0777", "tmpfs", str(media)]
    done = subprocess.run(  # noqa: S603 - mount(8), fixed arguments
        command,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {done.stderr.decode()}")
    settings.MEDIA_ROOT = media
    try:
        yield media
    finally:
        subprocess.run(["umount", "-l", str(media)], check=False)  # noqa: S603, S607


def _noise_png(side: int) -> bytes:
    """A real PNG that does not compress: random pixels, about 3 bytes each."""
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_full_upload_disk_gives_a_dutch_error_and_keeps_nothing(
    full_disk, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("foto.png", _noise_png(200), content_type="image/png")
    assert len(photo) > 100_000  # bigger than the whole disk
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            "/network/practices/new/", {**form_data(photo_alt="Een foto"), "photo": photo}
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "onze opslag is vol" in html
    assert "Er werd niets bewaard" in html
    assert not PracticeSubmission.objects.exists()  # no half-written row
    assert mail.outbox == []  # and no confirmation mail for it
    assert [p for p in full_disk.rglob("*") if p.is_file()] == []  # no half-written file

    # with room again (a smaller photo fits), the same form goes through
    small = SimpleUploadedFile("foto.png", _noise_png(60), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            "/network/practices/new/", {**form_data(photo_alt="Een foto"), "photo": small}
        )
    assert response.status_code == 200
    assert PracticeSubmission.objects.get().photo.name.endswith(".png")
