"""A programme's buddies, for its coordinators: the screening queue's scope and rules
(buddywerk.buddies.views.screening_queue). Screening status, capacity and availability
only: no extract details, no contact details."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Query, Router, Schema

from buddywerk.access import policy
from buddywerk.buddies.filters import BuddyFilter
from buddywerk.buddies.models import Buddy
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.matching.candidates import places_taken
from buddywerk.organisations.models import Programme

from ..auth import token_operation
from ..filtering import filtered
from ..models import ApiScope
from ..pagination import PageQuery, cursor_page

router = Router(tags=["programmes"])


class BuddyOut(Schema):
    uuid: UUID
    kind: str
    status: str
    screened_at: datetime | None
    capacity: int
    in_duos: int
    proposed: int
    available_from: date | None
    available_until: date | None
    is_paused: bool
    online_only: bool
    travel_radius_km: int | None
    slots: list[str]
    created_at: datetime


class BuddyPage(Schema):
    items: list[BuddyOut]
    next_cursor: str | None


class BuddyQuery(Schema):
    """buddies.filters.BuddyFilter: `status` (the screening status), `kind`, `paused`."""

    status: str | None = None
    kind: str | None = None
    paused: str | None = None


def screened_programme(request: AuthenticatedHttpRequest, programme_uuid: UUID) -> Programme:
    """As the screening pages: 403 for a user who screens for no programme, 404 for a
    programme they do not screen (its existence is not revealed)."""
    if not policy.can_screen_applicants(request.user):
        raise PermissionDenied
    programme = Programme.objects.filter(uuid=programme_uuid).first()
    if programme is None or not policy.can_screen_buddies(request.user, programme):
        raise Http404
    return programme


@router.get(
    "/programmes/{programme_uuid}/buddies",
    **token_operation(ApiScope.BUDDIES_READ, {200: BuddyPage}, 404),
    summary="Your programme's buddies",
)
def programme_buddies(
    request: AuthenticatedHttpRequest,
    programme_uuid: UUID,
    filters: Query[BuddyQuery],
    page: Query[PageQuery],
) -> BuddyPage:
    """The programme's buddies, oldest application first, with their screening status,
    capacity (places in running duos and in open proposals beside it) and availability."""
    programme = screened_programme(request, programme_uuid)
    qs = filtered(
        BuddyFilter,
        filters.dict(),
        policy.buddies_visible_to(request.user, Buddy.objects.all()).filter(programmes=programme),
    ).annotate(**places_taken())
    rows, next_cursor = cursor_page(qs, page, key=("created_at", "id"), descending=False)
    return BuddyPage(
        items=[
            BuddyOut(
                uuid=b.uuid,
                kind=b.kind,
                status=b.status,
                screened_at=b.screened_at,
                capacity=b.capacity,
                in_duos=b.in_duos,  # type: ignore[attr-defined]
                proposed=b.proposed,  # type: ignore[attr-defined]
                available_from=b.available_from,
                available_until=b.available_until,
                is_paused=b.is_paused,
                online_only=b.online_only,
                travel_radius_km=b.travel_radius_km,
                slots=list(b.slots),
                created_at=b.created_at,
            )
            for b in rows
        ],
        next_cursor=next_cursor,
    )
