"""Writes on trajectories (duos): start, agreements, insurance, status, meetings, well-being.

Every service is keyword-only, validates (`full_clean`), runs in one transaction and leaves
an audit event (ARCHITECTURE.md 1, 5). Status changes are the named transitions of
`workflow.TRAJECTORY`, taken by the kernel in common/workflow.py (ARCHITECTURE.md 4).
`today`/`now` may be passed so that tests run on a fake clock.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from buddywerk.access import policy
from buddywerk.buddies.enums import ScreeningStatus
from buddywerk.buddies.rules import (
    buddy_extract_valid_until,
    buddy_may_meet_minors,
    kind_is_family_only,
)
from buddywerk.common import clock
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.dates import date_text
from buddywerk.common.permissions import check_allowed
from buddywerk.common.vocabulary import ALL_SLOTS, MeetingMode
from buddywerk.common.workflow import transition_apply
from buddywerk.learning.selectors import modules_still_to_do
from buddywerk.referrals.models import ReferralStatus

from .concern_services import concern_from_wellbeing
from .enums import (
    CancelReason,
    CloseReason,
    CouplingOrganisation,
    Frequency,
    LeuvenScore,
    MeetingStatus,
    NoteVisibility,
    TrajectoryStatus,
    WellbeingMoment,
    WellbeingSource,
)
from .meeting_workflow import MEETING
from .models import (
    EVALUATION_MAX_CHARS,
    NOTE_MAX_CHARS,
    Agreement,
    AgreementTemplate,
    Meeting,
    Participant,
    Trajectory,
    WellbeingScore,
)
from .read_only import (
    CLOSED_MESSAGE,
    SAFEGUARDING_PAUSED_MESSAGE,
    duo_refuse_buddy_while_safeguarding_paused,
    duo_refuse_if_read_only,
)
from .rollup import duo_months_refresh, lock_duo
from .workflow import LOGGING_STATUSES, TRAJECTORY

if TYPE_CHECKING:
    from buddywerk.access.models import User
    from buddywerk.buddies.models import Buddy
    from buddywerk.organisations.models import Programme
    from buddywerk.referrals.models import Referral

# R7: the programme's default length: 12 weeks for pupils, 6 months for families.
PUPIL_DEFAULT_WEEKS = 12
FAMILY_DEFAULT_MONTHS = 6
# A referral the programme accepted, and that waits for a buddy, can start a duo.
STARTABLE_REFERRAL_STATUSES = frozenset({ReferralStatus.ACCEPTED})


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def default_planned_end(*, for_family: bool, planned_start: dt.date) -> dt.date:
    """R7: 12 weeks for pupils, 6 months for families."""
    if for_family:
        return _add_months(planned_start, FAMILY_DEFAULT_MONTHS)
    return planned_start + dt.timedelta(weeks=PUPIL_DEFAULT_WEEKS)


def shortest_planned_end(
    *, programme: Programme, for_family: bool, planned_start: dt.date
) -> dt.date:
    """Issue 13, point 3: the earliest planned end the programme accepts for a duo starting
    on `planned_start`: its minimum duo length when it sets one, else the usual end (R7)."""
    usual = default_planned_end(for_family=for_family, planned_start=planned_start)
    if programme.min_duo_weeks:
        return min(usual, planned_start + dt.timedelta(weeks=programme.min_duo_weeks))
    return usual


def default_frequency(*, for_family: bool) -> Frequency:
    """R7: family buddies meet twice a month; school buddies once a week."""
    return Frequency.TWICE_MONTHLY if for_family else Frequency.WEEKLY


# --- Start -----------------------------------------------------------------------------


def _participant_problems(
    *, programme: Programme, buddy: Buddy, referrals: Sequence[Referral]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: Any) -> None:
        errors.setdefault(field, []).append(str(message))

    if buddy.status != ScreeningStatus.APPROVED:
        add("buddy", _("Only an approved buddy can start a duo."))
    if not buddy.programmes.filter(pk=programme.pk).exists():
        add("buddy", _("This buddy does not work with this programme."))
    if not referrals:
        add("referrals", _("Choose at least one referral."))
        return errors
    families = [r for r in referrals if r.family_id]
    pupils = [r.pupil for r in referrals if r.pupil is not None]
    if families and (pupils or len(families) > 1):
        add("referrals", _("A duo is with one family, or with pupils of one school."))
    if len({pupil.school_id for pupil in pupils}) > 1:
        add("referrals", _("A small group is made of pupils of one school."))
    if pupils and kind_is_family_only(buddy.kind):
        # R1 (issue 20): community volunteers are buddies of families only.
        add("buddy", _("A community volunteer is a buddy of a family, not of pupils."))
    for referral in referrals:
        if referral.programme_id != programme.pk:
            add("referrals", _("A referral belongs to another programme."))
        if referral.status not in STARTABLE_REFERRAL_STATUSES:
            add("referrals", _("Only an accepted referral can start a duo."))
        if referral.involves_minor and not buddy_may_meet_minors(buddy, programme=programme):
            add(
                "buddy",
                _(
                    "The programme has not yet seen this buddy's criminal-record extract "
                    "(model 2), so no duo with a minor can start."
                ),
            )
    # Issue 13, point 4: the programme's required modules come first.
    first, minor = modules_still_to_do(buddy_ids=[buddy.pk], programme=programme).get(
        buddy.pk, ([], [])
    )
    missing = first + (minor if any(r.involves_minor for r in referrals) else [])
    if missing:
        add(
            "buddy",
            gettext("The buddy still has to complete a required module: %(modules)s.")
            % {"modules": ", ".join(m.title for m in missing)},
        )
    return {field: sorted(set(messages)) for field, messages in errors.items()}


@transaction.atomic
def trajectory_start(
    *,
    actor: User | None,
    programme: Programme,
    buddy: Buddy,
    referrals: Iterable[Referral],
    mode: str,
    planned_start: dt.date,
    planned_end: dt.date | None = None,
    place: str = "",
    weekly_slot: str = "",
    frequency: str | None = None,
    internship: bool | None = None,
    coupled_by: str | None = None,
) -> Trajectory:
    """Start a duo: a buddy with one family, or with one or more pupils of one school
    (R7-R9). The trajectory waits for its agreements (status planned); the referrals go
    to matched through the referrals app's transition service.

    Defaults: 12 weeks for pupils and 6 months for families, once a week for pupils and
    twice a month for families (R7); the internship flag from the buddy's profile, and the
    coupling organisation (R10) is the training institution for an internship, else the
    programme. Shorter than 6 weeks is allowed, with a warning (`is_shorter_than_advised`).
    """
    check_allowed(actor, lambda user: policy.can_start_trajectory(user, programme))
    referrals = list(referrals)
    errors = _participant_problems(programme=programme, buddy=buddy, referrals=referrals)
    if errors:
        raise ValidationError(errors)
    for_family = bool(referrals[0].family_id)
    internship = buddy.on_internship if internship is None else internship
    if coupled_by is None:
        coupled_by = (
            CouplingOrganisation.TRAINING_INSTITUTION
            if internship
            else CouplingOrganisation.PROGRAMME
        )
    last_day = buddy.available_until
    if planned_end is None:
        planned_end = default_planned_end(for_family=for_family, planned_start=planned_start)
        if last_day is not None and last_day < planned_end:
            # Issue 13, point 3: a shorter duo ending on the buddy's last day, where the
            # programme allows one that short.
            shortest = shortest_planned_end(
                programme=programme, for_family=for_family, planned_start=planned_start
            )
            if last_day < shortest:
                raise ValidationError(
                    {
                        "planned_end": gettext(
                            "The buddy is available until %(day)s, and a duo of this programme "
                            "runs at least until %(end)s."
                        )
                        % {
                            "day": date_text(last_day),
                            "end": date_text(shortest),
                        }
                    }
                )
            planned_end = last_day
    if last_day is not None and planned_end > last_day:
        raise ValidationError(
            {
                "planned_end": gettext(
                    "The buddy is available until %(day)s: the duo may not end later."
                )
                % {"day": date_text(last_day)}
            }
        )
    first = referrals[0]
    trajectory = Trajectory(
        programme=programme,
        buddy=buddy,
        school=first.pupil.school if first.pupil is not None else first.referrer,
        mode=mode,
        place=place.strip(),
        weekly_slot=weekly_slot,
        frequency=frequency or default_frequency(for_family=for_family),
        planned_start=planned_start,
        planned_end=planned_end,
        internship=internship,
        coupled_by=coupled_by,
        created_by=actor,
    )
    trajectory.full_clean()
    modes = set(programme.meeting_modes or [])
    if modes and mode not in modes:
        raise ValidationError({"mode": _("The programme does not offer this way of meeting.")})
    if planned_end <= planned_start:
        raise ValidationError({"planned_end": _("The end must come after the start.")})
    last_valid = buddy_extract_valid_until(buddy, programme)
    if any(r.involves_minor for r in referrals) and last_valid and planned_end > last_valid:
        # R2 over time (issue 13): the extract must count for the whole duo.
        raise ValidationError(
            {
                "planned_end": gettext(
                    "The buddy's criminal-record extract counts until %(day)s: a duo with a "
                    "minor may not end later."
                )
                % {"day": date_text(last_valid)}
            }
        )
    trajectory.save()
    for referral in referrals:
        Participant.objects.create(
            trajectory=trajectory,
            referral=referral,
            pupil_id=referral.pupil_id,
            family_id=referral.family_id,
        )
    TRAJECTORY.log_start(trajectory, actor=actor)
    Agreement.objects.create(trajectory=trajectory, **agreement_defaults(trajectory))
    audit_record(actor=actor, action=AuditAction.TRAJECTORY_START, target=trajectory)
    _mark_referrals_matched(actor=actor, referrals=referrals)
    return trajectory


def _mark_referrals_matched(*, actor: User | None, referrals: Sequence[Referral]) -> None:
    """The referral goes to matched through the referrals app's own transition service, so
    that its table, lock and log apply (ARCHITECTURE.md 4)."""
    from buddywerk.referrals.services import referral_match

    for referral in referrals:
        referral_match(actor=actor, referral=referral, reason=gettext("A duo started."))


def trajectory_start_from_proposal(
    *,
    actor: User | None,
    buddy: Buddy,
    referral: Referral,
    planned_start: dt.date | None = None,
    mode: str | None = None,
    weekly_slot: str = "",
    place: str = "",
) -> Trajectory:
    """Start a duo from an accepted matching proposal (called by the matching app).

    The mode defaults to school for a pupil and home for a family (R8), or the first mode
    the programme offers when it does not offer that one; the start defaults to today; the
    weekly slot to the first one the buddy and the referral share; the place of a duo at
    school to the pupil's school.
    """
    programme = referral.programme
    if mode is None:
        preferred = MeetingMode.HOME if referral.family_id else MeetingMode.SCHOOL
        offered = list(programme.meeting_modes or [])
        mode = preferred if not offered or preferred in offered else offered[0]
    # Issue 16, point 3: the draft agreements propose the moment and the place the
    # proposal was made on: the first weekly slot both sides gave, the pupil's school.
    if not weekly_slot:
        shared = set(buddy.slots or []) & set(referral.time_slots or [])
        weekly_slot = next((code for code in ALL_SLOTS if code in shared), "")
    if not place and mode == MeetingMode.SCHOOL and referral.pupil is not None:
        place = referral.pupil.school.name
    return trajectory_start(
        actor=actor,
        programme=programme,
        buddy=buddy,
        referrals=[referral],
        mode=mode,
        planned_start=planned_start or timezone.localdate(),
        weekly_slot=weekly_slot,
        place=place,
    )


def _take(
    name: str,
    *,
    actor: User | None,
    trajectory: Trajectory,
    reason: str = "",
    extra: dict[str, Any] | None = None,
) -> Trajectory:
    """Take a transition of `workflow.TRAJECTORY`, setting `extra` fields with it. A closed
    duo is read-only: refused with its clear message before the transition table is asked."""
    duo_refuse_if_read_only(trajectory)

    def update(locked: Trajectory, _now: dt.datetime) -> list[str]:
        for field, value in (extra or {}).items():
            setattr(locked, field, value)
        return list(extra or {})

    locked: Trajectory = transition_apply(
        TRAJECTORY, name, obj=trajectory, actor=actor, reason=reason, update=update
    )
    return locked


def duos_end_by_last_day(*, buddy: Buddy, last_day: dt.date | None) -> list[Trajectory]:
    """Issue 13, point 3: the buddy's last available day moved earlier (the profile
    service calls this in its transaction). A running duo may not end after it: its planned
    end moves to the last day (the goodbye reminder follows, two weeks before). A last day
    on or before a running duo's start is refused: that duo cannot take place."""
    if last_day is None:
        return []
    duos = list(
        Trajectory.objects.select_for_update()
        .filter(
            buddy=buddy,
            status__in=[TrajectoryStatus.PLANNED, TrajectoryStatus.ACTIVE, TrajectoryStatus.PAUSED],
            planned_end__gt=last_day,
        )
        .order_by("pk")
    )
    for duo in duos:
        if last_day <= duo.planned_start:
            raise ValidationError(
                {
                    "available_until": gettext(
                        "You have a duo that starts on %(day)s. Talk to your coordinator "
                        "before you choose an earlier last day."
                    )
                    % {"day": date_text(duo.planned_start)}
                }
            )
    for duo in duos:
        old = duo.planned_end
        duo.planned_end = last_day
        duo.save(update_fields=["planned_end", "updated_at"])
        audit_record(
            actor=None,
            action=AuditAction.TRAJECTORY_SHORTEN,
            target=duo,
            detail={"from": old.isoformat(), "to": last_day.isoformat()},
        )
    return duos


def trajectory_pause(*, actor: User | None, trajectory: Trajectory, reason: str) -> Trajectory:
    """The coordinator pauses a running duo (holidays, illness), with a reason."""
    return _take("pause", actor=actor, trajectory=trajectory, reason=reason)


def _refuse_resume_without_safe_buddy(trajectory: Trajectory) -> None:
    """Issue 13: a duo resumes only with an approved buddy, and a duo with a minor only
    while the buddy's extract counts (else the cascade would have to pause it again)."""
    buddy = trajectory.buddy
    if buddy.status != ScreeningStatus.APPROVED:
        raise ValidationError(
            _("The buddy is not approved (declined or suspended): this duo cannot resume.")
        )
    has_minor = any(p.referral.involves_minor for p in trajectory.participants.all())
    if has_minor and not buddy_may_meet_minors(buddy, programme=trajectory.programme):
        raise ValidationError(
            _(
                "The buddy's criminal-record extract does not count (any more): a duo with a "
                "minor cannot resume."
            )
        )


def trajectory_resume(*, actor: User | None, trajectory: Trajectory) -> Trajectory:
    """The coordinator resumes a paused duo; one paused for safeguarding is only ever
    resumed this way, duo by duo (issue 13: reinstating the buddy resumes nothing). A duo
    paused before it ever started goes back to planned: the agreements come first (R9)."""
    check_allowed(actor, lambda user: policy.can_manage_trajectory(user, trajectory))
    _refuse_resume_without_safe_buddy(trajectory)
    started = trajectory.transitions.filter(to_status=TrajectoryStatus.ACTIVE).exists()
    return _take(
        "resume" if started else "resume_planned",
        actor=actor,
        trajectory=trajectory,
        extra={"paused_for_safeguarding": False},
    )


# Closures after which the coordinator may decide to look for another buddy (never
# automatic): the duo ended early, or never started.
REMATCH_REASONS = frozenset(
    {
        CloseReason.STOPPED_BY_PARTICIPANT,
        CloseReason.STOPPED_BY_BUDDY,
        CloseReason.STOPPED_BY_SCHOOL,
        CloseReason.MOVED,
        CloseReason.NOT_STARTED,
    }
)
SCORE_RANGE_MESSAGE = _("Choose a score from 1 to 5 (the Leuven well-being scale).")


@transaction.atomic
def trajectory_close(
    *,
    actor: User | None,
    trajectory: Trajectory,
    reason: str,
    closed_on: dt.date | None = None,
    note: str = "",
    final_wellbeing: int | None = None,
    rematch_reason: str = "",
    today: dt.date | None = None,
) -> Trajectory:
    """Close a duo with a reason (goals reached, ended as planned, stopped early by the
    participant, the buddy or the school, moved) and the final well-being score. The final
    score is an end measurement (`WellbeingScore`, moment end, dated on the closing day,
    source coordinator) for every participant of the duo, each pupil of a group: the one
    source the duo page, its charts and the funder's report read. Whether a goodbye meeting
    took place is recorded from the meetings flagged as the goodbye meeting.

    The referrals of the duo close with it (referrals' own transition service), unless the
    coordinator deliberately decides to look for another buddy after an early end: then
    `rematch_reason` is required and the referrals go back to the queue with that reason
    (`participants_rematch`). Rematching is never automatic. A closed duo is read-only.
    """
    check_allowed(actor, lambda user: policy.can_manage_trajectory(user, trajectory))
    duo_refuse_if_read_only(trajectory)
    errors: dict[str, list[str]] = {}
    if reason not in CloseReason.values:
        errors["close_reason"] = [gettext("Choose a reason from the list.")]
    closed_on = closed_on or clock.today(today)
    if closed_on < trajectory.planned_start:
        errors["closed_on"] = [gettext("A duo cannot end before it started.")]
    elif closed_on > clock.today(today):
        errors["closed_on"] = [gettext("A duo is closed on or before today.")]
    if final_wellbeing is not None and final_wellbeing not in range(1, 6):
        errors["final_wellbeing"] = [gettext("A well-being score goes from 1 to 5.")]
    elif final_wellbeing is None and reason != CloseReason.NOT_STARTED:
        errors["final_wellbeing"] = [gettext("Give the final well-being score (1 to 5).")]
    rematch_reason = rematch_reason.strip()
    if rematch_reason and reason not in REMATCH_REASONS:
        errors["rematch_reason"] = [
            gettext("A new buddy is only sought after a duo that ended early.")
        ]
    if len(note) > 300 or len(rematch_reason) > 300:
        errors.setdefault("note", []).append(gettext("Keep it under 300 characters."))
    if errors:
        raise ValidationError(errors)
    goodbye = trajectory.meetings.filter(is_goodbye=True, status=MeetingStatus.HAPPENED).exists()
    closed = _take(
        "close",
        actor=actor,
        trajectory=trajectory,
        reason=note or str(CloseReason(reason).label),
        extra={
            "close_reason": reason,
            "closed_on": closed_on,
            "goodbye_meeting_held": goodbye,
        },
    )
    if final_wellbeing is not None:
        for participant in closed.participants.order_by("id"):
            _wellbeing_save(
                trajectory=closed,
                participant=participant,
                date=closed_on,
                moment=WellbeingMoment.END,
                source=WellbeingSource.COORDINATOR,
                score=final_wellbeing,
                actor=actor,
                today=clock.today(today),
                # The duo is closed: an urgent concern would ask to contact a duo that no
                # longer meets (closing never raised one; the score stays on the duo page).
                raise_concern=False,
            )
    if rematch_reason:
        participants_rematch(actor=actor, trajectory=closed, reason=rematch_reason)
    else:
        _close_referrals(actor=actor, trajectory=closed)
    trajectory.refresh_from_db()
    return closed


def participant_consent_withdrawn(
    *, referral: Referral, withdrawn_on: dt.date, today: dt.date | None = None
) -> list[Trajectory]:
    """The consent for `referral` was withdrawn (R18; called only by
    `referrals.consent_services.consent_withdraw`, in its transaction, as the system).

    A duo whose every open participant came through this referral closes with the reason
    "consent withdrawn", and no final well-being score is asked: nothing more is recorded
    about the child. In a group duo the others go on; only this referral closes. The
    referral closes through the referrals app's own service. Returns the duos closed."""
    from buddywerk.referrals.services import referral_close

    reason = gettext("Consent withdrawn")
    closed: list[Trajectory] = []
    duos = (
        Trajectory.objects.filter(participants__referral=referral)
        .exclude(status=TrajectoryStatus.CLOSED)
        .order_by("id")
        .distinct()
    )
    for duo in duos:
        others = (
            duo.participants.exclude(referral=referral)
            .filter(referral__status=ReferralStatus.MATCHED)
            .exists()
        )
        if others:
            continue
        closed_on = max(withdrawn_on, min(duo.planned_start, clock.today(today)))
        closed.append(
            _take(
                "close",
                actor=None,
                trajectory=duo,
                reason=reason,
                extra={
                    "close_reason": CloseReason.CONSENT_WITHDRAWN,
                    "closed_on": closed_on,
                    "goodbye_meeting_held": False,
                },
            )
        )
    if referral.status == ReferralStatus.MATCHED:
        referral_close(actor=None, referral=referral, reason=reason)
    return closed


def _open_referrals(trajectory: Trajectory) -> list[Referral]:
    from buddywerk.referrals.models import Referral

    return list(
        Referral.objects.select_for_update()
        .filter(participations__trajectory=trajectory, status=ReferralStatus.MATCHED)
        .order_by("id")
    )


def _close_referrals(*, actor: User | None, trajectory: Trajectory) -> None:
    """The duo ended: its referrals close through the referrals app's own service (its
    table allows matched -> closed)."""
    from buddywerk.referrals.services import referral_close

    for referral in _open_referrals(trajectory):
        referral_close(actor=actor, referral=referral, reason=gettext("The duo was closed."))


def participants_rematch(*, actor: User | None, trajectory: Trajectory, reason: str) -> None:
    """The coordinator's deliberate decision, with a reason, to look for another buddy for
    the participants of a duo that ended early: their referrals return to the programme's
    queue (referrals' requeue, matched -> accepted). Called only from `trajectory_close`, so
    it happens in the same transaction as the closure and never on its own."""
    from buddywerk.referrals.services import referral_requeue

    if not reason.strip():
        raise ValidationError({"rematch_reason": _("Give a reason for looking for a new buddy.")})
    for referral in _open_referrals(trajectory):
        referral_requeue(actor=actor, referral=referral, reason=reason.strip())
    audit_record(
        actor=actor,
        action=AuditAction.TRAJECTORY_REMATCH,
        target=trajectory,
        detail={"reason": "given"},
    )


@transaction.atomic
def trajectory_evaluate(
    *, actor: User, trajectory: Trajectory, text: str, now: dt.datetime | None = None
) -> Trajectory:
    """The buddy and the school each write their own short evaluation of the duo. While the
    duo runs it can be changed; once the duo is closed, a side that has not written one yet
    may still add it once (the closure's own record), and then it is frozen."""
    locked = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
    if policy.is_trajectory_buddy(actor, locked):
        side, at_field = "buddy", "buddy_evaluated_at"
    elif policy.is_trajectory_school_staff(actor, locked):
        side, at_field = "school", "school_evaluated_at"
    else:
        raise PermissionDenied
    if policy.duo_is_read_only(locked) and getattr(locked, at_field) is not None:
        raise ValidationError(CLOSED_MESSAGE, code="closed")
    if locked.status == TrajectoryStatus.PLANNED:
        raise ValidationError(_("The duo has not started yet."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write a few words.")})
    if len(text) > EVALUATION_MAX_CHARS:
        raise ValidationError(
            {
                "text": gettext(
                    "An evaluation is at most %(limit_value)d characters (it has %(show_value)d)."
                )
                % {"limit_value": EVALUATION_MAX_CHARS, "show_value": len(text)}
            }
        )
    setattr(locked, f"{side}_evaluation", text)
    setattr(locked, at_field, clock.now(now))
    fields = [f"{side}_evaluation", at_field, "updated_at"]
    if side == "school":
        locked.school_evaluated_by = actor
        fields.append("school_evaluated_by")
    locked.full_clean()
    locked.save(update_fields=fields)
    audit_record(
        actor=actor, action=AuditAction.TRAJECTORY_EVALUATE, target=locked, detail={"side": side}
    )
    trajectory.refresh_from_db()
    return locked


# --- Agreements (R9) -------------------------------------------------------------------

DEFAULT_TEMPLATE_TEXTS = {
    "frequency_text": _("We meet {frequency}, from {start} to {end}."),
    "place_text": _("We meet {mode}: {place}. Time slot: {slot}."),
    "buddy_does": _(
        "The buddy listens, encourages and helps with learning and homework, and builds a "
        "warm bond of trust."
    ),
    "buddy_does_not": _(
        "The buddy is not a teacher, therapist or social worker: no social work, no house "
        "hunting, no money matters, no transport in their own car."
    ),
    "reaching_school": _(
        "The buddy reaches the school's contact person through the tandem notes in "
        "Buddywerk, or by phone in an emergency."
    ),
    "when_worried": _(
        "When worried, the buddy raises a concern in Buddywerk the same day and tells the "
        "programme coordinator. In danger: call 112."
    ),
}


def template_for(programme: Programme) -> dict[str, str]:
    """The programme's agreement template, or the default texts when it has none."""
    template = AgreementTemplate.objects.filter(programme=programme).first()
    texts = {name: str(text) for name, text in DEFAULT_TEMPLATE_TEXTS.items()}
    if template is not None:
        for name in Agreement.TEXT_FIELDS:
            if getattr(template, name).strip():
                texts[name] = getattr(template, name)
    return texts


def _place_by_mode(trajectory: Trajectory) -> str:
    """Where the duo meets when no place was given: never a "-" in a text someone is asked
    to confirm (issue 16, point 3)."""
    if trajectory.mode == MeetingMode.SCHOOL:
        return str(trajectory.school.name)
    if trajectory.mode == MeetingMode.HOME:
        return gettext("the family's home")
    if trajectory.mode == MeetingMode.WORKPLACE:
        return gettext("the mentor's workplace")
    if trajectory.mode == MeetingMode.OUT_ABOUT:
        return gettext("out and about: the library, a playground or the market")
    return gettext("a video call")


# A field left as a placeholder: "-" on its own, or after a colon ("Place: -.").
_PLACEHOLDER = re.compile(r"(?:^|:)\s*[-–—]\s*(?:[.,;]|$)", re.MULTILINE)


def agreement_problems(agreement: Agreement) -> dict[str, list[str]]:
    """Issue 16, point 3: the agreements are filled in before anyone confirms them: no
    empty field, no "-" standing in for a place or a moment."""
    problems: dict[str, list[str]] = {}
    for name in Agreement.TEXT_FIELDS:
        text = getattr(agreement, name).strip()
        if not text:
            problems[name] = [gettext("This part of the agreements is still empty.")]
        elif _PLACEHOLDER.search(text):
            problems[name] = [gettext('This part of the agreements still has a "-" to fill in.')]
    return problems


def agreement_defaults(trajectory: Trajectory) -> dict[str, str]:
    """The template filled in for this duo: frequency, dates, place and slot."""
    values = {
        "frequency": str(trajectory.get_frequency_display()).lower(),
        "start": f"{trajectory.planned_start:%d/%m/%Y}",
        "end": f"{trajectory.planned_end:%d/%m/%Y}",
        "mode": str(trajectory.get_mode_display()).lower(),
        "place": trajectory.place or _place_by_mode(trajectory),
        "slot": (
            trajectory.get_weekly_slot_display()
            if trajectory.weekly_slot
            else gettext("to be agreed at the first meeting")
        ),
    }
    filled = {}
    for name, text in template_for(trajectory.programme).items():
        try:
            filled[name] = text.format(**values)
        except (KeyError, IndexError, ValueError):
            # A programme's own text with braces that are not ours: keep it as written.
            filled[name] = text
    return filled


@transaction.atomic
def agreement_update(*, actor: User | None, trajectory: Trajectory, **texts: str) -> Agreement:
    """The coordinator fills in the agreements of a duo (R9). A change after a confirmation
    asks both sides to confirm again: they agreed to the earlier text."""
    check_allowed(actor, lambda user: policy.can_manage_trajectory(user, trajectory))
    duo_refuse_if_read_only(trajectory)
    unknown = set(texts) - set(Agreement.TEXT_FIELDS)
    if unknown:
        raise ValueError(f"Not agreement fields: {sorted(unknown)}")
    agreement = Agreement.objects.select_for_update().get(trajectory=trajectory)
    changed = False
    for name, value in texts.items():
        value = value.strip()
        if getattr(agreement, name) != value:
            setattr(agreement, name, value)
            changed = True
    if changed:
        agreement.buddy_confirmed_at = None
        agreement.school_confirmed_at = None
        agreement.school_confirmed_by = None
    agreement.full_clean()
    agreement.save()
    audit_record(actor=actor, action=AuditAction.AGREEMENT_UPDATE, target=trajectory)
    return agreement


def consent_problem(trajectory: Trajectory) -> str:
    """R9, R2: for a minor, the parents' consent must be on record (the referral records
    it). Returns why the agreements cannot take effect yet, or ''."""
    participants: Any = (
        # the duo's page read them with their referral and family (selectors.trajectory_get)
        trajectory.participants.all()
        if "participants" in getattr(trajectory, "_prefetched_objects_cache", {})
        else trajectory.participants.select_related("referral__family")
    )
    for participant in participants:
        referral = participant.referral
        if referral.involves_minor and referral.consent_given_on is None:
            return gettext("The parents' consent for this referral is not on record yet.")
    return ""


@transaction.atomic
def agreement_confirm(
    *, actor: User, trajectory: Trajectory, side: str, now: dt.datetime | None = None
) -> Agreement:
    """The buddy or the school confirms the agreements (R9). Once both confirmed (and the
    parents' consent is on record for a minor), the duo becomes active."""
    agreement = Agreement.objects.select_for_update().get(trajectory=trajectory)
    duo_refuse_if_read_only(trajectory)
    if agreement_problems(agreement):
        raise ValidationError(
            _(
                "The agreements are not complete yet: the coordinator fills them in first, "
                "then you confirm them."
            ),
            code="agreements_incomplete",
        )
    moment = clock.now(now)
    if side == "buddy":
        check_allowed(actor, policy.is_trajectory_buddy(actor, trajectory))
        if agreement.buddy_confirmed_at is None:
            agreement.buddy_confirmed_at = moment
    elif side == "school":
        check_allowed(actor, policy.is_trajectory_school_staff(actor, trajectory))
        if agreement.school_confirmed_at is None:
            agreement.school_confirmed_at = moment
            agreement.school_confirmed_by = actor
    else:
        raise ValueError(f"Unknown side: {side}")
    agreement.save()
    audit_record(
        actor=actor, action=AuditAction.AGREEMENT_CONFIRM, target=trajectory, detail={"side": side}
    )
    if (
        agreement.is_confirmed
        and trajectory.status == TrajectoryStatus.PLANNED
        and not consent_problem(trajectory)
    ):
        _take(
            "activate",
            actor=actor,
            trajectory=trajectory,
            reason=gettext("Agreements confirmed by the buddy and the school."),
        )
    return agreement


def trajectory_activate(*, actor: User | None, trajectory: Trajectory) -> Trajectory:
    """Activate a duo whose agreements are confirmed, e.g. once the consent was recorded
    after both confirmed (R9)."""
    check_allowed(actor, lambda user: policy.can_manage_trajectory(user, trajectory))
    agreement = Agreement.objects.get(trajectory=trajectory)
    if not agreement.is_confirmed:
        raise ValidationError(_("The buddy and the school must first confirm the agreements."))
    problem = consent_problem(trajectory)
    if problem:
        raise ValidationError(problem)
    return _take("activate", actor=actor, trajectory=trajectory)


# --- Insurance (R10) -------------------------------------------------------------------


@transaction.atomic
def school_insurance_confirm(
    *, actor: User, trajectory: Trajectory, now: dt.datetime | None = None
) -> Trajectory:
    """R10: the school confirms that its insurance covers the volunteer who meets there."""
    check_allowed(actor, policy.is_trajectory_school_staff(actor, trajectory))
    locked = Trajectory.objects.select_for_update().select_related("buddy").get(pk=trajectory.pk)
    duo_refuse_if_read_only(locked)
    if not locked.insurance.needs_school_confirmation:
        raise ValidationError(_("This duo does not need the school's insurance."))
    if locked.school_insurance_confirmed_at is None:
        locked.school_insurance_confirmed_at = clock.now(now)
        locked.school_insurance_confirmed_by = actor
        locked.save(
            update_fields=[
                "school_insurance_confirmed_at",
                "school_insurance_confirmed_by",
                "updated_at",
            ]
        )
        audit_record(actor=actor, action=AuditAction.TRAJECTORY_INSURANCE_CONFIRM, target=locked)
    trajectory.refresh_from_db()
    return locked


# --- Meetings --------------------------------------------------------------------------


def _meeting_problems(
    *, trajectory: Trajectory, meeting: Meeting, today: dt.date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: Any) -> None:
        errors.setdefault(field, []).append(str(message))

    if meeting.date < trajectory.planned_start:
        add("date", _("This date is before the start of the duo."))
    if len(meeting.note) > NOTE_MAX_CHARS:
        # A TextField's max_length is not checked by full_clean: the service checks it.
        add(
            "note",
            gettext("A note is at most %(limit_value)d characters (it has %(show_value)d).")
            % {"limit_value": NOTE_MAX_CHARS, "show_value": len(meeting.note)},
        )
    if meeting.status == MeetingStatus.PLANNED:
        if meeting.date < today:
            add("date", _("A planned meeting lies in the future."))
        if meeting.date > trajectory.planned_end:
            add("date", _("This date is after the planned end of the duo."))
    elif meeting.date > today:
        add("date", _("A meeting can only be logged once it has taken place."))
    if meeting.status == MeetingStatus.HAPPENED and meeting.duration_minutes is None:
        add("duration_minutes", _("How long did the meeting last?"))
    if meeting.status == MeetingStatus.CANCELLED:
        if not meeting.cancel_reason:
            add("cancel_reason", _("Why was the meeting cancelled?"))
    elif meeting.cancel_reason:
        meeting.cancel_reason = ""
    return errors


def _refuse_if_paused_for_safeguarding(trajectory: Trajectory) -> None:
    """Issue 13: a duo paused by the safeguarding cascade takes no meetings until a
    coordinator resumes it."""
    if trajectory.paused_for_safeguarding:
        raise ValidationError(SAFEGUARDING_PAUSED_MESSAGE, code="safeguarding_paused")


def _meeting_guard(trajectory: Trajectory) -> None:
    """R9: no meeting before the agreements are confirmed; nothing on a closed duo, nor on
    a duo paused for safeguarding."""
    duo_refuse_if_read_only(trajectory)
    _refuse_if_paused_for_safeguarding(trajectory)
    if trajectory.status not in LOGGING_STATUSES:
        raise ValidationError(_("The buddy and the school must first confirm the agreements."))


def _save_meeting(*, meeting: Meeting, trajectory: Trajectory, today: dt.date) -> Meeting:
    try:
        meeting.full_clean(exclude=["trajectory"])
        model_errors: dict[str, list[str]] = {}
    except ValidationError as exc:
        model_errors = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    for field, messages in _meeting_problems(
        trajectory=trajectory, meeting=meeting, today=today
    ).items():
        model_errors.setdefault(field, []).extend(messages)
    if model_errors:
        raise ValidationError(model_errors)
    meeting.save()
    return meeting


@transaction.atomic
def meeting_log(
    *,
    actor: User,
    trajectory: Trajectory,
    date: dt.date,
    status: str = MeetingStatus.HAPPENED,
    duration_minutes: int | None = None,
    cancel_reason: str = "",
    topics: Sequence[str] = (),
    note: str = "",
    note_visibility: str = NoteVisibility.PRIVATE,
    wellbeing: int | None = None,
    is_goodbye: bool = False,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Meeting:
    """The buddy logs a meeting that happened or was cancelled, with an optional quick
    well-being check (Leuven scale) for each participant. Logged meetings are editable for
    the programme's correction days, then locked. R9: not before the agreements are confirmed."""
    check_allowed(actor, policy.can_log_meeting(actor, trajectory))
    _meeting_guard(trajectory)
    if status not in (MeetingStatus.HAPPENED, MeetingStatus.CANCELLED):
        raise ValidationError({"status": _("Choose whether the meeting happened.")})
    if wellbeing is not None and wellbeing not in LeuvenScore.values:
        raise ValidationError({"wellbeing": SCORE_RANGE_MESSAGE})
    today = clock.today(today)
    lock_duo(trajectory.pk)
    meeting = Meeting(
        trajectory=trajectory,
        date=date,
        status=status,
        duration_minutes=duration_minutes if status == MeetingStatus.HAPPENED else None,
        cancel_reason=cancel_reason,
        topics=list(topics) if status == MeetingStatus.HAPPENED else [],
        note=note.strip(),
        note_visibility=note_visibility,
        is_goodbye=is_goodbye,
        logged_by=actor,
        logged_at=clock.now(now),
    )
    _save_meeting(meeting=meeting, trajectory=trajectory, today=today)
    duo_months_refresh(trajectory_id=trajectory.pk, days=[meeting.date])
    if wellbeing is not None and status == MeetingStatus.HAPPENED:
        for participant in trajectory.participants.all():
            _wellbeing_save(
                trajectory=trajectory,
                participant=participant,
                date=date,
                moment=WellbeingMoment.CHECK,
                source=_source_for(actor, trajectory),
                score=wellbeing,
                meeting=meeting,
                actor=actor,
                today=today,
            )
    audit_record(actor=actor, action=AuditAction.MEETING_LOG, target=meeting)
    return meeting


@transaction.atomic
def meeting_plan(
    *,
    actor: User,
    trajectory: Trajectory,
    date: dt.date,
    start_time: dt.time | None = None,
    duration_minutes: int | None = None,
    is_goodbye: bool = False,
    today: dt.date | None = None,
) -> Meeting:
    """Plan a meeting ahead (it feeds the buddy's calendar). Planning is allowed before the
    agreements are confirmed: it is not a meeting yet."""
    check_allowed(actor, policy.can_log_meeting(actor, trajectory))
    duo_refuse_if_read_only(trajectory)
    _refuse_if_paused_for_safeguarding(trajectory)
    meeting = Meeting(
        trajectory=trajectory,
        date=date,
        start_time=start_time,
        duration_minutes=duration_minutes,
        status=MeetingStatus.PLANNED,
        is_goodbye=is_goodbye,
    )
    _save_meeting(meeting=meeting, trajectory=trajectory, today=clock.today(today))
    audit_record(actor=actor, action=AuditAction.MEETING_PLAN, target=meeting)
    from .meeting_services import meeting_plan_inform_school  # it builds on this module

    meeting_plan_inform_school(meeting)
    return meeting


def _wellbeing_follow_meeting(meeting: Meeting, *, now: dt.datetime) -> None:
    """The quick well-being check was given in the form of a meeting that took place: a
    meeting corrected to not have happened loses it (as `meeting_delete` does), one
    corrected to another day takes it along. A concern its score opened stays: it is a
    safeguarding record."""
    scores = meeting.wellbeing_scores.all()
    if meeting.status != MeetingStatus.HAPPENED:
        scores.delete()
    else:
        scores.exclude(date=meeting.date).update(date=meeting.date, updated_at=now)


@transaction.atomic
def meeting_update(
    *,
    actor: User,
    meeting: Meeting,
    date: dt.date,
    status: str,
    duration_minutes: int | None = None,
    cancel_reason: str = "",
    topics: Sequence[str] = (),
    note: str = "",
    note_visibility: str = NoteVisibility.PRIVATE,
    is_goodbye: bool | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Meeting:
    """Change a meeting: editable for the programme's correction days after it was logged
    (`Programme.correction_days`, issue 16), then locked. Recording
    a planned meeting as happened or cancelled counts as logging it; keeping it planned on
    another day moves it (`meeting_services.meeting_move`: its rules, mail and audit).
    A group activity's meeting keeps its date and status (its attendance says so)."""
    lock_duo(meeting.trajectory_id)
    locked = Meeting.objects.select_for_update().select_related("trajectory").get(pk=meeting.pk)
    old_date = locked.date
    trajectory = locked.trajectory
    check_allowed(actor, policy.can_log_meeting(actor, trajectory))
    duo_refuse_if_read_only(trajectory)
    _refuse_if_paused_for_safeguarding(trajectory)
    moment = clock.now(now)
    if locked.is_locked(moment, days=trajectory.programme.correction_days):
        raise ValidationError(
            _("This meeting can no longer be changed: the days to correct it are over.")
        )
    if status != MeetingStatus.PLANNED:
        _meeting_guard(trajectory)
        if locked.logged_at is None:
            locked.logged_at = moment
            locked.logged_by = actor
    elif locked.logged_at is not None:
        raise ValidationError({"status": _("A logged meeting cannot become planned again.")})
    from .meeting_services import meeting_move, meeting_refuse_if_from_group_activity

    if (date, status) != (locked.date, locked.status):
        meeting_refuse_if_from_group_activity(locked)
    if status == MeetingStatus.PLANNED and date != locked.date:
        # Still planned on another day is a move: the school, the family and the audit
        # hear of it as from the Move page.
        meeting_move(
            actor=actor, meeting=locked, date=date, start_time=locked.start_time, today=today
        )
    locked.date = date
    locked.status = status
    locked.duration_minutes = duration_minutes if status != MeetingStatus.CANCELLED else None
    locked.cancel_reason = cancel_reason
    locked.topics = list(topics) if status == MeetingStatus.HAPPENED else []
    locked.note = note.strip()
    locked.note_visibility = note_visibility
    if is_goodbye is not None:
        locked.is_goodbye = is_goodbye
    _save_meeting(meeting=locked, trajectory=trajectory, today=clock.today(today))
    _wellbeing_follow_meeting(locked, now=moment)
    # The month it left and the month it is in now (a date or status change).
    duo_months_refresh(trajectory_id=trajectory.pk, days=[old_date, locked.date])
    audit_record(actor=actor, action=AuditAction.MEETING_UPDATE, target=locked)
    return locked


def meetings_cancel_for_safeguarding(*, trajectory: Trajectory) -> int:
    """The safeguarding cascade cancels the duo's planned meetings as the system, through
    the meeting workflow (log row, audit event), in the caller's transaction, which holds
    the duo's row lock: they leave the buddy's calendar feed, and the month rollup counts
    them as cancelled."""
    lock_duo(trajectory.pk)
    meetings = list(
        Meeting.objects.filter(trajectory=trajectory, status=MeetingStatus.PLANNED).order_by("pk")
    )
    # The reason is stored text the other side reads: in the platform's language.
    with translation.override(settings.LANGUAGE_CODE):
        reason = gettext("The duo is paused while a safeguarding question is looked at.")

    def update(locked: Meeting, _now: dt.datetime) -> list[str]:
        locked.cancel_reason = CancelReason.OTHER
        return ["cancel_reason"]

    for meeting in meetings:
        transition_apply(
            MEETING,
            "cancel",
            obj=meeting,
            actor=None,
            reason=reason,
            update=update,
            detail={"safeguarding": True},
        )
    duo_months_refresh(trajectory_id=trajectory.pk, days=[m.date for m in meetings])
    return len(meetings)


# --- Well-being ------------------------------------------------------------------------


def _source_for(actor: User, trajectory: Trajectory) -> str:
    if policy.is_trajectory_school_staff(actor, trajectory):
        return WellbeingSource.SCHOOL
    return WellbeingSource.BUDDY


def _wellbeing_save(
    *,
    trajectory: Trajectory,
    participant: Participant,
    date: dt.date,
    moment: str,
    source: str,
    score: int,
    actor: User | None,
    today: dt.date,
    meeting: Meeting | None = None,
    raise_concern: bool = True,
) -> WellbeingScore:
    if score not in LeuvenScore.values:
        raise ValidationError({"score": SCORE_RANGE_MESSAGE})
    entry = WellbeingScore(
        trajectory=trajectory,
        participant=participant,
        date=date,
        moment=moment,
        source=source,
        score=score,
        meeting=meeting,
        recorded_by=actor,
    )
    entry.full_clean()
    errors: dict[str, list[str]] = {}
    if date > today:
        errors["date"] = [gettext("A score is given on or before today.")]
    elif date < trajectory.planned_start:
        errors["date"] = [gettext("This date is before the start of the duo.")]
    if participant.trajectory_id != trajectory.pk:
        errors["participant"] = [gettext("This participant is not in this duo.")]
    if errors:
        raise ValidationError(errors)
    entry.save()
    # A score of 1 or 2 ('act now') opens an urgent concern (concern_services).
    if raise_concern:
        concern_from_wellbeing(score=entry)
    return entry


@transaction.atomic
def wellbeing_record(
    *,
    actor: User,
    trajectory: Trajectory,
    participant: Participant,
    moment: str,
    score: int,
    date: dt.date | None = None,
    participant_answer: bool = False,
    today: dt.date | None = None,
) -> WellbeingScore:
    """Record a well-being score on the Leuven scale (1-5, Laevers) at intake, midway or
    the end, by the buddy or the school; or the pupil's own smiley answer (1-5), given
    through the buddy or the school. Well-being is the programmes' central goal [000][001]."""
    check_allowed(actor, policy.can_score_wellbeing(actor, trajectory))
    duo_refuse_if_read_only(trajectory)
    duo_refuse_buddy_while_safeguarding_paused(trajectory, actor)
    today = clock.today(today)
    source = WellbeingSource.PARTICIPANT if participant_answer else _source_for(actor, trajectory)
    entry = _wellbeing_save(
        trajectory=trajectory,
        participant=participant,
        date=date or today,
        moment=moment,
        source=source,
        score=score,
        actor=actor,
        today=today,
    )
    audit_record(
        actor=actor,
        action=AuditAction.WELLBEING_RECORD,
        target=trajectory,
        detail={"moment": moment},
    )
    return entry
