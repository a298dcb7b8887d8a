"""`buddywerk serve`: the production stack on one machine, under one supervising command.

    buddywerk serve [--bind 0.0.0.0:8000] [--web-workers N] [--task-workers N]
                    [--scheduler-every SECONDS] [--migrate]

It starts and watches three kinds of children (issue 17, point 1):

- web: gunicorn with WEB_WORKERS workers (0, the default: 2 x CPU cores + 1, gunicorn's
  own advice), each with WEB_THREADS threads;
- task workers: TASK_WORKERS processes of `buddywerk db_worker` (mail, reminders, imports);
- the scheduler: `buddywerk run-scheduled --every SCHEDULER_EVERY_SECONDS`, the periodic
  jobs. Run it on ONE machine only (docs/deployment.md): `--scheduler-every 0` elsewhere.

A child that stops is started again after a pause that doubles with every quick failure
(1, 2, 4 ... 60 s; a child that ran for a minute starts over at 1 s), so a crash loop does
not spin. SIGTERM or SIGINT stops the children together: each gets SIGTERM (gunicorn
finishes its requests, a task worker its task), and whatever still runs after
SERVE_STOP_TIMEOUT seconds is killed. Each child also gets SIGTERM from the kernel if this
supervisor dies without cleaning up (Linux), so no orphan keeps a port or a queue.
The container image runs the same command (Containerfile).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess  # noqa: S404 - our own children, fixed arguments
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

logger = logging.getLogger("buddywerk.serve")

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 60.0
# A child that ran this long was healthy: its next failure starts the backoff over.
HEALTHY_AFTER = 60.0
POLL = 0.2


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to send SIGTERM when the supervisor dies."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


def sweep(pgid: int) -> None:
    """Kill what is left of a stopped child's process group (e.g. gunicorn workers whose
    master died): each child leads a group of its own (start_new_session)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def default_web_workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    failures: int = 0
    start_after: float = 0.0
    restarts: int = 0
    history: list[int] = field(default_factory=list)

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            self.argv,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - no threads in the supervisor
            start_new_session=True,  # a terminal's Ctrl+C reaches the supervisor only
        )
        self.started_at = time.monotonic()
        logger.info(
            "Started %s (pid %s)",
            self.name,
            self.process.pid,
            extra={"child": self.name, "pid": self.process.pid},
        )

    def exited(self) -> int | None:
        if self.process is None:
            return None
        code = self.process.poll()
        if code is not None:
            sweep(self.process.pid)
        return code

    def schedule_restart(self, code: int) -> float:
        ran = time.monotonic() - self.started_at
        self.failures = 1 if ran >= HEALTHY_AFTER else self.failures + 1
        delay = float(min(BACKOFF_FIRST * 2 ** (self.failures - 1), BACKOFF_MAX))
        self.start_after = time.monotonic() + delay
        self.restarts += 1
        self.process = None
        logger.warning(
            "%s stopped (exit code %s after %.0f s); starting it again in %.0f s",
            self.name,
            code,
            ran,
            delay,
            extra={"child": self.name, "exit_code": code, "restart_in_s": delay},
        )
        return delay


class Command(BaseCommand):
    help = (
        "Run the production stack on this machine: gunicorn, the task worker(s) and the "
        "scheduler, restarted when they stop, stopped together on SIGTERM."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            default=settings.SERVE_BIND,
            help="Address of the web server (env SERVE_BIND; default %(default)s).",
        )
        parser.add_argument(
            "--web-workers",
            type=int,
            default=settings.WEB_WORKERS,
            help="gunicorn worker processes; 0: 2 x CPU cores + 1 (env WEB_WORKERS).",
        )
        parser.add_argument(
            "--web-threads",
            type=int,
            default=settings.WEB_THREADS,
            help="Threads per web worker (env WEB_THREADS; default %(default)s).",
        )
        parser.add_argument(
            "--task-workers",
            type=int,
            default=settings.TASK_WORKERS,
            help="Task worker processes; 0 runs none here (env TASK_WORKERS).",
        )
        parser.add_argument(
            "--scheduler-every",
            type=int,
            default=settings.SCHEDULER_EVERY_SECONDS,
            help="Run the scheduled jobs every this many seconds; 0 runs no scheduler here "
            "(env SCHEDULER_EVERY_SECONDS). One machine of a cluster runs it.",
        )
        parser.add_argument(
            "--no-web", action="store_true", help="Run no web server here (a worker machine)."
        )
        parser.add_argument(
            "--migrate",
            action="store_true",
            help="Apply migrations and create the cache table first (one machine only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["migrate"]:
            call_command("migrate", interactive=False, verbosity=1)
            call_command("createcachetable", verbosity=0)
        children = self._children(options)
        if not children:
            raise CommandError("Nothing to run: no web server, no task worker, no scheduler.")
        stopping: list[int] = []

        def stop(signum: int, _frame: object) -> None:
            stopping.append(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        logger.info(
            "Serving: %s",
            ", ".join(child.name for child in children),
            extra={"bind": None if options["no_web"] else options["bind"]},
        )
        try:
            while not stopping:
                now = time.monotonic()
                for child in children:
                    if child.process is None:
                        if now >= child.start_after:
                            child.start()
                        continue
                    code = child.exited()
                    if code is not None:
                        child.schedule_restart(code)
                time.sleep(POLL)
        finally:
            self._stop_all(children, stopping[0] if stopping else signal.SIGTERM)

    def _children(self, options: dict[str, Any]) -> list[Child]:
        python = sys.executable
        children: list[Child] = []
        if not options["no_web"]:
            workers = options["web_workers"] or default_web_workers()
            children.append(
                Child(
                    "web",
                    [
                        python,
                        "-m",
                        "gunicorn",
                        "buddywerk.wsgi:application",
                        "--config",
                        "python:buddywerk.common.gunicorn_conf",
                        "--bind",
                        options["bind"],
                        "--workers",
                        str(workers),
                        "--threads",
                        str(max(options["web_threads"], 1)),
                    ],
                )
            )
        for number in range(1, max(options["task_workers"], 0) + 1):
            children.append(
                Child(
                    f"task-worker-{number}",
                    [python, "-m", "buddywerk.cli", "db_worker", "--no-reload"],
                )
            )
        if options["scheduler_every"] > 0:
            children.append(
                Child(
                    "scheduler",
                    [
                        python,
                        "-m",
                        "buddywerk.cli",
                        "run_scheduled",
                        "--every",
                        str(options["scheduler_every"]),
                    ],
                )
            )
        return children

    def _stop_all(self, children: list[Child], signum: int) -> None:
        running = [c for c in children if c.process is not None and c.process.poll() is None]
        logger.info(
            "Stopping (%s): %s",
            signal.Signals(signum).name,
            ", ".join(c.name for c in running) or "nothing running",
        )
        for child in running:
            assert child.process is not None  # noqa: S101 - filtered above
            with contextlib.suppress(ProcessLookupError):
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + settings.SERVE_STOP_TIMEOUT
        for child in running:
            assert child.process is not None  # noqa: S101
            try:
                child.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                logger.warning("%s did not stop in time; killing it", child.name)
                sweep(child.process.pid)
                child.process.wait()
            sweep(child.process.pid)
        logger.info("Stopped")
