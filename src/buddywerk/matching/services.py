"""Writes of matching: settings, proposals and their answers (ARCHITECTURE.md 1, 4, 5).

Capacity and "one buddy per referral" are guarded by row locks, always taken in the same
order so that two transactions never wait on each other in a cycle: first the buddies
(by primary key), then the referrals (by primary key), then the proposal. Under those locks
the pairs are re-checked with the engine on fresh data, so two coordinators confirming at
the same moment can never push a buddy over capacity nor give one referral two buddies
(the second one gets a clear error and nothing is stored). A partial unique index on open
proposals per referral is the database's own last line.

`now` may be passed so that tests run on a fake clock. Each service writes its mail to the
outbox in its own transaction (`proposal_mail`); the worker sends it after the commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from buddywerk.access import policy
from buddywerk.access.models import REFERRER_STAFF_ROLES, Role
from buddywerk.access.recipients import members
from buddywerk.buddies.models import Buddy
from buddywerk.common import clock
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.permissions import check_allowed
from buddywerk.common.workflow import transition_apply
from buddywerk.geo.distance import distance_km
from buddywerk.mail.compose import mail_to_users, site_url
from buddywerk.referrals.models import Referral

from . import candidates, engine
from .enums import OPEN_STATUSES, ProposalSource, ProposalStatus
from .models import ProgrammeMatchingSettings, Proposal
from .workflow import PROPOSAL

if TYPE_CHECKING:
    from buddywerk.access.models import User
    from buddywerk.organisations.models import Programme
    from buddywerk.trajectories.models import Trajectory

REMIND_BEFORE = dt.timedelta(days=1)
SETTINGS_FIELDS = (
    "distance",
    "slots",
    "needs",
    "language",
    "fit",
    "sector",
    "track",
    "tags",
    "distance_scale_km",
    "urgency_percent",
    "proposal_days",
    # issue 21: what a referral asks, and the role models' path tags
    "asks_study_track",
    "asks_dream",
    "path_tags",
)


def _mail_recipients(proposal: Proposal, kind: str) -> list[User]:
    """Who hears about it: the buddy when they must answer or the duo starts; the referring
    school or service when it must confirm; the programme's coordinators otherwise."""

    buddy = [proposal.buddy.user]
    if kind == "proposed":
        return buddy
    school = members(proposal.referral.referrer_id, *REFERRER_STAFF_ROLES)
    if kind == "accepted":
        return school
    if kind == "reminder":
        return buddy if proposal.status == ProposalStatus.PENDING else school
    coordinators = members(proposal.programme_id, Role.PROGRAMME_COORDINATOR)
    if kind in ("confirmed", "withdrawn"):
        return buddy + coordinators
    return coordinators


def proposal_mail(*, kind: str, proposal: Proposal) -> None:
    """Write the mail about `kind` (proposed, accepted, declined, refused, confirmed,
    expired, reminder) to everyone concerned, in the caller's transaction. No participant's
    name goes into it: it says that something waits and links to the proposal's page, where
    the access policy decides what the reader sees."""
    mail_to_users(
        users=_mail_recipients(proposal, kind),
        template=f"matching/email/{kind}",
        context={"url": site_url(reverse("matching:proposal_detail", args=[proposal.uuid]))},
        kind=f"matching.{kind}",
    )


# --- Settings ---------------------------------------------------------------------------


@transaction.atomic
def matching_settings_update(
    *, actor: User | None, programme: Programme, data: Mapping[str, Any]
) -> ProgrammeMatchingSettings:
    """The coordinator sets the programme's weights and answer deadline."""
    check_allowed(actor, lambda user: policy.can_match(user, programme))
    unknown = set(data) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Fields not settable here: {sorted(unknown)}")
    settings, _created = ProgrammeMatchingSettings.objects.select_for_update().get_or_create(
        programme=programme
    )
    for name, value in data.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    audit_record(actor=actor, action=AuditAction.MATCHING_SETTINGS_UPDATE, target=programme)
    return settings


# --- Proposals --------------------------------------------------------------------------


def _reasons(candidate: engine.Candidate) -> list[dict[str, Any]]:
    return [
        {"key": p.key, "points": p.points, "max": p.max_points, "text": p.text}
        for p in candidate.parts
    ]


def proposals_create(
    *,
    actor: User | None,
    programme: Programme,
    pairs: Sequence[tuple[str, str]],
    source: str = ProposalSource.BATCH,
    now: dt.datetime | None = None,
    texts: engine.Texts = engine.DUTCH,
) -> list[Proposal]:
    """Turn confirmed (referral uuid, buddy uuid) pairs into proposals, all or none.

    Under locks (buddies, then referrals) every pair is checked again with the engine on
    fresh data: the referral is still accepted and without an open proposal, the buddy still
    meets every hard constraint and still has a place, counting the places this call gives
    away. Any problem refuses the whole call with a Dutch message naming what changed.
    """
    check_allowed(actor, lambda user: policy.can_match(user, programme))
    if not pairs:
        raise ValidationError(_("Choose at least one match to propose."))
    referral_uuids = [r for r, _b in pairs]
    if len(set(referral_uuids)) != len(referral_uuids):
        raise ValidationError(_("A referral can get only one buddy at a time."))
    now = clock.now(now)
    with transaction.atomic():
        buddy_pks = list(
            Buddy.objects.filter(uuid__in={b for _r, b in pairs}, programmes=programme)
            .values_list("pk", flat=True)
            .distinct()
        )
        buddies = {
            str(b.uuid): b
            for b in Buddy.objects.select_for_update().filter(pk__in=buddy_pks).order_by("pk")
        }
        referrals = {
            str(r.uuid): r
            for r in Referral.objects.select_for_update()
            .filter(uuid__in=referral_uuids, programme=programme)
            .order_by("pk")
        }
        data = candidates.programme_input(
            programme,
            referrals=Referral.objects.filter(pk__in=[r.pk for r in referrals.values()]),
            buddy_ids=[b.pk for b in buddies.values()],
            today=timezone.localtime(now).date(),
        )
        problem = data.problem
        errors: list[str] = []
        given: dict[str, int] = {}
        for referral_uuid, buddy_uuid in pairs:
            if buddy_uuid not in buddies or buddy_uuid not in data.buddy_rows:
                errors.append(_("A chosen buddy no longer works with this programme."))
                continue
            if referral_uuid not in data.referral_rows:
                errors.append(
                    _("A chosen referral is no longer waiting for a buddy (it has a proposal).")
                )
                continue
            broken = problem.check(referral_uuid, buddy_uuid)
            row = data.buddy_rows[buddy_uuid]
            left = row["capacity"] - row["in_duos"] - row["proposed"] - given.get(buddy_uuid, 0)
            if left <= 0 and "capacity" not in broken:
                broken = ("capacity", *broken)
            if broken:
                errors.append(
                    _("%(buddy)s no longer fits this referral (%(constraints)s).")
                    % {
                        "buddy": f"{row['user__first_name']} {row['user__last_name']}".strip(),
                        "constraints": ", ".join(broken),
                    }
                )
                continue
            given[buddy_uuid] = given.get(buddy_uuid, 0) + 1
        if errors:
            raise ValidationError(sorted(set(errors)))
        days = data.proposal_days
        created = []
        for referral_uuid, buddy_uuid in pairs:
            candidate = problem.explain(referral_uuid, buddy_uuid, texts)
            r, b = (
                problem.referrals[problem.referral_index(referral_uuid)],
                problem.buddies[problem.buddy_index(buddy_uuid)],
            )
            proposal = Proposal(
                programme=programme,
                referral=referrals[referral_uuid],
                buddy=buddies[buddy_uuid],
                source=source,
                score=candidate.score,
                reasons=_reasons(candidate),
                distance_m=int(engine.round_metres(distance_km(b.lat, b.lon, r.lat, r.lon))),
                created_by=actor if actor is not None and actor.is_authenticated else None,
                due_at=now + dt.timedelta(days=days),
            )
            proposal.full_clean()
            proposal.save()
            PROPOSAL.log_start(proposal, actor=actor, at=now)
            audit_record(
                actor=actor,
                action=AuditAction.PROPOSAL_CREATE,
                target=proposal,
                detail={"referral": referral_uuid, "buddy": buddy_uuid, "score": candidate.score},
            )
            proposal_mail(kind="proposed", proposal=proposal)
            created.append(proposal)
    return created


def proposal_create(
    *, actor: User | None, referral: Referral, buddy: Buddy, **kwargs: Any
) -> Proposal:
    """One proposal from the suggestions page (see `proposals_create`)."""
    kwargs.setdefault("source", ProposalSource.SUGGESTION)
    return proposals_create(
        actor=actor,
        programme=referral.programme,
        pairs=[(str(referral.uuid), str(buddy.uuid))],
        **kwargs,
    )[0]


def _take(
    name: str,
    *,
    actor: User | None,
    proposal: Proposal,
    now: dt.datetime | None = None,
    reason: str = "",
    lock_buddy_and_referral: bool = False,
) -> Proposal:
    """Take a transition of `workflow.PROPOSAL`. Buddy and referral rows are locked first
    when the change gives a place (the lock order of this module's docstring)."""
    moment = clock.now(now)

    def lock_first() -> None:
        Buddy.objects.select_for_update().filter(pk=proposal.buddy_id).first()
        Referral.objects.select_for_update().filter(pk=proposal.referral_id).first()

    def update(locked: Proposal, at: dt.datetime) -> list[str]:
        fields = []
        if reason.strip():
            locked.answer_reason = reason.strip()
            fields.append("answer_reason")
        if locked.status == ProposalStatus.ACCEPTED:
            # the school now has the programme's number of days to answer
            days = candidates.settings_for(locked.programme).proposal_days
            locked.due_at = at + dt.timedelta(days=days)
            locked.reminded_at = None
            fields += ["due_at", "reminded_at"]
        return fields

    locked: Proposal = transition_apply(
        PROPOSAL,
        name,
        obj=proposal,
        actor=actor,
        reason=reason,
        update=update,
        lock_first=lock_first if lock_buddy_and_referral else None,
        now=moment,
    )
    return locked


@transaction.atomic
def proposal_accept(
    *, actor: User | None, proposal: Proposal, now: dt.datetime | None = None
) -> Proposal:
    """The buddy says yes; the school (or service) is asked to confirm."""
    locked = _take("accept", actor=actor, proposal=proposal, now=now)
    proposal_mail(kind="accepted", proposal=locked)
    return locked


@transaction.atomic
def proposal_decline(
    *,
    actor: User | None,
    proposal: Proposal,
    reason: str,
    now: dt.datetime | None = None,
) -> Proposal:
    """The buddy says no, with a reason; the referral is back in the queue (it stayed
    accepted, and no open proposal holds it any more)."""
    locked = _take("decline", actor=actor, proposal=proposal, now=now, reason=reason)
    proposal_mail(kind="declined", proposal=locked)
    return locked


@transaction.atomic
def proposal_refuse(
    *,
    actor: User | None,
    proposal: Proposal,
    reason: str,
    now: dt.datetime | None = None,
) -> Proposal:
    """The school or service does not want this buddy, with a reason; back to the queue."""
    locked = _take("refuse", actor=actor, proposal=proposal, now=now, reason=reason)
    proposal_mail(kind="refused", proposal=locked)
    return locked


def proposal_confirm(
    *,
    actor: User | None,
    proposal: Proposal,
    now: dt.datetime | None = None,
) -> Trajectory:
    """The school (or service) confirms the buddy the buddy accepted: the duo starts.

    The trajectory is created by the trajectories app (`trajectory_start_from_proposal`),
    which also moves the referral to matched. It runs as the system (actor None): the
    school's staff may confirm a buddy but do not start duos of a programme; the school's
    confirmation is in this proposal's log and audit.
    """
    from buddywerk.trajectories.services import trajectory_start_from_proposal

    started: list[Trajectory] = []

    def start(locked: Proposal) -> None:
        trajectory = trajectory_start_from_proposal(
            actor=None,
            buddy=locked.buddy,
            referral=Referral.objects.get(pk=locked.referral_id),
            planned_start=timezone.localtime(clock.now(now)).date(),
        )
        locked.trajectory = trajectory
        locked.save(update_fields=["trajectory", "updated_at"])
        started.append(trajectory)

    with transaction.atomic():
        locked = _take(
            "confirm", actor=actor, proposal=proposal, now=now, lock_buddy_and_referral=True
        )
        start(locked)
        proposal_mail(kind="confirmed", proposal=locked)
    proposal.refresh_from_db()
    return started[0]


def proposals_withdraw_for_buddy(
    *, buddy: Buddy, reason: str, only: Callable[[Proposal], bool] | None = None
) -> list[Proposal]:
    """Issue 13, the safeguarding cascade: every open proposal to `buddy` (or those `only`
    keeps) is withdrawn by the system, in the caller's transaction. Its referral stayed
    accepted while the proposal was open, so it is back in the programme's queue without a
    transition of its own."""
    withdrawn = []
    for proposal in (
        Proposal.objects.filter(buddy=buddy, status__in=OPEN_STATUSES)
        .select_related("buddy", "programme", "referral__family")
        .order_by("pk")
    ):
        if only is None or only(proposal):
            withdrawn.append(_take("withdraw", actor=None, proposal=proposal, reason=reason))
    return withdrawn


def proposals_withdraw_for_referral(*, referral: Referral, now: dt.datetime | None = None) -> int:
    """The consent for `referral` was withdrawn (R18): its open proposals are withdrawn by
    the system, and the buddy and the coordinators hear of it. Called only by
    `referrals.consent_services.consent_withdraw`, in its transaction. Returns the count."""
    count = 0
    for proposal in Proposal.objects.open().filter(referral=referral).order_by("id"):
        withdrawn = _take(
            "withdraw", actor=None, proposal=proposal, now=now, reason=_("Consent withdrawn.")
        )
        proposal_mail(kind="withdrawn", proposal=withdrawn)
        count += 1
    return count


def proposals_expire(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """The scheduled pass (`buddywerk matching_expire`): remind, then expire.

    A day before the deadline, whoever must answer (the buddy, or the school once the buddy
    accepted) gets one reminder. A proposal past its deadline expires, which returns the
    referral to the queue. A proposal that was never reminded (the pass did not run in
    time) is reminded first and gets one more day: nobody loses a proposal without a
    reminder. Returns (reminded, expired).
    """
    now = clock.now(now)
    reminded = expired = 0
    due_soon = Proposal.objects.open().filter(due_at__lte=now + REMIND_BEFORE)
    for pk in due_soon.order_by("due_at", "id").values_list("pk", flat=True):
        with transaction.atomic():
            proposal = Proposal.objects.select_for_update().filter(pk=pk).first()
            if proposal is None or not proposal.is_open:
                continue
            if proposal.reminded_at is None:
                proposal.reminded_at = now
                proposal.due_at = max(proposal.due_at, now + REMIND_BEFORE)
                proposal.save(update_fields=["reminded_at", "due_at", "updated_at"])
                audit_record(actor=None, action=AuditAction.PROPOSAL_REMIND, target=proposal)
                proposal_mail(kind="reminder", proposal=proposal)
                reminded += 1
            elif proposal.due_at <= now:
                _take(
                    "expire", actor=None, proposal=proposal, now=now, reason=_("No answer in time.")
                )
                proposal_mail(kind="expired", proposal=proposal)
                expired += 1
    return reminded, expired
