"""Pages to cancel, move and delete a meeting (issue 16, points 2 and 3); the services are
in meeting_services.py. A meeting of another duo, or of a duo out of scope, is 404; a
closed duo sends the user back to its page with the reason (`duo_write_view`)."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from buddywerk.access import policy
from buddywerk.common.http import AuthenticatedHttpRequest

from . import meeting_services
from .enums import MeetingStatus
from .forms import ConfirmForm, MeetingCancelForm, MeetingMoveForm
from .models import Meeting
from .views import _detail, _titled_page, duo_form_page, duo_write_guard, duo_write_view


def _meeting(request: AuthenticatedHttpRequest, trajectory_uuid: UUID, meeting_uuid: UUID):
    trajectory = duo_write_guard(request, trajectory_uuid, policy.can_log_meeting)
    meeting = get_object_or_404(
        Meeting.objects.select_related("trajectory__programme", "trajectory__school"),
        trajectory=trajectory,
        uuid=meeting_uuid,
    )
    return trajectory, meeting


def _planned(request: AuthenticatedHttpRequest, trajectory_uuid: UUID, meeting_uuid: UUID):
    """A planned meeting the user may cancel or move; one that is not planned (any more)
    sends the user back to the duo with why."""
    trajectory, meeting = _meeting(request, trajectory_uuid, meeting_uuid)
    if not policy.can_change_planned_meeting(request.user, meeting):
        raise PermissionDenied
    if meeting.status != MeetingStatus.PLANNED:
        messages.error(request, _("This meeting is not planned any more."))
        return trajectory, None
    return trajectory, meeting


@duo_write_view
def meeting_cancel(
    request: AuthenticatedHttpRequest, trajectory_uuid: UUID, meeting_uuid: UUID
) -> HttpResponse:
    trajectory, meeting = _planned(request, trajectory_uuid, meeting_uuid)
    if meeting is None:
        return _detail(trajectory)
    return _titled_page(
        request,
        trajectory,
        MeetingCancelForm(request.POST or None),
        lambda data: meeting_services.meeting_cancel(
            actor=request.user,
            meeting=meeting,
            cancel_reason=data["cancel_reason"],
            reason=data["reason"],
        ),
        success=_("The meeting is cancelled."),
        title=_("Cancel a planned meeting"),
        template="trajectories/phone_form.html",
    )


@duo_write_view
def meeting_move(
    request: AuthenticatedHttpRequest, trajectory_uuid: UUID, meeting_uuid: UUID
) -> HttpResponse:
    trajectory, meeting = _planned(request, trajectory_uuid, meeting_uuid)
    if meeting is None:
        return _detail(trajectory)
    form = MeetingMoveForm(
        request.POST or None, initial={"date": meeting.date, "start_time": meeting.start_time}
    )
    return _titled_page(
        request,
        trajectory,
        form,
        lambda data: meeting_services.meeting_move(
            actor=request.user,
            meeting=meeting,
            date=data["date"],
            start_time=data["start_time"],
            reason=data["reason"],
        ),
        success=_("The meeting is moved."),
        title=_("Move a planned meeting"),
        template="trajectories/phone_form.html",
    )


@duo_write_view
def meeting_delete(
    request: AuthenticatedHttpRequest, trajectory_uuid: UUID, meeting_uuid: UUID
) -> HttpResponse:
    trajectory, meeting = _meeting(request, trajectory_uuid, meeting_uuid)
    if not policy.can_correct_meeting(request.user, meeting):
        raise PermissionDenied
    return duo_form_page(
        request,
        trajectory,
        ConfirmForm(request.POST if request.method == "POST" else None),
        lambda _data: meeting_services.meeting_delete(actor=request.user, meeting=meeting) or True,
        success=_("The meeting is deleted."),
        template="trajectories/phone_form.html",
        context={
            "title": _("Delete this meeting?"),
            "intro": _(
                "The meeting of %(day)s is deleted for good, with its well-being check. "
                "Only do this for a meeting logged by mistake."
            )
            % {"day": date_format(meeting.date, "DATE_FORMAT")},
            "submit_label": _("Delete the meeting"),
            "submit_class": "btn-danger",
        },
    )
