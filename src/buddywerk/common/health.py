"""`/healthz` and `/readyz` for load balancers and orchestrators (issue 17, point 2).

`/healthz`: the process answers (liveness); it touches nothing else, so a database outage
never makes an orchestrator kill healthy web workers. `/readyz`: this worker can serve real
pages (readiness): the database answers, every migration of this release is applied, the
task queue is moving (no ready task has waited longer than READY_TASK_MAX_AGE_MINUTES) and
the outbox is not stuck (no unsent mail has been failing for longer than
READY_MAIL_FAILING_MINUTES). Both answer JSON, need no sign-in, hold only check names,
counts and ages (no personal data), and may never be cached. A failing check answers 503
and names itself, e.g. {"status": "fail", "checks": {"tasks": "fail", ...}}.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

OK = "ok"
FAIL = "fail"
SKIPPED = "skipped"

# Once this process has seen every migration applied, that stays true for its lifetime (a
# new release restarts the workers), so the migration graph is read only until then.
_migrations_applied = False


def _database() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK, ""


def _migrations() -> tuple[str, str]:
    global _migrations_applied
    if _migrations_applied:
        return OK, ""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return FAIL, f"{len(plan)} migration(s) not applied"
    _migrations_applied = True
    return OK, ""


def _tasks(now: dt.datetime) -> tuple[str, str]:
    from django.tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult, get_date_max

    if not isinstance(task_backends["default"], DatabaseBackend):
        return SKIPPED, "not a database queue"
    limit = dt.timedelta(minutes=settings.READY_TASK_MAX_AGE_MINUTES)
    cutoff = now - limit
    # Ready to run since before the cutoff: enqueued then without a delay, or due then.
    stuck = (
        DBTaskResult.objects.ready()
        .filter(Q(run_after=get_date_max(), enqueued_at__lt=cutoff) | Q(run_after__lt=cutoff))
        .exists()
    )
    if stuck:
        return FAIL, f"a ready task has waited over {settings.READY_TASK_MAX_AGE_MINUTES} min"
    return OK, ""


def _mail(now: dt.datetime) -> tuple[str, str]:
    from buddywerk.mail.models import OutgoingMail

    cutoff = now - dt.timedelta(minutes=settings.READY_MAIL_FAILING_MINUTES)
    failing = OutgoingMail.objects.filter(
        sent_at__isnull=True, given_up_at__isnull=True, attempts__gt=0, created_at__lt=cutoff
    ).exists()
    if failing:
        return FAIL, (f"a mail has been failing for over {settings.READY_MAIL_FAILING_MINUTES} min")
    return OK, ""


CHECKS = ("database", "migrations", "tasks", "mail")


def readiness(only: frozenset[str] | None = None) -> tuple[bool, dict[str, str]]:
    """Run every check (or those in `only`); after a failing database the others are
    skipped."""
    now = timezone.now()
    checks: list[tuple[str, Callable[[], tuple[str, str]]]] = [
        ("database", _database),
        ("migrations", _migrations),
        ("tasks", lambda: _tasks(now)),
        ("mail", lambda: _mail(now)),
    ]
    results: dict[str, str] = {}
    for name, check in checks:
        if only is not None and name not in only:
            continue
        if results.get("database") == FAIL:
            results[name] = SKIPPED
            continue
        try:
            status, detail = check()
        except DatabaseError as exc:
            status, detail = FAIL, type(exc).__name__
        results[name] = f"{status}: {detail}" if detail else status
    ready = not any(value.startswith(FAIL) for value in results.values())
    if not ready:
        logger.warning(
            "Not ready: %s",
            ", ".join(name for name, value in results.items() if value.startswith(FAIL)),
        )
    return ready, results


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": OK})


@login_not_required
@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """`?check=database&check=migrations` runs only those: what a load balancer should
    route on, since a stuck queue or outbox is a reason to alert, not to stop serving
    pages (docs/deployment.md)."""
    asked = request.GET.getlist("check")
    unknown = sorted(set(asked) - set(CHECKS))
    if unknown:
        return JsonResponse(
            {"status": FAIL, "error": "unknown check", "known": list(CHECKS)}, status=400
        )
    ready, checks = readiness(frozenset(asked) if asked else None)
    return JsonResponse(
        {"status": OK if ready else FAIL, "checks": checks}, status=200 if ready else 503
    )
