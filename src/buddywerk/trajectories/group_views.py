"""Pages of a family programme's group activities (issue 20, point 4): the list, planning
one (inviting several families' duos), and its page where the coordinator takes attendance
on a phone. Only a coordinator of a programme that works with families reaches them; an
activity of another programme is 404. The services are in group_services.py."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buddywerk.access import policy
from buddywerk.common.forms import form_submit
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.common.once import once_made, submit_once
from buddywerk.common.plausible import PlausibleDateField
from buddywerk.common.vocabulary import MeetingMode
from buddywerk.organisations.models import Programme

from . import group_services
from .enums import GroupActivityStatus
from .forms import DATE_WIDGET, StyledForm
from .models import MEETING_MAX_MINUTES, MEETING_MIN_MINUTES, GroupActivity, Trajectory


def _duo_label(duo: Trajectory) -> str:
    """The family's contact name and the buddy's first name: what a coordinator needs."""
    families = ", ".join(p.full_name for p in duo.participants.all())
    return f"{families} – {duo.buddy.user.first_name}"


class GroupActivityForm(StyledForm, forms.Form):
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Programme"), queryset=Programme.objects.none(), empty_label=None
    )
    title = forms.CharField(label=gettext_lazy("What"), max_length=120)
    date = PlausibleDateField(
        label=gettext_lazy("Date"), past_years=0, future_years=1, widget=DATE_WIDGET
    )
    start_time = forms.TimeField(
        label=gettext_lazy("Start time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Duration (minutes)"),
        min_value=MEETING_MIN_MINUTES,
        max_value=MEETING_MAX_MINUTES,
        initial=90,
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Where they meet"),
        choices=[(m.value, m.label) for m in MeetingMode if m != MeetingMode.ONLINE],
        initial=MeetingMode.OUT_ABOUT,
        widget=forms.RadioSelect,
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200)
    trajectories = forms.MultipleChoiceField(
        label=gettext_lazy("Invite these families"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, programmes: Any, duos: list[Trajectory], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.duos = {str(duo.pk): duo for duo in duos}
        programme_field = self.fields["programme"]
        assert isinstance(programme_field, forms.ModelChoiceField)  # noqa: S101
        programme_field.queryset = programmes
        trajectories = self.fields["trajectories"]
        assert isinstance(trajectories, forms.MultipleChoiceField)  # noqa: S101
        trajectories.choices = [(key, _duo_label(duo)) for key, duo in self.duos.items()]
        self._style()


class AttendanceForm(StyledForm, forms.Form):
    attended = forms.MultipleChoiceField(
        label=gettext_lazy("Who came?"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, duos: list[Trajectory], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["attended"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101
        field.choices = [(str(duo.pk), _duo_label(duo)) for duo in duos]
        self._style()


def _require_planner(request: AuthenticatedHttpRequest) -> None:
    if not policy.can_plan_group_activities(request.user):
        raise PermissionDenied


def group_activity_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_planner(request)
    activities = policy.group_activities_visible_to(
        request.user, GroupActivity.objects.select_related("programme")
    ).order_by("-date", "-pk")[:100]
    return render(request, "trajectories/group/list.html", {"activities": activities})


@submit_once
def group_activity_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_planner(request)
    programmes = Programme.objects.filter(
        pk__in=policy.group_activity_programme_ids(request.user)
    ).order_by("name")
    raw = request.POST.get("programme", "")
    # A programme id that is no id at all (junk, an overflowing number) chooses none:
    # the form then answers with its own error on the field.
    valid_id = raw.isascii() and raw.isdigit() and len(raw) <= 9
    chosen = programmes.filter(pk=int(raw)).first() if valid_id else None
    programme = chosen or programmes.first()
    duos = group_services.invitable_duos(programme) if programme else []
    form = GroupActivityForm(
        request.POST or None,
        programmes=programmes,
        duos=duos,
        initial={"programme": programme},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        activity = form_submit(
            form,
            lambda: group_services.group_activity_plan(
                actor=request.user,
                programme=data["programme"],
                title=data["title"],
                date=data["date"],
                start_time=data["start_time"],
                duration_minutes=data["duration_minutes"],
                mode=data["mode"],
                place=data["place"],
                trajectories=[form.duos[key] for key in data["trajectories"]],
            ),
        )
        if activity is not None:
            once_made(request, activity)
            messages.success(request, _("The group activity is planned."))
            return redirect("trajectories:group_activity_detail", activity.uuid)
    return render(
        request,
        "trajectories/group/form.html",
        {"form": form, "title": _("Plan a group activity")},
    )


def group_activity_detail(request: AuthenticatedHttpRequest, activity_uuid: UUID) -> HttpResponse:
    activity = get_object_or_404(
        policy.group_activities_visible_to(
            request.user, GroupActivity.objects.select_related("programme")
        ),
        uuid=activity_uuid,
    )
    invites = list(
        activity.invites.select_related("trajectory__buddy__user").prefetch_related(
            "trajectory__participants__family", "trajectory__participants__pupil"
        )
    )
    duos = [invite.trajectory for invite in invites]
    form = None
    if activity.status == GroupActivityStatus.PLANNED:
        # Nobody came is an answer too: an empty POST is still a POST.
        data = request.POST if request.method == "POST" else None
        form = AttendanceForm(data, duos=duos)
        if request.method == "POST" and form.is_valid():
            done = form_submit(
                form,
                lambda: group_services.group_activity_attendance(
                    actor=request.user,
                    activity=activity,
                    attended=[int(pk) for pk in form.cleaned_data["attended"]],
                ),
            )
            if done is not None:
                messages.success(
                    request, _("Attendance is saved: each family that came has a meeting.")
                )
                return redirect("trajectories:group_activity_detail", activity.uuid)
    rows = [(_duo_label(invite.trajectory), invite.attended) for invite in invites]
    return render(
        request,
        "trajectories/group/detail.html",
        {"activity": activity, "form": form, "rows": rows},
    )
