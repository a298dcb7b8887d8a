"""Referrals for the referring school or service: the same guards, selectors and audit as
the pages in buddywerk.referrals.views."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Schema

from buddywerk.access import policy
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.referrals import selectors
from buddywerk.referrals.models import Referral, ReferralStatus

from ..auth import TokenAuth
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


class ReferralFilter(Schema):
    status: ReferralStatus | None = None


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
    response=ReferralPage,
    auth=TokenAuth(ApiScope.REFERRALS_READ),
    operation_id="referral_list",
    summary="The referrals your school or service made",
)
def referral_list(
    request: AuthenticatedHttpRequest,
    filters: Query[ReferralFilter],
    page: Query[PageQuery],
) -> ReferralPage:
    """Newest first, as on the page "Aanmeldingen"; every pupil or family on the page is
    written to the audit as viewed, as the page does."""
    if not policy.can_list_own_referrals(request.user):
        raise PermissionDenied
    qs = selectors.referral_list_for_referrer(
        user=request.user, status=filters.status.value if filters.status else ""
    )
    rows, next_cursor = cursor_page(qs, page, key=("created_at", "id"), descending=True)
    rows = selectors.referral_rows(user=request.user, referrals=rows)
    return ReferralPage(items=[referral_out(r) for r in rows], next_cursor=next_cursor)
