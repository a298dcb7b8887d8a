"""The staff page of an organisation, shared by a school's staff page, a service's page
and an institution's supervisors page: its invitation form, and the revocation of a staff
member's access. The calling view checks the policy and finds the organisation."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from buddywerk.access.models import Membership, Role
from buddywerk.common.forms import form_submit
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.organisations.models import Organisation


def staff_page(
    request: AuthenticatedHttpRequest,
    *,
    form: forms.Form,
    invite: Callable[[dict[str, Any]], Membership],
    here: str,
    template: str,
    context: Mapping[str, Any],
) -> HttpResponse:
    """The page with `form`: a valid invitation runs `invite` with the form's data and
    returns to `here` (the page's own address); otherwise the page with the form."""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invited = form_submit(form, lambda: invite(data))
        if invited is not None:
            messages.success(request, _("%(email)s is invited.") % {"email": data["email"].lower()})
            return redirect(here)
    return render(request, template, {**context, "form": form})


def staff_revoke_page(
    request: AuthenticatedHttpRequest,
    *,
    organisation: Organisation,
    role: Role,
    user_uuid: UUID,
    revoke: Callable[[Membership], Membership],
    done: Callable[[Membership], str],
    here: str,
) -> HttpResponse:
    """Revoke the active `role` of the person `user_uuid` in `organisation` (404 when
    there is none) through `revoke`; the message `done` says so, a refusal says why.
    Back to `here`, the staff page."""
    membership = get_object_or_404(
        Membership.objects.active().select_related("user"),
        organisation=organisation,
        role=role,
        user__uuid=user_uuid,
    )
    try:
        revoke(membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done(membership))
    return redirect(here)
