"""`buddywerk db_worker`: django-tasks-db's worker, made to outlive a database outage and to
log with the request id of the request that enqueued each task (issue 17, points 2 and 6).

Django picks this command over django-tasks-db's own (an app listed earlier in
INSTALLED_APPS wins); every option is the same.

When the database goes away, django-tasks-db's worker dies with OperationalError; this one
closes its connections, logs a warning, and tries again with backoff (1 s doubling to 30 s)
until the database is back, so a restart of PostgreSQL loses no worker. A task interrupted
by the outage keeps its row in RUNNING (the worker cannot record an outcome without a
database); Buddywerk's tasks are written for that: the outbox re-sends a claimed mail
after its lease (mail/outbox.py), the stale-imports job fails an import without a
heartbeat. Nothing is re-run blindly.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from buddywerk.common.logs import request_id_var, task_id_var
from buddywerk.common.tasks import request_id_of

logger = logging.getLogger("buddywerk.worker")

RETRY_FIRST_SECONDS = 1.0
RETRY_MAX_SECONDS = 30.0


class Worker(db_worker.Worker):
    def run(self) -> None:
        delay = RETRY_FIRST_SECONDS
        while self.running:
            try:
                super().run()
                return
            except (OperationalError, InterfaceError) as exc:
                if not self.running:
                    return
                logger.warning(
                    "Database unavailable (%s); the worker tries again in %.0f s",
                    type(exc).__name__,
                    delay,
                    extra={"retry_in_s": delay},
                )
                _close_all()
                time.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_SECONDS)
                # A clean pass after a retry resets the backoff.
                self.startup_delay = False
            else:
                delay = RETRY_FIRST_SECONDS

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        request_token = request_id_var.set(request_id_of(db_task_result))
        task_token = task_id_var.set(str(db_task_result.id))
        try:
            super().run_task(db_task_result)
        finally:
            task_id_var.reset(task_token)
            request_id_var.reset(request_token)


def _close_all() -> None:
    """Drop broken connections so the next query opens a fresh one."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except Exception:  # noqa: S110 - the connection is already broken
            pass
    close_old_connections()


class Command(db_worker.Command):
    help = (
        "Run the task worker (mail, reminders, imports); it waits out a database outage "
        "instead of stopping."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # django-tasks-db builds its Worker inside handle(): use ours for the same options.
        original = db_worker.Worker
        db_worker.Worker = Worker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
