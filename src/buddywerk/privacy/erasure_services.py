"""Erasure on request (issue 15 point 4; GDPR Art. 17).

A coordinator of the child's programme records that a parent (through the school or
service), a family or a pupil asked for the child's data to be erased
(`erasure_request_create`). The page shows what will be erased, what is kept and why
(`erasure_preview`). A second person, another coordinator of the programme or a platform
admin but never the requester, confirms (`erasure_confirm`) or refuses it; the requester may
cancel it first. The daily run (`privacy-purge`) carries out every confirmed request that
nothing holds (`erasure_requests_execute`): the child's data goes into the anonymised
archive exactly as the purge does at the end of its period, so the funder's figures do not
move, and the requester gets a mail.

What holds a confirmed request (it stays confirmed and the page says why): a concern that
is not closed or a duo paused for safeguarding (until the case is closed, R18); a referral
still open or a duo still running (the coordinator withdraws or closes it first: that is
how the buddy and the school hear of it); a duo shared with other children (the duo is one
piece of the archive and goes with their data).

The audit trail keeps that an erasure was asked, confirmed and done (the request as
target, the counts as detail), never what was erased: the request row keeps the kind of
subject, the programme and who decided, and loses its link to the child.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from buddywerk.access import policy
from buddywerk.access.models import Membership, Role, User
from buddywerk.buddies.models import Buddy
from buddywerk.common import clock
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.permissions import check_allowed
from buddywerk.common.workflow import transition_apply
from buddywerk.followup.models import (
    CheckIn,
    FollowUpAction,
    Observation,
    RelationshipSurvey,
    TandemNote,
)
from buddywerk.mail.compose import mail_to_users, site_url
from buddywerk.referrals.enums import OPEN_STATUSES
from buddywerk.referrals.models import Family, Pupil, Referral
from buddywerk.trajectories.enums import TrajectoryStatus
from buddywerk.trajectories.models import Concern, Meeting, Participant, Trajectory, WellbeingScore

from .account_services import account_anonymise, account_held
from .erasure_models import ErasureAskedBy, ErasureRequest, ErasureStatus, ErasureSubject
from .erasure_workflow import ERASURE
from .purge import Group, PurgeCounts, archive_groups
from .schedule import DataKind

if TYPE_CHECKING:
    from django.db.models import QuerySet

OPEN_REQUEST = (ErasureStatus.REQUESTED, ErasureStatus.CONFIRMED)


@dataclass
class ErasurePreview:
    """What an erasure would do now: rows erased per kind, what is kept and why, and
    what holds it."""

    erased: list[tuple[str, int]] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    holds: list[str] = field(default_factory=list)


def _referrals(subject: Pupil | Family) -> QuerySet[Referral]:
    if isinstance(subject, Pupil):
        return Referral.objects.filter(pupil=subject)
    return Referral.objects.filter(family=subject)


def _duos(subject: Pupil | Family) -> QuerySet[Trajectory]:
    person = (
        {"participants__pupil": subject}
        if isinstance(subject, Pupil)
        else {"participants__family": subject}
    )
    return Trajectory.objects.filter(**person).distinct()


def erasure_holds(subject: Pupil | Family) -> list[str]:
    """Why the subject's data cannot be erased now (empty: it can)."""
    duos = _duos(subject)
    holds = []
    if Concern.objects.not_closed().filter(trajectory__in=duos).exists():
        holds.append(
            _(
                "A concern is still open. The data stays until the concern is closed: the "
                "child's safety comes first."
            )
        )
    if duos.filter(paused_for_safeguarding=True).exists():
        holds.append(
            _(
                "A duo is paused for safeguarding. The data stays until the programme "
                "closes the case."
            )
        )
    if _referrals(subject).filter(status__in=OPEN_STATUSES).exists():
        holds.append(
            _(
                "A referral is still open. Withdraw it (or record that consent was "
                "withdrawn) first, so the school and the buddy know."
            )
        )
    if duos.exclude(status=TrajectoryStatus.CLOSED).exists():
        holds.append(_("A duo is still running. Close it first, so the buddy knows."))
    mine = {"pupil": subject} if isinstance(subject, Pupil) else {"family": subject}
    if Participant.objects.filter(trajectory__in=duos).exclude(**mine).exists():
        holds.append(
            _(
                "The duo was shared with other children. It is one whole and is erased "
                "together with their data."
            )
        )
    return holds


def erasure_preview(subject: Pupil | Family) -> ErasurePreview:
    """What erasing `subject` erases, keeps, and what holds it (for the pages)."""
    duos = _duos(subject)
    notes = sum(
        model.objects.filter(trajectory__in=duos).count()
        for model in (TandemNote, Observation, FollowUpAction, CheckIn, RelationshipSurvey)
    )
    person = (
        _("The pupil's name, school, school year, birth year and needs")
        if isinstance(subject, Pupil)
        else _("The family's contact details, household and needs")
    )
    return ErasurePreview(
        erased=[
            (person, 1),
            (_("Referrals, with their consent and history"), _referrals(subject).count()),
            (_("Duos"), duos.count()),
            (_("Meetings and their notes"), Meeting.objects.filter(trajectory__in=duos).count()),
            (
                _("Well-being scores"),
                WellbeingScore.objects.filter(trajectory__in=duos).count(),
            ),
            (_("Concerns"), Concern.objects.filter(trajectory__in=duos).count()),
            (_("Tandem notes, observations, actions, check-ins and surveys"), notes),
        ],
        kept=[
            _(
                "Figures without a name in the anonymised archive (school year, month, "
                "municipality, number of meetings, well-being bands): the funder's reports "
                "of past years must not change."
            ),
            _(
                "The audit trail: who viewed or changed the data and when, and that it was "
                "erased on request, never what was erased. It is kept for the audit period "
                "(accountability, GDPR Art. 5(2))."
            ),
            _(
                "This request: who asked, who confirmed and when, without the name of the "
                "person it was about."
            ),
        ],
        holds=erasure_holds(subject),
    )


def erasure_preview_own(buddy: Buddy) -> ErasurePreview:
    """What erasing a buddy's own account erases, keeps, and what holds it."""
    holds = []
    if account_held(buddy.user_id):
        holds.append(
            _(
                "One of your duos still runs, or a concern about it is open. Your account "
                "stays until the duo is closed and the concern is handled."
            )
        )
    return ErasurePreview(
        erased=[
            (_("Your name, e-mail address, password and sign-in codes"), 1),
            (
                _("Your profile: phone, background, studies, availability, languages"),
                1,
            ),
            (_("Your memberships of programmes"), buddy.user.memberships.count()),
        ],
        kept=[
            _(
                "Your closed duos, without your name, until the children's data goes: they "
                "are the children's data too."
            ),
            _(
                "The kind of buddy you were and your training institution, without your "
                "name: the funder's figures must not change."
            ),
            _(
                "The audit trail: what was done and when, and that your account was "
                "erased on request, never what was erased."
            ),
        ],
        holds=holds,
    )


def erasure_request_own(*, actor: User, now: dt.datetime | None = None) -> ErasureRequest:
    """A buddy asks to erase their own account; a platform admin confirms (four eyes)."""
    check_allowed(actor, policy.can_request_own_erasure)
    moment = clock.now(now)
    with transaction.atomic():
        buddy = Buddy.objects.select_for_update().get(user=actor)
        if ErasureRequest.objects.filter(status__in=OPEN_REQUEST, buddy=buddy).exists():
            raise ValidationError(_("You already asked to erase your account."))
        request = ErasureRequest(
            subject_kind=ErasureSubject.BUDDY,
            buddy=buddy,
            asked_by=ErasureAskedBy.SELF,
            asked_on=timezone.localdate(moment),
            requested_by=actor,
        )
        admins = User.objects.filter(
            is_active=True,
            memberships__role=Role.PLATFORM_ADMIN,
            memberships__is_active=True,
        ).distinct()
        return _request_open(
            request,
            actor=actor,
            moment=moment,
            detail={"subject": ErasureSubject.BUDDY},
            confirmers=admins,
            template="privacy/email/erasure_requested_own",
        )


def _request_open(
    request: ErasureRequest,
    *,
    actor: User,
    moment: dt.datetime,
    detail: dict[str, Any],
    confirmers: Iterable[User],
    template: str,
) -> ErasureRequest:
    """Store a new erasure request, start its log, audit it and ask the `confirmers` (the
    second person) by mail to confirm it."""
    request.full_clean()
    request.save(force_insert=True)
    ERASURE.log_start(request, actor=actor, at=moment)
    audit_record(actor=actor, action=AuditAction.ERASURE_REQUEST, target=request, detail=detail)
    mail_to_users(
        users=confirmers,
        template=template,
        kind="privacy.erasure_requested",
        context={"url": site_url(reverse("privacy:erasure_detail", args=[request.uuid]))},
    )
    return request


def _programme_for(actor: User, subject: Pupil | Family) -> int:
    referrals = _referrals(subject).filter(submitted_at__isnull=False)
    programmes = policy.access_export_programme_ids(actor)
    if programmes is not None:
        referrals = referrals.filter(programme_id__in=programmes)
    programme = referrals.order_by("-submitted_at").values_list("programme_id", flat=True).first()
    if programme is None:  # not in the actor's scope: the views answer 404 before this
        raise ValidationError(_("This person has no referral in your programmes."))
    return int(programme)


def _in_scope(actor: User, subject: Pupil | Family) -> bool:
    if isinstance(subject, Pupil):
        return policy.pupils_for_access_export(actor, Pupil.objects.filter(pk=subject.pk)).exists()
    return policy.families_for_access_export(actor, Family.objects.filter(pk=subject.pk)).exists()


def erasure_request_create(
    *,
    actor: User,
    subject: Pupil | Family,
    asked_by: str,
    asked_on: dt.date,
    now: dt.datetime | None = None,
) -> ErasureRequest:
    """Record that erasure was asked for a pupil or family in the actor's programmes; the
    programme's other coordinators hear that it waits for a second person."""
    check_allowed(actor, policy.can_request_erasures(actor) and _in_scope(actor, subject))
    moment = clock.now(now)
    if asked_by not in (ErasureAskedBy.PARENT, ErasureAskedBy.FAMILY, ErasureAskedBy.PUPIL):
        raise ValidationError({"asked_by": [_("Choose who asked for the erasure.")]})
    if asked_on > timezone.localdate(moment):
        raise ValidationError({"asked_on": [_("The day it was asked cannot be in the future.")]})
    with transaction.atomic():
        kind = ErasureSubject.PUPIL if isinstance(subject, Pupil) else ErasureSubject.FAMILY
        person = {"pupil": subject} if isinstance(subject, Pupil) else {"family": subject}
        if ErasureRequest.objects.filter(status__in=OPEN_REQUEST, **person).exists():
            raise ValidationError(_("An erasure request for this person is already open."))
        programme = _programme_for(actor, subject)
        request = ErasureRequest(
            subject_kind=kind,
            programme_id=programme,
            asked_by=asked_by,
            asked_on=asked_on,
            requested_by=actor,
            **person,
        )
        confirmers = (
            Membership.objects.active()
            .filter(role=Role.PROGRAMME_COORDINATOR, organisation_id=programme)
            .exclude(user=actor)
            .filter(user__is_active=True)
        )
        return _request_open(
            request,
            actor=actor,
            moment=moment,
            detail={"subject": kind, "programme": programme},
            confirmers=[m.user for m in confirmers.select_related("user")],
            template="privacy/email/erasure_requested",
        )


def erasure_confirm(
    *, actor: User, request: ErasureRequest, now: dt.datetime | None = None
) -> ErasureRequest:
    """The second person confirms: the next daily run erases the data."""

    def update(locked: ErasureRequest, moment: dt.datetime) -> list[str]:
        locked.confirmed_by = actor
        locked.confirmed_at = moment
        return ["confirmed_by", "confirmed_at"]

    result: ErasureRequest = transition_apply(
        ERASURE, "confirm", obj=request, actor=actor, update=update, now=clock.now(now)
    )
    return result


def erasure_refuse(*, actor: User, request: ErasureRequest, reason: str) -> ErasureRequest:
    """The second person refuses, with a reason the requester reads on the request."""
    result: ErasureRequest = transition_apply(
        ERASURE, "refuse", obj=request, actor=actor, reason=reason
    )
    mail_to_users(
        users=[u for u in [result.requested_by] if u is not None and u.is_active],
        template="privacy/email/erasure_refused",
        kind="privacy.erasure_refused",
        context={"url": site_url(reverse("privacy:erasure_detail", args=[result.uuid]))},
    )
    return result


def erasure_cancel(*, actor: User, request: ErasureRequest) -> ErasureRequest:
    """The requester takes the request back before it is confirmed."""
    result: ErasureRequest = transition_apply(ERASURE, "cancel", obj=request, actor=actor)
    return result


def _group(subject: Pupil | Family) -> Group:
    group = Group(
        referrals=set(_referrals(subject).values_list("pk", flat=True)),
        duos=set(_duos(subject).values_list("pk", flat=True)),
    )
    if isinstance(subject, Pupil):
        group.pupils.add(subject.pk)
    else:
        group.families.add(subject.pk)
    return group


@dataclass
class ErasureCounts:
    requests: int = 0
    rows: PurgeCounts = field(default_factory=PurgeCounts)


def erasure_requests_execute(*, now: dt.datetime | None = None) -> ErasureCounts:
    """Carry out every confirmed request that nothing holds (the daily run, as the
    system); each in its own transaction. A held request stays confirmed."""
    moment = clock.now(now)
    today = timezone.localdate(moment)
    result = ErasureCounts()
    for pk in ErasureRequest.objects.filter(status=ErasureStatus.CONFIRMED).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            request = ErasureRequest.objects.select_for_update().get(pk=pk)
            if request.status != ErasureStatus.CONFIRMED:
                continue
            subject = request.pupil or request.family
            counts = PurgeCounts()
            if request.buddy is not None:
                user = request.buddy.user
                if account_held(user.pk):
                    continue
                # The confirmation goes to the address before it is erased.
                _mail_done(request, now=moment)
                _finish(request, counts, moment)
                account_anonymise(user=user, kind=DataKind.INACTIVE_ACCOUNT, now=moment)
                result.requests += 1
                continue
            if subject is not None:
                if erasure_holds(subject):
                    continue
                counts = archive_groups([_group(subject)], today=today)
                if counts.pupils + counts.families == 0:  # held under the purge's lock
                    continue
            _finish(request, counts, moment)
            _mail_done(request, now=moment)
            result.requests += 1
            result.rows.add(counts)
    return result


def _finish(request: ErasureRequest, counts: PurgeCounts, moment: dt.datetime) -> None:
    transition_apply(
        ERASURE,
        "done",
        obj=request,
        actor=None,
        update=_done,
        detail=counts.as_dict(),
        now=moment,
    )


def _mail_done(request: ErasureRequest, *, now: dt.datetime) -> None:
    own = request.subject_kind == ErasureSubject.BUDDY
    mail_to_users(
        users=[u for u in [request.requested_by] if u is not None and u.is_active],
        template="privacy/email/erasure_done_own" if own else "privacy/email/erasure_done",
        kind="privacy.erasure_done",
        context={"url": site_url(reverse("privacy:erasure_detail", args=[request.uuid]))},
    )


def _done(locked: ErasureRequest, moment: dt.datetime) -> list[str]:
    locked.done_at = moment
    return ["done_at"]
