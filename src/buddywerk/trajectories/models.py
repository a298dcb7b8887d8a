"""Duos (trajectories), their participants, agreements, meetings, well-being and concerns
(R7-R12). The follow-up built on them (tandem, kijkwijzer, check-ins, surveys) is the
followup app, which depends on this one.

Status changes go through workflow.py and services.py only; every change leaves a
TrajectoryTransition row (ARCHITECTURE.md 4).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buddywerk.buddies.enums import BuddyKind
from buddywerk.common.dates import date_text
from buddywerk.common.fields import ByUserField, ParentKey, ProtectedKey, UserField
from buddywerk.common.models import PublicModel, TimeStampedModel, TransitionLog
from buddywerk.common.vocabulary import ALL_SLOTS, MeetingMode, slot_label
from buddywerk.organisations.fields import MultipleChoiceJSONField

from .enums import (
    CancelReason,
    CloseReason,
    ConcernOrigin,
    ConcernOutcome,
    ConcernStatus,
    CouplingOrganisation,
    Frequency,
    GroupActivityStatus,
    LeuvenScore,
    MeetingStatus,
    MeetingTopic,
    NoteVisibility,
    Side,
    TrajectoryStatus,
    Urgency,
    WellbeingMoment,
    WellbeingSource,
)
from .insurance import InsuranceDecision, decide_insurance

# R7: a trajectory starts paying off from 6 weeks; shorter plans get a warning.
MIN_ADVISED_WEEKS = 6
MEETING_MIN_MINUTES = 5
MEETING_MAX_MINUTES = 240
NOTE_MAX_CHARS = 2000
AGREEMENT_MAX_CHARS = 2000
EVALUATION_MAX_CHARS = 2000
# Closure is planned (issue 5): the duo page prompts a goodbye meeting this close to the end.
GOODBYE_PROMPT_DAYS = 14


def slot_choices() -> list[tuple[str, str]]:
    return [(code, slot_label(code)) for code in ALL_SLOTS]


class TrajectoryQuerySet(models.QuerySet["Trajectory"]):
    def running(self) -> "TrajectoryQuerySet":
        return self.filter(status__in=[TrajectoryStatus.ACTIVE, TrajectoryStatus.PAUSED])


class Trajectory(PublicModel):
    """A buddy with one family, or one or more pupils of one school, over a period, under
    agreements (R7-R9)."""

    programme = ProtectedKey("organisations.Programme", _("programme"), related_name="trajectories")
    buddy = ProtectedKey("buddies.Buddy", _("buddy"), related_name="trajectories")
    school = ProtectedKey(
        "organisations.Organisation",
        _("school or service"),
        related_name="partner_trajectories",
        help_text=_("The school (or service) that referred the participants: the tandem partner."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TrajectoryStatus.choices,
        default=TrajectoryStatus.PLANNED,
    )
    mode = models.CharField(
        _("where they meet"),
        max_length=10,
        choices=MeetingMode.choices,
        help_text=_("At school, at home or online."),
    )
    place = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        help_text=_("Where exactly, e.g. the library of the school."),
    )
    weekly_slot = models.CharField(
        _("weekly time slot"), max_length=12, choices=slot_choices, blank=True
    )
    frequency = models.CharField(
        _("frequency"), max_length=16, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    internship = models.BooleanField(
        _("part of an internship"),
        default=False,
        help_text=_("The buddy does this duo as part of a (mandatory) internship."),
    )
    coupled_by = models.CharField(
        _("coupled by"),
        max_length=24,
        choices=CouplingOrganisation.choices,
        default=CouplingOrganisation.PROGRAMME,
        help_text=_("The organisation that coupled the buddy with the school or family."),
    )
    school_insurance_confirmed_at = models.DateTimeField(
        _("school confirmed its insurance at"), null=True, blank=True
    )
    school_insurance_confirmed_by = ByUserField(
        _("school insurance confirmed by"), on_delete=models.PROTECT
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(
        _("reason for closing"), max_length=24, choices=CloseReason.choices, blank=True
    )
    goodbye_meeting_held = models.BooleanField(
        _("goodbye meeting held"),
        null=True,
        blank=True,
        help_text=_("Recorded when the duo closes: a goodbye meeting took place or not."),
    )
    paused_for_safeguarding = models.BooleanField(
        _("paused for safeguarding"),
        default=False,
        help_text=_(
            "The buddy was declined or suspended: the buddy logs nothing until a "
            "coordinator resumes the duo."
        ),
    )
    buddy_evaluation = models.TextField(
        _("evaluation by the buddy"), max_length=EVALUATION_MAX_CHARS, blank=True
    )
    buddy_evaluated_at = models.DateTimeField(_("evaluated by the buddy at"), null=True, blank=True)
    school_evaluation = models.TextField(
        _("evaluation by the school"), max_length=EVALUATION_MAX_CHARS, blank=True
    )
    school_evaluated_at = models.DateTimeField(
        _("evaluated by the school at"), null=True, blank=True
    )
    school_evaluated_by = ByUserField(_("evaluated for the school by"), on_delete=models.PROTECT)
    created_by = ByUserField(_("created by"), on_delete=models.PROTECT)

    objects = TrajectoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("trajectory")
        verbose_name_plural = _("trajectories")
        ordering = ["-planned_start", "-id"]
        indexes = [models.Index(fields=["programme", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gt=models.F("planned_start")),
                name="trajectory_end_after_start",
            )
        ]

    def clean(self) -> None:
        """Issue 13, point 3: a duo never runs past its buddy's last available day."""
        super().clean()
        # issue 21: only a sector mentor's duo meets at the mentor's workplace
        if (
            self.mode == MeetingMode.WORKPLACE
            and self.buddy_id
            and self.buddy.kind != BuddyKind.SECTOR_MENTOR
        ):
            raise ValidationError(
                {"mode": _("Only a sector mentor receives a pupil at their workplace.")}
            )
        last_day = self.buddy.available_until if self.buddy_id else None
        if last_day is not None and self.planned_end and self.planned_end > last_day:
            raise ValidationError(
                {
                    "planned_end": _("The buddy is available until %(day)s.")
                    % {"day": date_text(last_day)}
                }
            )

    @property
    def planned_weeks(self) -> int:
        return (self.planned_end - self.planned_start).days // 7

    @property
    def is_shorter_than_advised(self) -> bool:
        """R7: a trajectory starts paying off from 6 weeks."""
        return (self.planned_end - self.planned_start) < dt.timedelta(weeks=MIN_ADVISED_WEEKS)

    @property
    def insurance(self) -> InsuranceDecision:
        """R10, decided by the one function in insurance.py."""
        return decide_insurance(
            buddy_kind=self.buddy.kind,
            internship=self.internship,
            place=self.mode,
            coupled_by=self.coupled_by,
        )

    @property
    def awaits_school_insurance(self) -> bool:
        """R10: a volunteer at school needs the school's confirmation: a task for the school
        until it is done."""
        return (
            self.insurance.needs_school_confirmation and self.school_insurance_confirmed_at is None
        )

    @property
    def is_closed(self) -> bool:
        return self.status == TrajectoryStatus.CLOSED

    def end_is_near(self, today: dt.date | None = None) -> bool:
        """Closure is planned: within two weeks of the planned end, a running duo is asked
        to plan its goodbye meeting."""
        if self.status not in (TrajectoryStatus.ACTIVE, TrajectoryStatus.PAUSED):
            return False
        today = today or timezone.localdate()
        return today <= self.planned_end <= today + dt.timedelta(days=GOODBYE_PROMPT_DAYS)


class Participant(PublicModel):
    """One pupil or one family in a duo, with the referral the duo answers."""

    trajectory = ParentKey(Trajectory, _("trajectory"), related_name="participants")
    referral = ProtectedKey("referrals.Referral", _("referral"), related_name="participations")
    pupil = ProtectedKey(
        "referrals.Pupil", _("pupil"), null=True, blank=True, related_name="participations"
    )
    family = ProtectedKey(
        "referrals.Family", _("family"), null=True, blank=True, related_name="participations"
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "referral"], name="participant_unique_referral"
            ),
            models.CheckConstraint(
                condition=models.Q(pupil__isnull=False, family__isnull=True)
                | models.Q(pupil__isnull=True, family__isnull=False),
                name="participant_pupil_xor_family",
            ),
        ]

    @property
    def first_name(self) -> str:
        """What a buddy may see: the pupil's first name, or the family's contact name."""
        if self.pupil is not None:
            return self.pupil.first_name
        return self.family.contact_name if self.family is not None else ""

    @property
    def full_name(self) -> str:
        if self.pupil is not None:
            return f"{self.pupil.first_name} {self.pupil.last_name}"
        return self.family.contact_name if self.family is not None else ""


class TrajectoryTransition(TransitionLog):
    """One status change of a duo (the kernel's log, ARCHITECTURE.md 4)."""

    trajectory = ParentKey(Trajectory, _("trajectory"), related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("trajectory transition")
        verbose_name_plural = _("trajectory transitions")


class AgreementFields(models.Model):
    """R9: the frame of a duo, agreed at the start; the buddy's task is bounded."""

    frequency_text = models.TextField(_("how often"), max_length=AGREEMENT_MAX_CHARS, blank=True)
    place_text = models.TextField(_("where and when"), max_length=AGREEMENT_MAX_CHARS, blank=True)
    buddy_does = models.TextField(
        _("what the buddy does"), max_length=AGREEMENT_MAX_CHARS, blank=True
    )
    buddy_does_not = models.TextField(
        _("what the buddy does not do"),
        max_length=AGREEMENT_MAX_CHARS,
        blank=True,
        help_text=_("For example: no social work, no house hunting."),
    )
    reaching_school = models.TextField(
        _("how to reach the school"), max_length=AGREEMENT_MAX_CHARS, blank=True
    )
    when_worried = models.TextField(
        _("what to do when worried"), max_length=AGREEMENT_MAX_CHARS, blank=True
    )

    TEXT_FIELDS = (
        "frequency_text",
        "place_text",
        "buddy_does",
        "buddy_does_not",
        "reaching_school",
        "when_worried",
    )

    class Meta:
        abstract = True


class AgreementTemplate(AgreementFields, TimeStampedModel):
    """A programme's template for the agreements of its duos (R9)."""

    programme = models.OneToOneField(
        "organisations.Programme",
        on_delete=models.CASCADE,
        related_name="agreement_template",
        verbose_name=_("programme"),
    )

    class Meta:
        verbose_name = _("agreement template")
        verbose_name_plural = _("agreement templates")

    def __str__(self) -> str:
        return str(self.programme)


class Agreement(AgreementFields, TimeStampedModel):
    """The agreements of one duo, filled in from the programme's template and confirmed by
    the buddy and the school (R9). No meeting is logged before both confirmed."""

    trajectory = models.OneToOneField(
        Trajectory,
        on_delete=models.CASCADE,
        related_name="agreement",
        verbose_name=_("trajectory"),
    )
    buddy_confirmed_at = models.DateTimeField(_("confirmed by the buddy at"), null=True, blank=True)
    school_confirmed_at = models.DateTimeField(
        _("confirmed by the school at"), null=True, blank=True
    )
    school_confirmed_by = ByUserField(_("confirmed for the school by"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.trajectory.uuid}"

    @property
    def is_confirmed(self) -> bool:
        return self.buddy_confirmed_at is not None and self.school_confirmed_at is not None


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def logged(self) -> "MeetingQuerySet":
        return self.exclude(status=MeetingStatus.PLANNED)


class Meeting(PublicModel):
    """One meeting of a duo: logged by the buddy after it happened (or was cancelled), or
    planned ahead for the calendar."""

    trajectory = ParentKey(Trajectory, _("trajectory"), related_name="meetings")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(
                MEETING_MIN_MINUTES,
                _("A meeting lasts at least %(limit_value)s minutes."),
            ),
            MaxValueValidator(
                MEETING_MAX_MINUTES,
                _("A meeting lasts at most %(limit_value)s minutes."),
            ),
        ],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.HAPPENED
    )
    cancel_reason = models.CharField(
        _("reason for cancelling"), max_length=16, choices=CancelReason.choices, blank=True
    )
    topics = MultipleChoiceJSONField(_("topics"), item_choices=MeetingTopic)
    note = models.TextField(_("note"), max_length=NOTE_MAX_CHARS, blank=True)
    note_visibility = models.CharField(
        _("who may read the note"),
        max_length=8,
        choices=NoteVisibility.choices,
        default=NoteVisibility.PRIVATE,
    )
    is_goodbye = models.BooleanField(
        _("goodbye meeting"),
        default=False,
        help_text=_("The last meeting, to say goodbye: closure matters as much as the start."),
    )
    logged_by = ByUserField(_("logged by"), on_delete=models.PROTECT)
    logged_at = models.DateTimeField(
        _("logged at"),
        null=True,
        blank=True,
        help_text=_(
            "The meeting can be changed for the programme's correction days after this moment."
        ),
    )
    group_activity = models.ForeignKey(
        "GroupActivity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("group activity"),
        help_text=_("Held as part of the programme's group activity with several families."),
    )
    school_informed_at = models.DateTimeField(
        _("school informed at"),
        null=True,
        blank=True,
        help_text=_(
            "When the school was mailed about this planned meeting (a duo that meets at "
            "school); it is mailed again when the meeting is moved or cancelled."
        ),
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["trajectory", "date"]),
            # The funder's report and the dashboards count a period's meetings by status
            # and duo across all programmes (issue 7): a range scan instead of every row.
            models.Index(fields=["date", "status", "trajectory"], name="meeting_date_status_duo"),
        ]
        constraints = [
            # A family's duo counts a group activity once.
            models.UniqueConstraint(
                fields=["trajectory", "group_activity"],
                condition=models.Q(group_activity__isnull=False),
                name="meeting_once_per_group_activity",
            )
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.date:%Y-%m-%d}"

    @property
    def topic_labels(self) -> list[str]:
        return [
            str(MeetingTopic(code).label) for code in self.topics if code in MeetingTopic.values
        ]

    def is_locked(self, now: dt.datetime | None = None, *, days: int | None = None) -> bool:
        """A logged meeting can be corrected for the programme's correction days (issue
        16; `days` saves the lookup when the caller has the programme), then it is locked;
        planned ones stay open."""
        if self.logged_at is None:
            return False
        if days is None:
            days = self.trajectory.programme.correction_days
        now = now or timezone.now()
        return now >= self.logged_at + dt.timedelta(days=days)


class MeetingTransition(TransitionLog):
    """One status change of a planned meeting taken as a decision (cancelled ahead, with
    its reason): the kernel's log (meeting_workflow.py)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("meeting")
    )

    class Meta(TransitionLog.Meta):
        verbose_name = _("meeting transition")
        verbose_name_plural = _("meeting transitions")


class WellbeingScore(TimeStampedModel):
    """One well-being measure of a participant (Leuven scale, Laevers, 1-5)."""

    trajectory = ParentKey(Trajectory, _("trajectory"), related_name="wellbeing_scores")
    participant = ParentKey(Participant, _("participant"), related_name="wellbeing_scores")
    date = models.DateField(_("date"))
    moment = models.CharField(_("moment"), max_length=8, choices=WellbeingMoment.choices)
    source = models.CharField(_("scored by"), max_length=12, choices=WellbeingSource.choices)
    score = models.PositiveSmallIntegerField(
        _("score"),
        choices=LeuvenScore.choices,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="wellbeing_scores",
        verbose_name=_("meeting"),
    )
    recorded_by = ByUserField(_("recorded by"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("well-being score")
        verbose_name_plural = _("well-being scores")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="wellbeing_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.score}"


class ReminderKind(models.TextChoices):
    NO_MEETING_BUDDY = "no_meeting_buddy", _("No meeting logged for 14 days (to the buddy)")
    NO_MEETING_COORDINATOR = (
        "no_meeting_coord",
        _("No meeting logged for 14 days (to the coordinator)"),
    )
    END_NEAR = "end_near", _("The end is within two weeks")


class TrajectoryReminder(TimeStampedModel):
    """One reminder mail to one person about one duo. The row is written first; `sent_at`
    is set when its mail is handed to the outbox (mail/outbox.py), which sends it and
    retries it while SMTP is down: a run never sends a reminder twice. (`attempts` and
    `last_error` date from before the outbox; the outbox row now holds the errors.)"""

    trajectory = ParentKey(Trajectory, _("trajectory"), related_name="reminders")
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    recipient = UserField(_("recipient"), on_delete=models.CASCADE)
    about = models.DateField(
        _("about"),
        help_text=_("The date the reminder is about: the last meeting, or the planned end."),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "kind", "recipient", "about"],
                name="trajectory_reminder_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.about:%Y-%m-%d}"


class ConcernQuerySet(models.QuerySet["Concern"]):
    def open(self) -> "ConcernQuerySet":
        """Not yet acknowledged by a named person (the ones that escalate)."""
        return self.filter(acknowledged_at__isnull=True)

    def not_closed(self) -> "ConcernQuerySet":
        """Not yet closed: acknowledged or not, with an outcome or not (the case runs)."""
        return self.exclude(status=ConcernStatus.CLOSED)


class Concern(PublicModel):
    """Something a buddy, parent or school noticed that someone must act on. Urgent ones
    notify the programme and the school's care coordinator at once; each one is
    acknowledged by a named person; unacknowledged after 2 working days it escalates to the
    programme's lead coordinator. Concerns stay beside the duo: a low well-being score opens
    one by itself (concern_services.concern_from_wellbeing)."""

    trajectory = ParentKey("trajectories.Trajectory", _("trajectory"), related_name="concerns")
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    text = models.TextField(_("what is the concern"), max_length=NOTE_MAX_CHARS)
    origin = models.CharField(
        _("origin"), max_length=10, choices=ConcernOrigin.choices, default=ConcernOrigin.PERSON
    )
    side = models.CharField(_("raised by side"), max_length=10, choices=Side.choices)
    raised_by = ByUserField(_("raised by"), on_delete=models.PROTECT)
    raised_at = models.DateTimeField(_("raised at"))
    acknowledged_by = ByUserField(_("acknowledged by"), on_delete=models.PROTECT)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledgement = models.TextField(
        _("what will be done"), max_length=NOTE_MAX_CHARS, blank=True
    )
    escalated_at = models.DateTimeField(
        _("escalated at"),
        null=True,
        blank=True,
        help_text=_("Not acknowledged within 2 working days: sent to the programme's lead."),
    )
    escalated_region_at = models.DateTimeField(
        _("escalated to the region at"),
        null=True,
        blank=True,
        help_text=_(
            "Urgent and not acknowledged within 5 working days: sent to the regional coordinator."
        ),
    )
    # The case (issue 13, point 5): its status changes only through workflow.CONCERN.
    status = models.CharField(
        _("status"), max_length=20, choices=ConcernStatus.choices, default=ConcernStatus.OPEN
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=ConcernOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("note on the outcome"), max_length=NOTE_MAX_CHARS, blank=True)
    outcome_by = ByUserField(_("outcome recorded by"), on_delete=models.PROTECT)
    outcome_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    closed_by = ByUserField(_("closed by"), on_delete=models.PROTECT)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["trajectory", "acknowledged_at"])]

    @property
    def is_open(self) -> bool:
        """Not yet acknowledged (see `is_closed` for the end of the case)."""
        return self.acknowledged_at is None

    @property
    def is_closed(self) -> bool:
        return self.status == ConcernStatus.CLOSED


class ConcernTransition(TransitionLog):
    """One step of a concern's case (the kernel's log): raised, acknowledged, outcome
    recorded, closed; who took it and when."""

    concern = ParentKey(Concern, _("concern"), related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("concern transition")
        verbose_name_plural = _("concern transitions")


class DuoMonth(models.Model):
    """The funder's report near the floor (issue 22): per duo and calendar month, the
    meetings held and cancelled and the minutes held. Derived data only, never edited by
    hand: the meeting services refresh the months they touch in their own transaction
    (`rollup.py`), and `buddywerk rollup-rebuild` recomputes every row from the meetings
    (after history written outside the services, e.g. `buddywerk generate`). A month
    without a held or cancelled meeting has no row."""

    trajectory = ParentKey(Trajectory, _("trajectory"), related_name="months")
    # The duo's programme, buddy and school, copied so the report groups the months by
    # province and finds the cooperating organisations without reading every duo (a duo
    # never changes programme, buddy or school).
    programme = ParentKey(
        "organisations.Programme", _("programme"), related_name="+", db_index=False
    )
    buddy = ParentKey("buddies.Buddy", _("buddy"), related_name="+", db_index=False, null=True)
    school = ParentKey(
        "organisations.Organisation",
        _("school or service"),
        related_name="+",
        db_index=False,
        null=True,
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    held = models.PositiveIntegerField(_("meetings held"), default=0)
    cancelled = models.PositiveIntegerField(_("meetings cancelled"), default=0)
    minutes = models.PositiveIntegerField(_("minutes held"), default=0)

    class Meta:
        verbose_name = _("duo month")
        verbose_name_plural = _("duo months")
        constraints = [
            models.UniqueConstraint(fields=["trajectory", "month"], name="duo_month_unique"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="duo_month_first_day"),
        ]
        # The report scans a period's months across all duos.
        indexes = [models.Index(fields=["month", "trajectory"], name="duo_month_month_duo")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class ParticipantMonth(models.Model):
    """The funder's report near the floor (issue 22): one row per participant and calendar
    month in which the participant's duo held at least one meeting, with the duo, its
    programme and the pupil or family copied, so the report counts the participants of a
    period from these rows alone instead of reading every participant, duo and pupil.
    Derived data only, kept with `DuoMonth` (`rollup.py`) in the meeting services'
    transaction and recomputed by `buddywerk rollup-rebuild`. A duo's participants are
    fixed when it starts, and a participant's pupil or family never changes."""

    participant = ParentKey(Participant, _("participant"), related_name="months")
    trajectory = ParentKey(Trajectory, _("trajectory"), related_name="+", db_index=False)
    programme = ParentKey(
        "organisations.Programme", _("programme"), related_name="+", db_index=False
    )
    pupil = ParentKey("referrals.Pupil", _("pupil"), null=True, related_name="+", db_index=False)
    family = ParentKey("referrals.Family", _("family"), null=True, related_name="+", db_index=False)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))

    class Meta:
        verbose_name = _("participant month")
        verbose_name_plural = _("participant months")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "month"], name="participant_month_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="participant_month_first_day"
            ),
        ]
        # The report counts a period's pupils and families per programme from the index.
        indexes = [
            models.Index(
                fields=["month", "programme", "pupil", "family"], name="participant_month_report"
            ),
            models.Index(fields=["trajectory", "month"], name="participant_month_duo"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class GroupActivity(PublicModel):
    """An activity a family programme plans for several families and their buddies at once
    (issue 20, point 4). Once attendance is taken, each attending family's duo has a held
    meeting for it (`Meeting.group_activity`), so hours, reports and follow-up count it."""

    programme = ProtectedKey(
        "organisations.Programme", _("programme"), related_name="group_activities"
    )
    title = models.CharField(_("what"), max_length=120)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        validators=[
            MinValueValidator(
                MEETING_MIN_MINUTES, _("A meeting lasts at least %(limit_value)s minutes.")
            ),
            MaxValueValidator(
                MEETING_MAX_MINUTES, _("A meeting lasts at most %(limit_value)s minutes.")
            ),
        ],
    )
    mode = models.CharField(_("where they meet"), max_length=10, choices=MeetingMode.choices)
    place = models.CharField(_("place"), max_length=200, help_text=_("E.g. the city library."))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=GroupActivityStatus.choices,
        default=GroupActivityStatus.PLANNED,
    )
    created_by = ByUserField(_("planned by"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("group activity")
        verbose_name_plural = _("group activities")
        ordering = ["-date", "-id"]


class GroupActivityInvite(TimeStampedModel):
    """One family's duo invited to a group activity; `attended` once attendance is taken."""

    activity = ParentKey(GroupActivity, _("group activity"), related_name="invites")
    trajectory = ParentKey(Trajectory, _("trajectory"), related_name="group_invites")
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation to a group activity")
        verbose_name_plural = _("invitations to group activities")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "trajectory"], name="groupinvite_once_per_duo"
            )
        ]


class GroupActivityTransition(TransitionLog):
    """One status change of a group activity (the kernel's log, group_workflow.py)."""

    activity = ParentKey(GroupActivity, _("group activity"), related_name="transitions")
