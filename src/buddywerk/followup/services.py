"""Writes of the follow-up of a duo: tandem notes (R11), concerns with urgency,
acknowledgement and escalation, the kijkwijzer with follow-up actions (R12), coordinator
check-ins, relationship surveys, and the reminders run.

Same shape as services.py: keyword-only, validated, one transaction, an audit event, mail
only on commit through the task queue. `today`/`now` may be passed (fake clock in tests).
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
from buddywerk.access.models import Membership, Role
from buddywerk.common import clock
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.permissions import check_allowed

from .enums import LOGGING_STATUSES
from .followup_health import escalation_due_at, is_act_now
from .followup_models import (
    DEFAULT_CRITERIA,
    FOLLOWUP_TEXT_MAX_CHARS,
    OBSERVATION_MAX_SCORE,
    OBSERVATION_MIN_SCORE,
    SURVEY_MAX,
    SURVEY_MIN,
    CheckIn,
    CheckInChannel,
    Concern,
    ConcernOrigin,
    FollowUpAction,
    FollowUpReminder,
    Observation,
    ObservationCriterion,
    ObservationScore,
    RelationshipSurvey,
    Side,
    SurveyMoment,
    SurveyRespondent,
    TandemKind,
    TandemNote,
    Urgency,
)
from .followup_tasks import followup_mail_send

if TYPE_CHECKING:
    from buddywerk.access.models import User
    from buddywerk.organisations.models import Programme

    from .models import Trajectory, WellbeingScore

# Where mail links point when no request gives the site's address (scheduled runs).
DEFAULT_BASE_URL = "http://127.0.0.1:8000/"


def _base(base_url: str) -> str:
    return base_url or getattr(settings, "BUDDYWERK_BASE_URL", DEFAULT_BASE_URL)


def _mail_on_commit(
    *, kind: str, trajectory: Trajectory, recipients: Iterable[int], base_url: str
) -> None:
    ids = sorted(set(recipients))
    if not ids:
        return
    duo = str(trajectory.uuid)
    url = _base(base_url)
    transaction.on_commit(
        lambda: followup_mail_send.enqueue(
            kind=kind, trajectory_uuid=duo, recipient_ids=ids, base_url=url
        )
    )


def _closed_guard(trajectory: Trajectory, message: Any = None) -> None:
    if trajectory.is_closed:
        raise ValidationError(
            message or _("This duo is closed; nothing can be added to its follow-up anymore.")
        )


def _text(value: str, *, field: str, required: bool = True) -> str:
    """Short notes only: a clear message for an empty or an over-long text."""
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("Write a few words.")})
    if len(value) > FOLLOWUP_TEXT_MAX_CHARS:
        raise ValidationError(
            {
                field: _(
                    "Keep it short: at most %(limit)s characters (now %(count)s). Nothing "
                    "was saved."
                )
                % {"limit": FOLLOWUP_TEXT_MAX_CHARS, "count": len(value)}
            }
        )
    return value


def side_of(user: User, trajectory: Trajectory) -> str:
    if policy.is_trajectory_buddy(user, trajectory):
        return Side.BUDDY
    if policy.is_trajectory_school_staff(user, trajectory):
        return Side.SCHOOL
    return Side.PROGRAMME


# --- Who gets the mail ----------------------------------------------------------------


def _member_ids(organisation_id: int, role: str, *, lead_only: bool = False) -> set[int]:
    qs = Membership.objects.active().filter(organisation_id=organisation_id, role=role)
    if lead_only:
        qs = qs.filter(is_lead=True)
    return set(qs.values_list("user_id", flat=True))


def coordinator_ids(trajectory: Trajectory) -> set[int]:
    return _member_ids(trajectory.programme_id, Role.PROGRAMME_COORDINATOR)


def programme_lead_ids(trajectory: Trajectory) -> set[int]:
    """The coordinator's lead: a programme coordinator with the lead flag; without one,
    every coordinator of the programme (an escalation must reach someone)."""
    return _member_ids(
        trajectory.programme_id, Role.PROGRAMME_COORDINATOR, lead_only=True
    ) or coordinator_ids(trajectory)


def school_care_coordinator_ids(trajectory: Trajectory) -> set[int]:
    """The school's care coordinator: its school staff lead (access Membership.is_lead)."""
    return _member_ids(trajectory.school_id, Role.SCHOOL_STAFF, lead_only=True)


def school_contact_ids(trajectory: Trajectory) -> set[int]:
    """The school's side of the tandem: whoever confirmed the agreements or wrote in the
    thread for the school, and the care coordinator."""
    school_staff = _member_ids(trajectory.school_id, Role.SCHOOL_STAFF)
    ids = school_care_coordinator_ids(trajectory)
    confirmed_by = getattr(getattr(trajectory, "agreement", None), "school_confirmed_by_id", None)
    if confirmed_by:
        ids.add(confirmed_by)
    ids |= set(trajectory.tandem_notes.filter(side=Side.SCHOOL).values_list("author_id", flat=True))
    return ids & school_staff


# --- Tandem (R11) -----------------------------------------------------------------------

BUDDY_ONLY_KINDS = frozenset({TandemKind.HOME_VISIT, TandemKind.PARENT_SIGNAL})


@transaction.atomic
def tandem_note_add(
    *,
    actor: User,
    trajectory: Trajectory,
    text: str,
    kind: str = TandemKind.NOTE,
    base_url: str = "",
) -> TandemNote:
    """R11: the buddy or the school writes a short note in the duo's tandem thread; the
    other side is told by mail once it is saved. Home visits and parents' signals are
    logged by the buddy and so passed to the school."""
    check_allowed(actor, policy.can_write_tandem_note(actor, trajectory))
    _closed_guard(trajectory)
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
        text=_text(text, field="text"),
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
    _mail_on_commit(
        kind="tandem_note",
        trajectory=trajectory,
        recipients=recipients - {actor.pk},
        base_url=base_url,
    )
    return note


# --- Concerns ---------------------------------------------------------------------------


def _notify_urgent(concern: Concern, base_url: str, *, actor_id: int | None) -> None:
    trajectory = concern.trajectory
    recipients = coordinator_ids(trajectory) | school_care_coordinator_ids(trajectory)
    _mail_on_commit(
        kind="urgent_concern",
        trajectory=trajectory,
        recipients=recipients - {actor_id},
        base_url=base_url,
    )


@transaction.atomic
def concern_raise(
    *,
    actor: User,
    trajectory: Trajectory,
    urgency: str,
    text: str,
    base_url: str = "",
    now: dt.datetime | None = None,
) -> Concern:
    """The buddy, the school or the coordinator raises a concern with an urgency. An urgent
    one is mailed at once (after commit) to the programme's coordinators and the school's
    care coordinator. Never on a closed duo."""
    check_allowed(actor, policy.can_raise_concern(actor, trajectory))
    _closed_guard(
        trajectory,
        _(
            "This duo is closed: a concern can no longer be raised here. Contact the "
            "programme coordinator directly."
        ),
    )
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Choose how urgent it is.")})
    concern = Concern(
        trajectory=trajectory,
        urgency=urgency,
        text=_text(text, field="text"),
        side=side_of(actor, trajectory),
        raised_by=actor,
        raised_at=clock.now(now),
    )
    concern.full_clean()
    concern.save()
    audit_record(
        actor=actor, action=AuditAction.CONCERN_RAISE, target=concern, detail={"urgency": urgency}
    )
    if urgency == Urgency.URGENT:
        _notify_urgent(concern, base_url, actor_id=actor.pk)
    return concern


def concern_from_wellbeing(
    *, score: WellbeingScore, now: dt.datetime | None = None
) -> Concern | None:
    """A well-being score of 1 or 2 ('act now') opens an urgent concern by itself, once:
    not while the duo still has an open concern of this origin. Called by the well-being
    service inside its transaction."""
    if not is_act_now(score.score):
        return None
    trajectory = score.trajectory
    if trajectory.concerns.open().filter(origin=ConcernOrigin.WELLBEING).exists():
        return None
    actor = score.recorded_by
    concern = Concern.objects.create(
        trajectory=trajectory,
        urgency=Urgency.URGENT,
        origin=ConcernOrigin.WELLBEING,
        text=gettext(
            "A well-being score of %(score)s (act now) was recorded on %(date)s. Please "
            "contact the duo."
        )
        % {"score": score.score, "date": f"{score.date:%d/%m/%Y}"},
        side=side_of(actor, trajectory) if actor is not None else Side.PROGRAMME,
        raised_by=actor,
        raised_at=clock.now(now),
    )
    audit_record(actor=actor, action=AuditAction.CONCERN_RAISE_WELLBEING, target=concern)
    _notify_urgent(concern, "", actor_id=actor.pk if actor is not None else None)
    return concern


@transaction.atomic
def concern_acknowledge(
    *, actor: User, concern: Concern, note: str = "", now: dt.datetime | None = None
) -> Concern:
    """A named person of the programme or the school takes up the concern: who and when
    are recorded, with what will be done."""
    locked = Concern.objects.select_for_update().select_related("trajectory").get(pk=concern.pk)
    check_allowed(actor, policy.can_acknowledge_concern(actor, locked))
    if locked.acknowledged_at is not None:
        raise ValidationError(_("This concern was already acknowledged."))
    locked.acknowledgement = _text(note, field="acknowledgement", required=False)
    locked.acknowledged_by = actor
    locked.acknowledged_at = clock.now(now)
    locked.full_clean()
    locked.save(
        update_fields=["acknowledgement", "acknowledged_by", "acknowledged_at", "updated_at"]
    )
    audit_record(actor=actor, action=AuditAction.CONCERN_ACKNOWLEDGE, target=locked)
    concern.refresh_from_db()
    return locked


def concerns_escalate(*, now: dt.datetime | None = None, base_url: str = "") -> int:
    """Concerns not acknowledged within 2 working days (weekends skipped) go to the
    programme's lead coordinator, once. Returns how many escalated."""
    moment = clock.now(now)
    candidates = Concern.objects.open().filter(
        escalated_at__isnull=True, raised_at__lte=moment - dt.timedelta(days=2)
    )
    count = 0
    for concern_id, raised_at in candidates.values_list("pk", "raised_at"):
        if moment < escalation_due_at(timezone.localtime(raised_at)):
            continue
        with transaction.atomic():
            concern = (
                Concern.objects.select_for_update()
                .select_related("trajectory")
                .filter(pk=concern_id, acknowledged_at__isnull=True, escalated_at__isnull=True)
                .first()
            )
            if concern is None:
                continue
            concern.escalated_at = moment
            concern.save(update_fields=["escalated_at", "updated_at"])
            audit_record(actor=None, action=AuditAction.CONCERN_ESCALATE, target=concern)
            _mail_on_commit(
                kind="concern_escalated",
                trajectory=concern.trajectory,
                recipients=programme_lead_ids(concern.trajectory),
                base_url=base_url,
            )
            count += 1
    return count


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
    _closed_guard(trajectory)
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
        summary = _text(summary, field="summary", required=False)
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
    """Mark a follow-up action done (who and when)."""
    locked = (
        FollowUpAction.objects.select_for_update().select_related("trajectory").get(pk=action.pk)
    )
    check_allowed(actor, policy.can_follow_up_duo(actor, locked.trajectory))
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
    _closed_guard(trajectory)
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
        note=_text(note, field="note", required=False),
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
    _closed_guard(trajectory)
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
    *, today: dt.date | None = None, now: dt.datetime | None = None, base_url: str = ""
) -> dict[str, int]:
    """The follow-up run (daily or more often), on a fake clock in tests:
    - concerns unacknowledged for 2 working days escalate to the programme's lead;
    - a coordinator check-in is due in the first two weeks of a duo: after a week without
      one, the programme's coordinators are reminded (once per duo);
    - open follow-up actions past their due date: their owner is reminded (once each).
    Returns how many of each went out."""
    from .models import Trajectory

    if now is None:
        # A run for a given (fake) day escalates what falls due by the end of that day.
        now = (
            timezone.now()
            if today is None
            else timezone.make_aware(dt.datetime.combine(today, dt.time(23, 59)))
        )
    today = clock.today(today)
    counts = {"escalated": concerns_escalate(now=now, base_url=base_url)}
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
                _mail_on_commit(
                    kind="checkin_due",
                    trajectory=trajectory,
                    recipients=coordinator_ids(trajectory),
                    base_url=base_url,
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
                _mail_on_commit(
                    kind="action_overdue",
                    trajectory=action.trajectory,
                    recipients={action.owner_id},
                    base_url=base_url,
                )
                sent += 1
    counts["action_overdue"] = sent
    return counts
