"""Correct or delete one's own tandem note (issue 16, point 2); the services are in
tandem_services.py. A note of another duo, or of a duo out of scope, is 404; someone
else's note is 403 (the page exists for the duo's members, not to change it)."""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from buddywerk.access import policy
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.trajectories.forms import ConfirmForm
from buddywerk.trajectories.read_only import FOLLOWUP_CLOSED_MESSAGE
from buddywerk.trajectories.views import duo_form_page, duo_write_guard, duo_write_view

from . import tandem_services
from .forms import TandemNoteEditForm
from .models import TandemNote


def _own_note(request: AuthenticatedHttpRequest, trajectory_uuid: UUID, note_uuid: UUID):
    trajectory = duo_write_guard(
        request, trajectory_uuid, policy.can_write_tandem_note, FOLLOWUP_CLOSED_MESSAGE
    )
    note = get_object_or_404(
        TandemNote.objects.select_related("trajectory__programme"),
        trajectory=trajectory,
        uuid=note_uuid,
    )
    if not policy.can_correct_tandem_note(request.user, note):
        raise PermissionDenied
    return trajectory, note


@duo_write_view
def tandem_note_edit(
    request: AuthenticatedHttpRequest, trajectory_uuid: UUID, note_uuid: UUID
) -> HttpResponse:
    trajectory, note = _own_note(request, trajectory_uuid, note_uuid)
    return duo_form_page(
        request,
        trajectory,
        TandemNoteEditForm(request.POST or None, initial={"text": note.text}),
        lambda data: tandem_services.tandem_note_update(
            actor=request.user, note=note, text=data["text"]
        ),
        success=_("Your note is corrected."),
        template="trajectories/phone_form.html",
        context={"title": _("Correct your note")},
        done=lambda _note: redirect("followup:tandem", trajectory_uuid=trajectory.uuid),
        names=True,
    )


@duo_write_view
def tandem_note_delete(
    request: AuthenticatedHttpRequest, trajectory_uuid: UUID, note_uuid: UUID
) -> HttpResponse:
    trajectory, note = _own_note(request, trajectory_uuid, note_uuid)
    return duo_form_page(
        request,
        trajectory,
        ConfirmForm(request.POST if request.method == "POST" else None),
        lambda _data: tandem_services.tandem_note_delete(actor=request.user, note=note) or True,
        success=_("Your note is deleted."),
        template="trajectories/phone_form.html",
        context={
            "title": _("Delete your note?"),
            "intro": _("The note is deleted for good; the other side no longer reads it."),
            "submit_label": _("Delete the note"),
            "submit_class": "btn-danger",
        },
        done=lambda _done: redirect("followup:tandem", trajectory_uuid=trajectory.uuid),
        names=True,
    )
