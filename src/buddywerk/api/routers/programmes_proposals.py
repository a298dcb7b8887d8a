"""Proposals (R9): a programme's coordinator proposes a buddy for a referral in its queue,
as on the suggestions page (buddywerk.matching.views.referral_suggestions), and reads a
proposal as its page shows it (audited the same way)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import get_language
from ninja import Header, Router, Schema, Status

from buddywerk.access import policy
from buddywerk.buddies.models import Buddy
from buddywerk.common.audit import audit_view
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.matching import engine, selectors, services
from buddywerk.matching.models import Proposal
from buddywerk.organisations.models import Programme
from buddywerk.referrals.models import Referral

from ..auth import token_operation
from ..idempotency import idempotent
from ..models import ApiScope
from .referrals import TransitionOut

router = Router(tags=["programmes"])


class ProposalOut(Schema):
    uuid: UUID
    status: str
    programme: UUID
    referral: UUID
    buddy: UUID
    score: int
    due_at: datetime
    created_at: datetime
    trajectory: UUID | None
    history: list[TransitionOut]


class ProposalIn(Schema):
    referral: UUID
    buddy: UUID


def _proposal_out(proposal: Proposal) -> ProposalOut:
    return ProposalOut(
        uuid=proposal.uuid,
        status=proposal.status,
        programme=proposal.programme.uuid,
        referral=proposal.referral.uuid,
        buddy=proposal.buddy.uuid,
        score=proposal.score,
        due_at=proposal.due_at,
        created_at=proposal.created_at,
        trajectory=proposal.trajectory.uuid if proposal.trajectory is not None else None,
        history=[
            TransitionOut(
                transition=t.transition, from_status=t.from_status, to_status=t.to_status, at=t.at
            )
            for t in proposal.transitions.order_by("at", "id")
        ],
    )


def _texts() -> engine.Texts:
    return engine.Texts(lang="en" if (get_language() or "nl").startswith("en") else "nl")


@router.post(
    "/proposals",
    **token_operation(ApiScope.DUOS_WRITE, {201: ProposalOut}, 400, 404, 410),
    summary="Propose a buddy for a referral",
)
def proposal_create(
    request: AuthenticatedHttpRequest,
    payload: ProposalIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),  # noqa: B008
) -> Status[dict[str, Any]]:
    """As the suggestions page: a referral of a programme you match (404 otherwise) and
    one of that programme's buddies (404 otherwise); `matching.services.proposal_create`
    checks every hard constraint and the buddy's places again and refuses (422) with the
    page's message. Send an `Idempotency-Key` to make a retry safe."""
    user = request.user
    if not policy.can_match_referrals(user):
        raise PermissionDenied
    programmes = policy.programmes_matched_by(user, Programme.objects.all())
    referral = (
        policy.referrals_visible_to(user, Referral.objects.with_participant())
        .filter(uuid=payload.referral, programme__in=programmes)
        .first()
    )
    if referral is None:
        raise Http404
    buddy = (
        Buddy.objects.filter(programmes=referral.programme, uuid=payload.buddy).distinct().first()
    )
    if buddy is None:
        raise Http404

    def create() -> UUID:
        proposal = services.proposal_create(
            actor=user, referral=referral, buddy=buddy, texts=_texts()
        )
        return proposal.uuid

    def answer(proposal_uuid: UUID) -> dict[str, Any] | None:
        proposal = selectors.proposals_for(user=user).filter(uuid=proposal_uuid).first()
        return None if proposal is None else _proposal_out(proposal).model_dump(mode="json")

    return idempotent(
        request, operation="proposal_create", payload=payload.dict(), create=create, answer=answer
    )


@router.get(
    "/proposals/{proposal_uuid}",
    **token_operation(ApiScope.DUOS_READ, {200: ProposalOut}, 404),
    summary="A proposal's status and history",
)
def proposal_get(request: AuthenticatedHttpRequest, proposal_uuid: UUID) -> ProposalOut:
    """As its page: in your scope (the programme's coordinators, the referring school or
    service, platform admins) or 404; the look at the pupil or family is audited."""
    proposal = selectors.proposals_for(user=request.user).filter(uuid=proposal_uuid).first()
    if proposal is None:
        raise Http404
    audit_view(actor=request.user, target=selectors.seen_in_proposal(proposal))
    return _proposal_out(proposal)
