"""Duos and their meetings, for school staff (their pupils' duos) and programme
coordinators (their programme's duos): the duo pages' selectors, predicates, form and
service (buddywerk.trajectories). Status only: no names, no buddy contact details."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast
from uuid import UUID

from django.core.exceptions import PermissionDenied
from ninja import Header, Query, Router, Schema, Status

from buddywerk.access import policy
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.referrals.models import Family
from buddywerk.trajectories import selectors, services
from buddywerk.trajectories.filters import DuoFilter, MeetingFilter
from buddywerk.trajectories.forms import MeetingForm
from buddywerk.trajectories.models import Meeting, Participant, Trajectory
from buddywerk.trajectories.read_only import CLOSED_MESSAGE
from buddywerk.trajectories.views import MEETING_FIELDS

from ..auth import token_operation
from ..filtering import filtered
from ..idempotency import idempotent
from ..models import ApiScope
from ..pagination import PageQuery, cursor_page
from .referrals import Conflict, form_errors

router = Router(tags=["duos"])


class DuoParticipant(Schema):
    kind: str
    uuid: UUID


class DuoOut(Schema):
    """A duo's status; the participants by id only (the school and programme have them
    on file), the buddy not at all."""

    uuid: UUID
    status: str
    programme: UUID
    school: UUID | None
    mode: str
    planned_start: date
    planned_end: date
    closed_on: date | None
    meetings_held: int
    last_meeting_on: date | None
    participants: list[DuoParticipant]
    tasks: list[str]
    created_at: datetime


class DuoPage(Schema):
    items: list[DuoOut]
    next_cursor: str | None


class DuoQuery(Schema):
    """trajectories.filters.DuoFilter: `status` (planned, active, paused, closed) and
    `programme` (its id)."""

    status: str | None = None
    programme: str | None = None


def _participant(participant: Participant) -> DuoParticipant:
    """A pupil or a family, by id (select_related by the selector)."""
    if participant.pupil is not None:
        return DuoParticipant(kind="pupil", uuid=participant.pupil.uuid)
    # Otherwise a family: a database check holds exactly one of the two.
    return DuoParticipant(kind="family", uuid=cast(Family, participant.family).uuid)


def _duo_out(row: dict[str, Any]) -> DuoOut:
    duo: Trajectory = row["trajectory"]
    return DuoOut(
        uuid=duo.uuid,
        status=duo.status,
        programme=duo.programme.uuid,
        school=duo.school.uuid if duo.school else None,
        mode=duo.mode,
        planned_start=duo.planned_start,
        planned_end=duo.planned_end,
        closed_on=duo.closed_on,
        meetings_held=duo.meetings_held,  # type: ignore[attr-defined]
        last_meeting_on=duo.last_meeting_on,  # type: ignore[attr-defined]
        participants=[_participant(p) for p in duo.participants.all()],
        tasks=row["tasks"],
        created_at=duo.created_at,
    )


@router.get(
    "/duos",
    **token_operation(ApiScope.DUOS_READ, {200: DuoPage}),
    summary="The duos you work with",
)
def duo_list(
    request: AuthenticatedHttpRequest, filters: Query[DuoQuery], page: Query[PageQuery]
) -> DuoPage:
    """School staff: the duos of their school's pupils (or service's families); programme
    coordinators: their programme's duos; newest first. As the page "Duo's", every pupil
    or family listed is written to the audit as viewed."""
    if not policy.can_list_trajectories(request.user):
        raise PermissionDenied
    qs = filtered(DuoFilter, filters.dict(), selectors.trajectory_list(user=request.user))
    rows, next_cursor = cursor_page(qs, page, key=("created_at", "id"), descending=True)
    listed = selectors.trajectory_rows(user=request.user, trajectories=rows)
    return DuoPage(items=[_duo_out(row) for row in listed], next_cursor=next_cursor)


# --- Meetings ---------------------------------------------------------------------------


class MeetingOut(Schema):
    """A meeting; `note` only when you may read it (a private note never reaches the
    school, as on the duo page)."""

    uuid: UUID
    date: date
    status: str
    duration_minutes: int | None
    cancel_reason: str
    topics: list[str]
    note: str
    note_visibility: str
    is_goodbye: bool
    created_at: datetime


class MeetingPage(Schema):
    items: list[MeetingOut]
    next_cursor: str | None


class MeetingQuery(Schema):
    """trajectories.filters.MeetingFilter: `status` (planned, happened, cancelled),
    `date_from` and `date_to` (YYYY-MM-DD, inclusive)."""

    status: str | None = None
    date_from: str | None = None
    date_to: str | None = None


class MeetingIn(Schema):
    """The fields of the page "Log a meeting" (trajectories.forms.MeetingForm)."""

    date: date
    status: str = "happened"
    duration_minutes: int | None = None
    cancel_reason: str = ""
    topics: list[str] = []
    note: str = ""
    note_visibility: str = "private"
    wellbeing: int | None = None
    is_goodbye: bool = False


def _meeting_out(meeting: Meeting) -> MeetingOut:
    return MeetingOut(
        uuid=meeting.uuid,
        date=meeting.date,
        status=meeting.status,
        duration_minutes=meeting.duration_minutes,
        cancel_reason=meeting.cancel_reason,
        topics=list(meeting.topics),
        note=getattr(meeting, "visible_note", ""),
        note_visibility=meeting.note_visibility,
        is_goodbye=meeting.is_goodbye,
        created_at=meeting.created_at,
    )


@router.get(
    "/duos/{duo_uuid}/meetings",
    **token_operation(ApiScope.DUOS_READ, {200: MeetingPage}, 404),
    summary="A duo's meetings",
)
def meeting_list(
    request: AuthenticatedHttpRequest,
    duo_uuid: UUID,
    filters: Query[MeetingQuery],
    page: Query[PageQuery],
) -> MeetingPage:
    """The meetings the duo page lists, most recently logged first; a duo outside your
    scope answers 404. The look at the duo is audited as the page's."""
    if not policy.can_list_trajectories(request.user):
        raise PermissionDenied
    duo = selectors.trajectory_get_for_view(user=request.user, trajectory_uuid=duo_uuid)
    qs = filtered(
        MeetingFilter, filters.dict(), selectors.meetings_for(user=request.user, trajectory=duo)
    )
    rows, next_cursor = cursor_page(qs, page, key=("created_at", "id"), descending=True)
    return MeetingPage(items=[_meeting_out(m) for m in rows], next_cursor=next_cursor)


@router.post(
    "/duos/{duo_uuid}/meetings",
    **token_operation(ApiScope.DUOS_WRITE, {201: MeetingOut}, 400, 404, 409, 410),
    summary="Log a meeting of a duo",
)
def meeting_create(
    request: AuthenticatedHttpRequest,
    duo_uuid: UUID,
    payload: MeetingIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),  # noqa: B008
) -> Status[dict[str, Any]]:
    """As the page "Log a meeting": whoever `policy.can_log_meeting` allows, which through
    the API (buddies hold no tokens) is the programme's coordinator logging it for the
    buddy; school staff may not (403). Validated by the page's form and saved by
    `trajectories.services.meeting_log` (422 before the agreements are confirmed, R9); a
    closed duo answers 409. Send an `Idempotency-Key` to make a retry safe."""
    user = request.user
    duo = selectors.trajectory_get(user=user, trajectory_uuid=duo_uuid)
    if not policy.can_log_meeting(user, duo):
        raise PermissionDenied
    if policy.duo_is_read_only(duo):
        raise Conflict(str(CLOSED_MESSAGE))
    data = payload.dict()
    # Left out (null) is the form's empty field; any number goes to the form's own checks.
    for name in ("wellbeing", "duration_minutes"):
        data[name] = "" if data[name] is None else data[name]
    form = MeetingForm(data)
    if not form.is_valid():
        raise form_errors(form)

    def create() -> UUID:
        meeting = services.meeting_log(
            actor=user,
            trajectory=duo,
            wellbeing=form.cleaned_data["wellbeing"],
            **{name: form.cleaned_data[name] for name in MEETING_FIELDS},
        )
        return meeting.uuid

    def answer(meeting_uuid: UUID) -> dict[str, Any] | None:
        shown = selectors.meetings_for(user=user, trajectory=duo).filter(uuid=meeting_uuid)
        meeting = shown.first()
        return None if meeting is None else _meeting_out(meeting).model_dump(mode="json")

    return idempotent(
        request,
        operation="meeting_create",
        payload=[str(duo.uuid), payload.dict()],
        create=create,
        answer=answer,
    )
