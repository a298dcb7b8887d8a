"""Referrals for the referring school or service: the same guards, selectors and audit as
the pages in buddywerk.referrals.views."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema, Status
from ninja.errors import ValidationError

from buddywerk.access import policy
from buddywerk.access.models import User
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.referrals import selectors, services
from buddywerk.referrals.filters import QueueFilter, ReferralFilter
from buddywerk.referrals.forms import PupilReferralForm, ReasonForm, schools_for
from buddywerk.referrals.models import Referral

from ..auth import token_operation
from ..filtering import filtered
from ..idempotency import idempotent
from ..models import ApiScope
from ..pagination import PageQuery, cursor_page

router = Router(tags=["referrals"])


class ReferralOut(Schema):
    """A referral's status, without the child's name (the school has it on file)."""

    uuid: UUID
    status: str
    programme: UUID
    participant_kind: str
    participant: UUID
    created_at: datetime
    submitted_at: datetime | None
    status_changed_at: datetime | None


class ReferralPage(Schema):
    items: list[ReferralOut]
    next_cursor: str | None


class ReferralQuery(Schema):
    """referrals.filters.ReferralFilter (the queue: QueueFilter), as on the pages:
    `status`."""

    status: str | None = None


def referral_out(referral: Referral) -> ReferralOut:
    participant = referral.participant
    return ReferralOut(
        uuid=referral.uuid,
        status=referral.status,
        programme=referral.programme.uuid,
        participant_kind="pupil" if referral.pupil_id else "family",
        participant=participant.uuid,
        created_at=referral.created_at,
        submitted_at=referral.submitted_at,
        status_changed_at=referral.status_changed_at,
    )


@router.get(
    "/referrals",
    **token_operation(ApiScope.REFERRALS_READ, {200: ReferralPage}),
    summary="The referrals your school or service made",
)
def referral_list(
    request: AuthenticatedHttpRequest,
    filters: Query[ReferralQuery],
    page: Query[PageQuery],
) -> ReferralPage:
    """Newest first, as on the page "Aanmeldingen"; every pupil or family on the page is
    written to the audit as viewed, as the page does."""
    if not policy.can_list_own_referrals(request.user):
        raise PermissionDenied
    qs = filtered(
        ReferralFilter, filters.dict(), selectors.referral_list_for_referrer(user=request.user)
    )
    rows, next_cursor = cursor_page(qs, page, key=("created_at", "id"), descending=True)
    rows = selectors.referral_rows(user=request.user, referrals=rows)
    return ReferralPage(items=[referral_out(r) for r in rows], next_cursor=next_cursor)


@router.get(
    "/queue",
    **token_operation(ApiScope.REFERRALS_READ, {200: ReferralPage}),
    summary="Your programme's referral queue",
)
def referral_queue(
    request: AuthenticatedHttpRequest,
    filters: Query[ReferralQuery],
    page: Query[PageQuery],
) -> ReferralPage:
    """The programme's queue, oldest first (submitted, waiting list, accepted), as the
    page "Wachtrij"; every pupil or family on the page is audited as viewed."""
    if not policy.can_view_referral_queue(request.user):
        raise PermissionDenied
    qs = filtered(QueueFilter, filters.dict(), selectors.referral_queue(user=request.user))
    rows, next_cursor = cursor_page(qs, page, key=("submitted_at", "id"), descending=False)
    rows = selectors.referral_rows(user=request.user, referrals=rows)
    return ReferralPage(items=[referral_out(r) for r in rows], next_cursor=next_cursor)


# --- One referral: create, read (with its history), submit, withdraw --------------------


class Conflict(Exception):
    """The referral is not in a state that allows this (409), e.g. withdrawing a closed one."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TransitionOut(Schema):
    transition: str
    from_status: str
    to_status: str
    at: datetime


class ReferralDetailOut(ReferralOut):
    history: list[TransitionOut]


class PupilReferralIn(Schema):
    """The fields of the page's pupil referral form (referrals.forms.PupilReferralForm),
    consent included; `school` only when you work for several schools, `pupil` to refer a
    pupil already on file."""

    programme: UUID
    school: UUID | None = None
    pupil: UUID | None = None
    first_name: str
    last_name: str
    school_year: int
    birth_year: int
    home_languages: list[str] = []
    needs: list[str]
    needs_note: str = ""
    criteria: list[str] = []
    meeting_modes: list[str] = []
    time_slots: list[str] = []
    urgency: int = 2
    complexity: str = ""
    consent_given_on: date | None = None
    consent_given_by: str = ""
    consent_giver: str = ""
    consent_method: str = ""


class ReasonIn(Schema):
    reason: str = ""


def _detail(referral: Referral) -> ReferralDetailOut:
    return ReferralDetailOut(
        **referral_out(referral).dict(),
        history=[
            TransitionOut(
                transition=t.transition, from_status=t.from_status, to_status=t.to_status, at=t.at
            )
            for t in referral.transitions.order_by("at", "id")
        ],
    )


def created_referral(user: User, referral_uuid: UUID) -> dict[str, Any] | None:
    """The answer to a create of a referral, first or retried; None once it is gone."""
    referral = selectors.referrals_visible(user=user).filter(uuid=referral_uuid).first()
    return None if referral is None else _detail(referral).model_dump(mode="json")


def form_errors(form: forms.Form) -> ValidationError:
    """A page form's errors as the API's field errors."""
    return ValidationError(
        [
            {"loc": ["body", field], "msg": str(message), "type": "invalid"}
            for field, messages in form.errors.items()
            for message in messages
        ]
    )


def _pk_of(qs: Any, value: UUID | None) -> Any:
    """The form's choice value (a primary key) of the object with this UUID among `qs`;
    an unknown UUID stays as it is, so the form refuses it as an invalid choice."""
    if value is None:
        return ""
    return qs.filter(uuid=value).values_list("pk", flat=True).first() or str(value)


@router.post(
    "/referrals/pupil",
    **token_operation(ApiScope.REFERRALS_WRITE, {201: ReferralDetailOut}, 400, 404, 410),
    summary="Refer a pupil (a draft)",
)
def referral_create_pupil(
    request: AuthenticatedHttpRequest,
    payload: PupilReferralIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),  # noqa: B008
) -> Status[dict[str, Any]]:
    """The page "Een leerling aanmelden": validated by its form, saved by
    `referrals.services.pupil_referral_create` as a draft; submit it next. Send an
    `Idempotency-Key` to make a retry safe."""
    if not policy.can_refer_pupil(request.user):
        raise PermissionDenied
    user = request.user
    school_ids = policy.referrer_organisation_ids(user)
    schools = schools_for(school_ids)
    pupil = None
    if payload.pupil is not None:
        pupil = selectors.pupils_to_refer(user=user).filter(uuid=payload.pupil).first()
        if pupil is None:
            raise Http404
    programmes = selectors.referral_programmes_for_schools(
        school_ids={pupil.school_id} if pupil else set(schools.values_list("pk", flat=True))
    )
    choose_school = pupil is None and schools.count() > 1
    data = payload.dict(exclude={"programme", "school", "pupil"})
    data["consent_given_on"] = data["consent_given_on"] or ""
    data["programme"] = _pk_of(programmes, payload.programme)
    data["school"] = _pk_of(schools, payload.school)
    form = PupilReferralForm(
        data, schools=schools, programmes=programmes, choose_school=choose_school
    )
    if not form.is_valid():
        raise form_errors(form)
    school = pupil.school if pupil else form.cleaned_data.get("school") or schools.first()

    def create() -> UUID:
        referral = services.pupil_referral_create(
            actor=user,
            school=school,
            programme=form.cleaned_data["programme"],
            pupil=pupil,
            pupil_data=form.pupil_data(),
            referral_data=form.referral_data(),
        )
        return referral.uuid

    return idempotent(
        request,
        operation="referral_create_pupil",
        payload=payload.dict(),
        create=create,
        answer=lambda referral_uuid: created_referral(user, referral_uuid),
    )


@router.get(
    "/referrals/{referral_uuid}",
    **token_operation(ApiScope.REFERRALS_READ, {200: ReferralDetailOut}, 404),
    summary="A referral's status and history",
)
def referral_get(request: AuthenticatedHttpRequest, referral_uuid: UUID) -> ReferralDetailOut:
    """As its page: in your scope or 404, and the look at the child is audited. Like every
    read, it answers with an `ETag`; send it back in `If-None-Match` to get 304 when
    nothing changed."""
    return _detail(selectors.referral_get_for_view(user=request.user, referral_uuid=referral_uuid))


def _for_referrer(request: AuthenticatedHttpRequest, referral_uuid: UUID) -> Referral:
    """As the page: in scope (404 otherwise), made by the caller's organisation (403)."""
    referral = selectors.referral_get(user=request.user, referral_uuid=referral_uuid)
    if not policy.is_referrer_staff(request.user, referral):
        raise PermissionDenied
    return referral


@router.post(
    "/referrals/{referral_uuid}/submit",
    **token_operation(ApiScope.REFERRALS_WRITE, {200: ReferralDetailOut}, 404, 409),
    summary="Send a draft to the programme",
)
def referral_submit(request: AuthenticatedHttpRequest, referral_uuid: UUID) -> ReferralDetailOut:
    """Refused (422) without recorded consent, as on the page; 409 once sent."""
    referral = _for_referrer(request, referral_uuid)
    if not policy.can_edit_referral(request.user, referral):
        raise Conflict(_("This referral was already sent."))
    return _detail(services.referral_submit(actor=request.user, referral=referral))


@router.post(
    "/referrals/{referral_uuid}/withdraw",
    **token_operation(ApiScope.REFERRALS_WRITE, {200: ReferralDetailOut}, 400, 404, 409),
    summary="Withdraw an open referral",
)
def referral_withdraw(
    request: AuthenticatedHttpRequest, referral_uuid: UUID, payload: ReasonIn
) -> ReferralDetailOut:
    """The referring school or service withdraws an open referral (409 once closed)."""
    referral = _for_referrer(request, referral_uuid)
    if not policy.can_withdraw_referral(request.user, referral):
        raise Conflict(_("This referral is no longer open."))
    form = ReasonForm(payload.dict())
    if not form.is_valid():
        raise form_errors(form)
    return _detail(
        services.referral_withdraw(
            actor=request.user, referral=referral, reason=form.cleaned_data["reason"]
        )
    )
