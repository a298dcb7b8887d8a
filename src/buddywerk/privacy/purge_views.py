"""The purge's dry run for platform admins (issue 15 point 7): the same plan as
`buddywerk privacy --dry-run`, and the last runs with their counts (their audit events)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from buddywerk.access import policy
from buddywerk.common.audit import AuditAction
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.common.models import AuditEvent

from .plan import HORIZON, purge_plan
from .purge import RUN_TARGET


def purge_plan_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.is_platform_admin(request.user):
        raise PermissionDenied
    runs = AuditEvent.objects.filter(
        action=AuditAction.PRIVACY_PURGE, object_type=RUN_TARGET
    ).order_by("-at")[:10]
    return render(
        request,
        "privacy/purge_plan.html",
        {
            "rows": purge_plan(now=timezone.now()),
            "horizon": HORIZON,
            "runs": [(run.at, sum(run.detail.values()), run.detail) for run in runs],
        },
    )
