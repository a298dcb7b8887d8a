"""The follow-up of a duo (R11, R12): tandem notes, the kijkwijzer with its follow-up
actions, coordinator check-ins and the relationship-quality survey. Concerns stay with the
duo (trajectories.models.Concern).

Writes go through services.py only; reads through selectors.py. The tables kept their
names from when these models lived in the trajectories app (`db_table`): the move changed
no data (migrations/0001_initial.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from buddywerk.common.fields import ByUserField, ParentKey, ProtectedKey, UserField
from buddywerk.common.models import PublicModel, TimeStampedModel
from buddywerk.trajectories.enums import Side
from buddywerk.trajectories.models import NOTE_MAX_CHARS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The longest text of a tandem note or a kijkwijzer note: short notes, not files.
FOLLOWUP_TEXT_MAX_CHARS = NOTE_MAX_CHARS
# R12: a kijkwijzer scores each criterion on a 4-point scale.
OBSERVATION_MIN_SCORE = 1
OBSERVATION_MAX_SCORE = 4
# Strength-of-Relationship style items are answered on a 5-point scale.
SURVEY_MIN = 1
SURVEY_MAX = 5

# R12: the default kijkwijzer criteria, used for a programme that set none of its own.
DEFAULT_CRITERIA = (
    _("Warm relationship"),
    _("Structure of the meetings"),
    _("Participant engagement"),
    _("Buddy preparation"),
    _("Communication with school and parents"),
    _("Safety and boundaries"),
)


class TandemKind(models.TextChoices):
    """R11: info and feedback between buddy and teacher; home visits and parents' signals
    the buddy passes to the school."""

    NOTE = "note", _("Note")
    HOME_VISIT = "home_visit", _("Home visit")
    PARENT_SIGNAL = "parent_signal", _("Signal from the parents")


class CheckInChannel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Visit")
    MESSAGE = "message", _("Message or mail")
    MEETING = "meeting", _("Talk with the buddy")


class SurveyRespondent(models.TextChoices):
    BUDDY = "buddy", _("Buddy")
    PARTICIPANT = "participant", _("Participant or parent")


class SurveyMoment(models.TextChoices):
    DAY_30 = "day30", _("About 30 days in")
    END = "end", _("At the end")


def _text(label: StrOrPromise) -> models.TextField[str, str]:
    return models.TextField(label, max_length=FOLLOWUP_TEXT_MAX_CHARS)


class TandemNote(PublicModel):
    """R11: one short note in the thread between the buddy and the school's contact. The
    thread is shared by nature: the school reads every tandem note (never the programme's
    private meeting notes, which live on Meeting)."""

    trajectory = ParentKey("trajectories.Trajectory", _("trajectory"), related_name="tandem_notes")
    author = UserField(_("written by"))
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    kind = models.CharField(
        _("kind"), max_length=16, choices=TandemKind.choices, default=TandemKind.NOTE
    )
    text = _text(_("note"))

    class Meta:
        db_table = "trajectories_tandemnote"
        verbose_name = _("tandem note")
        verbose_name_plural = _("tandem notes")
        ordering = ["created_at", "id"]


class ObservationCriterion(TimeStampedModel):
    """R12: one criterion of a programme's kijkwijzer (configurable per programme)."""

    programme = ParentKey(
        "organisations.Programme", _("programme"), related_name="observation_criteria"
    )
    label = models.CharField(_("criterion"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        db_table = "trajectories_observationcriterion"
        verbose_name = _("kijkwijzer criterion")
        verbose_name_plural = _("kijkwijzer criteria")
        ordering = ["programme", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "label"], name="observation_criterion_unique_label"
            )
        ]

    def __str__(self) -> str:
        return self.label


class Observation(PublicModel):
    """R12: a coordinator's kijkwijzer of one duo, so that problems are caught early."""

    trajectory = ParentKey("trajectories.Trajectory", _("trajectory"), related_name="observations")
    observed_on = models.DateField(_("observed on"))
    observer = UserField(_("observer"))
    summary = models.TextField(_("summary"), max_length=FOLLOWUP_TEXT_MAX_CHARS, blank=True)

    class Meta:
        db_table = "trajectories_observation"
        verbose_name = _("kijkwijzer")
        verbose_name_plural = _("kijkwijzers")
        ordering = ["-observed_on", "-id"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.observed_on:%Y-%m-%d}"


class ObservationScore(models.Model):
    observation = ParentKey(Observation, _("kijkwijzer"), related_name="scores")
    criterion = ProtectedKey(ObservationCriterion, _("criterion"), related_name="scores")
    score = models.PositiveSmallIntegerField(
        _("score"),
        validators=[
            MinValueValidator(OBSERVATION_MIN_SCORE, _("A score is at least %(limit_value)s.")),
            MaxValueValidator(OBSERVATION_MAX_SCORE, _("A score is at most %(limit_value)s.")),
        ],
    )
    note = models.TextField(_("note"), max_length=FOLLOWUP_TEXT_MAX_CHARS, blank=True)

    class Meta:
        db_table = "trajectories_observationscore"
        verbose_name = _("kijkwijzer score")
        verbose_name_plural = _("kijkwijzer scores")
        ordering = ["criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "criterion"], name="observation_score_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    score__gte=OBSERVATION_MIN_SCORE, score__lte=OBSERVATION_MAX_SCORE
                ),
                name="observation_score_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"


class FollowUpAction(PublicModel):
    """R12: what must happen after a kijkwijzer, by a due date; open until marked done."""

    trajectory = ParentKey(
        "trajectories.Trajectory", _("trajectory"), related_name="followup_actions"
    )
    observation = ParentKey(
        Observation, _("kijkwijzer"), null=True, blank=True, related_name="actions"
    )
    text = models.CharField(_("action"), max_length=300)
    due_on = models.DateField(_("due on"))
    owner = UserField(_("who follows it up"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = ByUserField(_("done by"), on_delete=models.PROTECT)

    class Meta:
        db_table = "trajectories_followupaction"
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["due_on", "done_at"])]

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class CheckIn(PublicModel):
    """A coordinator's contact with a duo: at least twice in the first month, then monthly
    (MENTOR, Elements of Effective Practice)."""

    trajectory = ParentKey("trajectories.Trajectory", _("trajectory"), related_name="checkins")
    date = models.DateField(_("date"))
    channel = models.CharField(_("how"), max_length=10, choices=CheckInChannel.choices)
    note = models.TextField(_("note"), max_length=FOLLOWUP_TEXT_MAX_CHARS, blank=True)
    by = UserField(_("by"))

    class Meta:
        db_table = "trajectories_checkin"
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.date:%Y-%m-%d}"


def _survey_item(label: StrOrPromise) -> models.PositiveSmallIntegerField[int, int]:
    return models.PositiveSmallIntegerField(
        label,
        validators=[
            MinValueValidator(SURVEY_MIN, _("An answer is at least %(limit_value)s.")),
            MaxValueValidator(SURVEY_MAX, _("An answer is at most %(limit_value)s.")),
        ],
    )


class RelationshipSurvey(PublicModel):
    """A short relationship-quality survey (Strength-of-Relationship style, 1-5) about 30
    days in and at the end, answered by the buddy and by the participant (or a parent),
    whose answers the school or the coordinator records. The item wording per respondent
    lives in forms.SURVEY_ITEMS."""

    trajectory = ParentKey("trajectories.Trajectory", _("trajectory"), related_name="surveys")
    respondent = models.CharField(_("respondent"), max_length=12, choices=SurveyRespondent.choices)
    moment = models.CharField(_("moment"), max_length=6, choices=SurveyMoment.choices)
    answered_on = models.DateField(_("answered on"))
    item1 = _survey_item(_("answer 1"))
    item2 = _survey_item(_("answer 2"))
    item3 = _survey_item(_("answer 3"))
    item4 = _survey_item(_("answer 4"))
    mean_score = models.FloatField(_("mean score"), editable=False)
    recorded_by = UserField(_("recorded by"))

    ITEMS = ("item1", "item2", "item3", "item4")

    class Meta:
        db_table = "trajectories_relationshipsurvey"
        verbose_name = _("relationship survey")
        verbose_name_plural = _("relationship surveys")
        ordering = ["-answered_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "respondent", "moment"], name="survey_unique_per_moment"
            )
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.answered_on:%Y-%m-%d}"


class FollowUpReminder(models.Model):
    """The reminders of the follow-up that went out, so that each goes out once."""

    kind = models.CharField(_("kind"), max_length=32)
    key = models.CharField(_("about"), max_length=64)
    sent_on = models.DateField(_("sent on"))

    class Meta:
        db_table = "trajectories_followupreminder"
        verbose_name = _("follow-up reminder")
        verbose_name_plural = _("follow-up reminders")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="followup_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
