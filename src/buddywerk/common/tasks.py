"""The task queue's backend: django-tasks-db, plus the id of the request that enqueued a
task, so that the worker's log lines for it carry the same id (issue 17, point 2).

The id is stored in the task row's `args_kwargs` JSON beside "args" and "kwargs" (which
django-tasks-db reads; other keys are left alone): no extra table, no extra query. The
worker (common/management/commands/db_worker.py) sets it as the current request id while
the task runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django_tasks_db.backend import DatabaseBackend as _DatabaseBackend
from django_tasks_db.compat import normalize_json

from .logs import request_id_var

if TYPE_CHECKING:
    from django_tasks_db.models import DBTaskResult

REQUEST_ID_KEY = "request_id"


class DatabaseBackend(_DatabaseBackend):
    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> DBTaskResult[Any, Any]:
        from django_tasks_db.models import DBTaskResult

        args_kwargs: dict[str, Any] = {"args": args, "kwargs": kwargs}
        if request_id := request_id_var.get():
            args_kwargs[REQUEST_ID_KEY] = request_id
        return DBTaskResult.objects.create(
            id=self._get_id(),
            args_kwargs=normalize_json(args_kwargs),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=self.alias,
        )

    async def _atask_to_db_task(self, task: Any, args: Any, kwargs: Any) -> DBTaskResult[Any, Any]:
        from asgiref.sync import sync_to_async

        return await sync_to_async(self._task_to_db_task)(task, args, kwargs)


def request_id_of(db_task_result: DBTaskResult[Any, Any]) -> str:
    value = (db_task_result.args_kwargs or {}).get(REQUEST_ID_KEY, "")
    return value if isinstance(value, str) else ""


def old_mail_job[M: Model](
    queryset: QuerySet[M], write: Callable[[M], object], **lookup: Any
) -> None:
    """What a `*_mail_send` task does: such a task stays only for jobs an older release
    queued before it wrote mail in the service's transaction (issue 12). It writes, in one
    transaction, the same mail a service writes now, for the row `lookup` finds in
    `queryset` if it is still there (links from SITE_URL: an old job's `base_url` is
    ignored). Nothing enqueues these tasks any more; drop them once no deployment can hold
    such a job."""
    row = queryset.filter(**lookup).first()
    if row is not None:
        with transaction.atomic():
            write(row)
