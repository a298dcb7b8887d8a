"""A family referral by a service or a school [004], as the page "Een gezin aanmelden"
(buddywerk.referrals.views.referral_create_family): validated by its form, saved as a draft
by the same service. Reading it (status and history), submitting and withdrawing it are the
referral operations every referral shares (routers/referrals.py)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from ninja import Header, Router, Schema, Status

from buddywerk.access import policy
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.referrals import services
from buddywerk.referrals.forms import FamilyReferralForm, organisations_for

from ..auth import token_operation
from ..idempotency import idempotent
from ..models import ApiScope
from .referrals import ReferralDetailOut, _pk_of, created_referral, form_errors

router = Router(tags=["referrals"])


class FamilyReferralIn(Schema):
    """The fields of the page's family referral form (referrals.forms.FamilyReferralForm),
    consent included; `referrer` only when you work for several schools or services."""

    programme: UUID
    referrer: UUID | None = None
    contact_name: str
    contact_phone: str = ""
    household_size: int | None = None
    children_ages: list[int] = []
    languages: list[str] = []
    contact_language: str = ""
    postcode: str
    needs: list[str] = []
    needs_note: str = ""
    goals: list[str] = []
    meeting_modes: list[str] = []
    time_slots: list[str] = []
    urgency: int = 2
    complexity: str = ""
    consent_given_on: date | None = None
    consent_given_by: str = ""
    consent_giver: str = ""
    consent_method: str = ""


@router.post(
    "/referrals/family",
    **token_operation(ApiScope.REFERRALS_WRITE, {201: ReferralDetailOut}, 400, 410),
    summary="Refer a family (a draft)",
)
def referral_create_family(
    request: AuthenticatedHttpRequest,
    payload: FamilyReferralIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),  # noqa: B008
) -> Status[dict[str, Any]]:
    """Saved by `referrals.services.family_referral_create` as a draft; submit it next
    (`POST /referrals/{uuid}/submit`, refused without consent). Send an `Idempotency-Key`
    to make a retry safe."""
    user = request.user
    if not policy.can_refer_family(user):
        raise PermissionDenied
    referrer_ids = policy.referrer_organisation_ids(user)
    referrers = organisations_for(referrer_ids)
    programmes = services.programmes_for_families()
    data: dict[str, Any] = payload.dict(exclude={"programme", "referrer", "children_ages"})
    data["children_ages"] = ", ".join(str(age) for age in payload.children_ages)
    data["household_size"] = "" if payload.household_size is None else payload.household_size
    data["consent_given_on"] = data["consent_given_on"] or ""
    data["programme"] = _pk_of(programmes, payload.programme)
    data["referrer"] = _pk_of(referrers, payload.referrer)
    form = FamilyReferralForm(
        data,
        referrers=referrers if len(referrer_ids) > 1 else None,
        programmes=programmes,
    )
    if not form.is_valid():
        raise form_errors(form)
    referrer = form.cleaned_data.get("referrer") or referrers.first()

    def create() -> UUID:
        referral = services.family_referral_create(
            actor=user,
            referrer=referrer,
            programme=form.cleaned_data["programme"],
            family_data=form.family_data(),
            referral_data=form.referral_data(),
        )
        return referral.uuid

    return idempotent(
        request,
        operation="referral_create_family",
        payload=payload.dict(),
        create=create,
        answer=lambda referral_uuid: created_referral(user, referral_uuid),
    )
