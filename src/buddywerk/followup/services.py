"""Writes of the follow-up of a duo: tandem notes (R11), the kijkwijzer with follow-up
actions (R12), coordinator check-ins, relationship surveys, and the reminders run (which
also escalates the duo's unacknowledged concerns, trajectories.concern_services).

Same shape as trajectories' services: keyword-only, validated, one transaction, an audit
event, and the mail written to the outbox in that transaction. `today`/`now` may be passed
(fake clock in tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from buddywerk.access import policy
from buddywerk.access.models import REFERRER_STAFF_ROLES
from buddywerk.common import clock
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.permissions import check_allowed
from buddywerk.trajectories.concern_services import (
    concerns_escalate,
    concerns_escalate_region,
    coordinator_ids,
    duo_mail,
    member_ids,
    school_care_coordinator_ids,
    short_text,
    side_of,
)
from buddywerk.trajectories.enums import LOGGING_STATUSES, Side
from buddywerk.trajectories.models import Trajectory
from buddywerk.trajectories.read_only import (
    FOLLOWUP_CLOSED_MESSAGE,
    duo_refuse_buddy_while_safeguarding_paused,
    duo_refuse_if_read_only,
)

from .models import (
    DEFAULT_CRITERIA,
    FOLLOWUP_TEXT_MAX_CHARS,
    OBSERVATION_MAX_SCORE,
    OBSERVATION_MIN_SCORE,
    SURVEY_MAX,
    SURVEY_MIN,
    CheckIn,
    CheckInChannel,
    FollowUpAction,
    FollowUpReminder,
    Observation,
    ObservationCriterion,
    ObservationScore,
    RelationshipSurvey,
    SurveyMoment,
    SurveyRespondent,
    TandemKind,
    TandemNote,
)

if TYPE_CHECKING:
    from buddywerk.access.models import User
    from buddywerk.organisations.models import Programme


def school_contact_ids(trajectory: Trajectory) -> set[int]:
    """The school's side of the tandem: whoever confirmed the agreements or wrote in the
    thread for the school, and the care coordinator."""
    school_staff = member_ids(trajectory.school_id, REFERRER_STAFF_ROLES)
    ids = school_care_coordinator_ids(trajectory)
    confirmed_by = getattr(getattr(trajectory, "agreement", None), "school_confirmed_by_id", None)
    if confirmed_by:
        ids.add(confirmed_by)
    ids |= set(trajectory.tandem_notes.filter(side=Side.SCHOOL).values_list("author_id", flat=True))
    return ids & school_staff


def followup_mail(*, kind: str, trajectory: Trajectory, recipients: Iterable[int]) -> None:
    """A follow-up mail (`tandem_note`, `checkin_due`, `action_overdue`) to each recipient,
    in the caller's transaction; it only points to the duo's page."""
    duo_mail(
        template=f"followup/email/{kind}",
        kind=f"followup.{kind}",
        trajectory=trajectory,
        recipients=recipients,
    )


# --- Tandem (R11) -----------------------------------------------------------------------

BUDDY_ONLY_KINDS = frozenset({TandemKind.HOME_VISIT, TandemKind.PARENT_SIGNAL})


@transaction.atomic
def tandem_note_add(
    *,
    actor: User,
    trajectory: Trajectory,
    text: str,
    kind: str = TandemKind.NOTE,
) -> TandemNote:
    """R11: the buddy or the school writes a short note in the duo's tandem thread; the
    other side is told by mail once it is saved. Home visits and parents' signals are
    logged by the buddy and so passed to the school."""
    check_allowed(actor, policy.can_write_tandem_note(actor, trajectory))
    duo_refuse_if_read_only(trajectory, FOLLOWUP_CLOSED_MESSAGE)
    duo_refuse_buddy_while_safeguarding_paused(trajectory, actor)
    side = side_of(actor, trajectory)
    if kind not in TandemKind.values:
        raise ValidationError({"kind": _("Choose a kind from the list.")})
    if kind in BUDDY_ONLY_KINDS and side != Side.BUDDY:
        raise ValidationError(
            {"kind": _("Home visits and parents' signals are logged by the buddy.")}
        )
    note = TandemNote(
        trajectory=trajectory,
        author=actor,
        side=side,
        kind=kind,
        text=short_text(text, field="text"),
    )
    note.full_clean()
    note.save()
    audit_record(
        actor=actor, action=AuditAction.TANDEM_ADD, target=trajectory, detail={"kind": kind}
    )
    if side == Side.BUDDY:
        recipients = school_contact_ids(trajectory)
    else:
        recipients = {trajectory.buddy.user_id}
    followup_mail(kind="tandem_note", trajectory=trajectory, recipients=recipients - {actor.pk})
    return note


# --- Kijkwijzer (R12) --------------------------------------------------------------------


def observation_criteria_for(programme: Programme) -> list[ObservationCriterion]:
    """The programme's kijkwijzer criteria in use; a programme without any gets the
    default list (R12) the first time it is asked."""
    criteria = list(ObservationCriterion.objects.filter(programme=programme, is_active=True))
    if criteria or ObservationCriterion.objects.filter(programme=programme).exists():
        return criteria
    # Criteria are the programme's own data: stored in the site's language.
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        for position, label in enumerate(DEFAULT_CRITERIA, start=1):
            ObservationCriterion.objects.get_or_create(
                programme=programme, label=str(label), defaults={"position": position}
            )
    return list(ObservationCriterion.objects.filter(programme=programme, is_active=True))


@transaction.atomic
def observation_criterion_add(
    *, actor: User, programme: Programme, label: str
) -> ObservationCriterion:
    """R12: the coordinator adds a criterion to the programme's kijkwijzer (at the end)."""
    check_allowed(actor, policy.can_configure_kijkwijzer(actor, programme))
    label = (label or "").strip()
    if not label:
        raise ValidationError({"label": _("Write a few words.")})
    existing = ObservationCriterion.objects.filter(programme=programme)
    if existing.filter(label__iexact=label).exists():
        raise ValidationError({"label": _("The kijkwijzer already has this criterion.")})
    last = max((c.position for c in existing), default=0)
    criterion = ObservationCriterion(programme=programme, label=label, position=last + 1)
    criterion.full_clean()
    criterion.save()
    audit_record(actor=actor, action=AuditAction.KIJKWIJZER_CRITERION_ADD, target=programme)
    return criterion


@transaction.atomic
def observation_criterion_toggle(
    *, actor: User, criterion: ObservationCriterion
) -> ObservationCriterion:
    """Take a criterion out of use, or back in. Past kijkwijzers keep their scores."""
    locked = ObservationCriterion.objects.select_for_update().get(pk=criterion.pk)
    check_allowed(actor, policy.can_configure_kijkwijzer(actor, locked.programme))
    if locked.is_active and not (
        ObservationCriterion.objects.filter(programme=locked.programme, is_active=True)
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise ValidationError(_("A kijkwijzer keeps at least one criterion."))
    locked.is_active = not locked.is_active
    locked.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.KIJKWIJZER_CRITERION_TOGGLE,
        target=locked.programme,
        detail={"criterion": locked.pk, "active": locked.is_active},
    )
    return locked


@transaction.atomic
def observation_record(
    *,
    actor: User,
    trajectory: Trajectory,
    observed_on: dt.date,
    scores: dict[int, tuple[int | None, str]],
    summary: str = "",
    actions: Sequence[tuple[str, dt.date | None]] = (),
    today: dt.date | None = None,
) -> Observation:
    """R12: the coordinator fills in the kijkwijzer: every criterion of the programme
    scored 1-4 with an optional note, and follow-up actions each with a due date.
    `scores` maps a criterion id to (score, note); errors name `score_<id>` fields."""
    check_allowed(actor, policy.can_follow_up_duo(actor, trajectory))
    duo_refuse_if_read_only(trajectory, FOLLOWUP_CLOSED_MESSAGE)
    duo_refuse_buddy_while_safeguarding_paused(trajectory, actor)
    today = clock.today(today)
    errors: dict[str, list[str]] = {}

    def add(name: str, message: Any) -> None:
        errors.setdefault(name, []).append(str(message))

    if observed_on > today:
        add("observed_on", _("A kijkwijzer is filled in on or after the observation."))
    elif observed_on < trajectory.planned_start:
        add("observed_on", _("This date is before the start of the duo."))
    criteria = observation_criteria_for(trajectory.programme)
    for criterion in criteria:
        score, note = scores.get(criterion.pk, (None, ""))
        if score is None:
            add(f"score_{criterion.pk}", _("Give a score from 1 to 4."))
        elif not OBSERVATION_MIN_SCORE <= score <= OBSERVATION_MAX_SCORE:
            add(
                f"score_{criterion.pk}",
                _("A score is from 1 to 4; %(score)s is not on the scale.") % {"score": score},
            )
        if len(note or "") > FOLLOWUP_TEXT_MAX_CHARS:
            add(f"note_{criterion.pk}", _("Keep it short: at most 2000 characters."))
    unknown = set(scores) - {c.pk for c in criteria}
    if unknown:
        add("__all__", _("A criterion is not part of this programme's kijkwijzer."))
    cleaned_actions: list[tuple[str, dt.date]] = []
    for index, (text, due_on) in enumerate(actions):
        text = (text or "").strip()
        if not text and due_on is None:
            continue
        if not text:
            add(f"action_{index}", _("Describe the action."))
        if due_on is None:
            add(f"due_{index}", _("Give the action a due date."))
        elif due_on < observed_on:
            add(f"due_{index}", _("The due date lies after the observation."))
        if len(text) > 300:
            add(f"action_{index}", _("Keep an action short: at most 300 characters."))
        if due_on is not None:
            cleaned_actions.append((text, due_on))
    try:
        summary = short_text(summary, field="summary", required=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    observation = Observation.objects.create(
        trajectory=trajectory, observed_on=observed_on, observer=actor, summary=summary
    )
    ObservationScore.objects.bulk_create(
        [
            ObservationScore(
                observation=observation,
                criterion=criterion,
                score=int(scores[criterion.pk][0] or 0),  # checked above
                note=(scores[criterion.pk][1] or "").strip(),
            )
            for criterion in criteria
        ]
    )
    for text, due_on in cleaned_actions:
        FollowUpAction.objects.create(
            trajectory=trajectory, observation=observation, text=text, due_on=due_on, owner=actor
        )
    audit_record(
        actor=actor,
        action=AuditAction.OBSERVATION_RECORD,
        target=observation,
        detail={"actions": len(cleaned_actions)},
    )
    return observation


@transaction.atomic
def action_done(
    *, actor: User, action: FollowUpAction, now: dt.datetime | None = None
) -> FollowUpAction:
    """Mark a follow-up action done (who and when). Not on a closed duo (read-only)."""
    locked = (
        FollowUpAction.objects.select_for_update().select_related("trajectory").get(pk=action.pk)
    )
    check_allowed(actor, policy.can_follow_up_duo(actor, locked.trajectory))
    duo_refuse_if_read_only(locked.trajectory, FOLLOWUP_CLOSED_MESSAGE)
    if locked.done_at is None:
        locked.done_at = clock.now(now)
        locked.done_by = actor
        locked.save(update_fields=["done_at", "done_by", "updated_at"])
        audit_record(actor=actor, action=AuditAction.FOLLOWUP_ACTION_DONE, target=locked)
    return locked


# --- Coordinator check-ins -------------------------------------------------------------


@transaction.atomic
def checkin_record(
    *,
    actor: User,
    trajectory: Trajectory,
    date: dt.date,
    channel: str,
    note: str = "",
    today: dt.date | None = None,
) -> CheckIn:
    """The coordinator records a contact with the duo (twice in the first month, then
    monthly)."""
    check_allowed(actor, policy.can_follow_up_duo(actor, trajectory))
    duo_refuse_if_read_only(trajectory, FOLLOWUP_CLOSED_MESSAGE)
    duo_refuse_buddy_while_safeguarding_paused(trajectory, actor)
    if date > clock.today(today):
        raise ValidationError({"date": _("A check-in is recorded once it took place.")})
    if date < trajectory.planned_start:
        raise ValidationError({"date": _("This date is before the start of the duo.")})
    if channel not in CheckInChannel.values:
        raise ValidationError({"channel": _("Choose how you were in touch.")})
    checkin = CheckIn(
        trajectory=trajectory,
        date=date,
        channel=channel,
        note=short_text(note, field="note", required=False),
        by=actor,
    )
    checkin.full_clean()
    checkin.save()
    audit_record(actor=actor, action=AuditAction.CHECKIN_RECORD, target=trajectory)
    return checkin


# --- Relationship survey ----------------------------------------------------------------


@transaction.atomic
def survey_record(
    *,
    actor: User,
    trajectory: Trajectory,
    respondent: str,
    moment: str,
    answers: Sequence[int | None],
    answered_on: dt.date | None = None,
    today: dt.date | None = None,
) -> RelationshipSurvey:
    """A relationship survey (1-5 per item): the buddy answers theirs; the school or the
    coordinator records the participant's (or parent's). One per respondent and moment."""
    if respondent not in SurveyRespondent.values or moment not in SurveyMoment.values:
        raise ValidationError(_("Choose who answers and when."))
    check_allowed(actor, policy.can_answer_survey(actor, trajectory, respondent))
    duo_refuse_if_read_only(trajectory, FOLLOWUP_CLOSED_MESSAGE)
    duo_refuse_buddy_while_safeguarding_paused(trajectory, actor)
    today = clock.today(today)
    answered_on = answered_on or today
    if len(answers) != len(RelationshipSurvey.ITEMS):
        raise ValidationError(_("Answer every question."))
    errors: dict[str, list[str]] = {}
    for name, value in zip(RelationshipSurvey.ITEMS, answers, strict=True):
        if value is None or not SURVEY_MIN <= value <= SURVEY_MAX:
            errors[name] = [gettext("Choose an answer from 1 to 5.")]
    if answered_on > today:
        errors["answered_on"] = [gettext("A survey is recorded once it was answered.")]
    if RelationshipSurvey.objects.filter(
        trajectory=trajectory, respondent=respondent, moment=moment
    ).exists():
        errors["moment"] = [gettext("This survey was already answered for this moment.")]
    if errors:
        raise ValidationError(errors)
    values = [int(v) for v in answers if v is not None]
    survey = RelationshipSurvey(
        trajectory=trajectory,
        respondent=respondent,
        moment=moment,
        answered_on=answered_on,
        mean_score=round(sum(values) / len(values), 2),
        recorded_by=actor,
        **dict(zip(RelationshipSurvey.ITEMS, values, strict=True)),
    )
    survey.full_clean()
    survey.save()
    audit_record(
        actor=actor,
        action=AuditAction.SURVEY_RECORD,
        target=trajectory,
        detail={"respondent": respondent, "moment": moment},
    )
    return survey


# --- Reminders (run daily by the worker or `buddywerk followup-reminders`) ---------------

# A check-in reminder goes out this many days after the start when none was recorded yet.
CHECKIN_REMINDER_AFTER_DAYS = 7
CHECKIN_REMINDER_WINDOW_DAYS = 14


def _once(kind: str, key: str, today: dt.date) -> bool:
    """Record that a reminder goes out; False when it already went out."""
    _obj, created = FollowUpReminder.objects.get_or_create(
        kind=kind, key=key, defaults={"sent_on": today}
    )
    return created


def followup_reminders(
    *, today: dt.date | None = None, now: dt.datetime | None = None
) -> dict[str, int]:
    """The follow-up run (daily or more often), on a fake clock in tests:
    - concerns unacknowledged for 2 working days escalate to the programme's lead, urgent
      ones unacknowledged for 5 working days to the regional coordinator (issue 13);
    - a coordinator check-in is due in the first two weeks of a duo: after a week without
      one, the programme's coordinators are reminded (once per duo);
    - open follow-up actions past their due date: their owner is reminded (once each).
    Returns how many of each went out."""
    if now is None:
        # A run for a given (fake) day escalates what falls due by the end of that day.
        now = (
            timezone.now()
            if today is None
            else timezone.make_aware(dt.datetime.combine(today, dt.time(23, 59)))
        )
    today = clock.today(today)
    counts = {
        "escalated": concerns_escalate(now=now),
        "escalated_region": concerns_escalate_region(now=now),
    }
    sent = 0
    young = (
        Trajectory.objects.filter(
            status__in=LOGGING_STATUSES,
            planned_start__lte=today - dt.timedelta(days=CHECKIN_REMINDER_AFTER_DAYS),
            planned_start__gt=today - dt.timedelta(days=CHECKIN_REMINDER_WINDOW_DAYS),
        )
        .exclude(checkins__isnull=False)
        .distinct()
    )
    for trajectory in young:
        with transaction.atomic():
            if _once("checkin_due", str(trajectory.uuid), today):
                followup_mail(
                    kind="checkin_due",
                    trajectory=trajectory,
                    recipients=coordinator_ids(trajectory),
                )
                sent += 1
    counts["checkin_due"] = sent
    sent = 0
    overdue = FollowUpAction.objects.filter(
        done_at__isnull=True, due_on__lt=today, trajectory__status__in=LOGGING_STATUSES
    ).select_related("trajectory")
    for action in overdue:
        with transaction.atomic():
            if _once("action_overdue", str(action.uuid), today):
                followup_mail(
                    kind="action_overdue",
                    trajectory=action.trajectory,
                    recipients={action.owner_id},
                )
                sent += 1
    counts["action_overdue"] = sent
    return counts
