"""The programmes' retention page (the public privacy page is common.views.privacy)."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from buddywerk.access import policy
from buddywerk.access.models import Role
from buddywerk.common.forms import form_submit
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.organisations.models import Programme

from . import services
from .forms import RetentionForm
from .models import RetentionOverride
from .schedule import OVERRIDABLE, SCHEDULE


def _programmes(request: AuthenticatedHttpRequest) -> QuerySet[Programme]:
    return Programme.objects.filter(
        pk__in=policy.organisation_ids(request.user, Role.PROGRAMME_COORDINATOR)
    ).order_by("name")


def retention_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The schedule, and each of the coordinator's programmes with its shorter periods."""
    if not policy.has_role(request.user, Role.PROGRAMME_COORDINATOR):
        raise PermissionDenied
    programmes = list(_programmes(request).prefetch_related("retention_overrides"))
    return render(
        request,
        "privacy/retention_list.html",
        {"programmes": programmes, "schedule": SCHEDULE},
    )


def retention_edit(request: AuthenticatedHttpRequest, programme_uuid: UUID) -> HttpResponse:
    """Shorten (or restore) the periods of one programme."""
    programme = get_object_or_404(_programmes(request), uuid=programme_uuid)
    current = dict(
        RetentionOverride.objects.filter(programme=programme).values_list("kind", "days")
    )
    form = RetentionForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        done = form_submit(
            form,
            lambda: (
                services.retention_overrides_set(
                    actor=request.user,
                    programme=programme,
                    days_by_kind={
                        rule.kind.value: form.cleaned_data[rule.kind.value] for rule in OVERRIDABLE
                    },
                )
                or True
            ),
        )
        if done is not None:
            messages.success(request, _("The retention periods were saved."))
            return redirect("privacy:retention")
    return render(request, "privacy/retention_edit.html", {"programme": programme, "form": form})
