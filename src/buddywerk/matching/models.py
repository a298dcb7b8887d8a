"""Matching settings per programme, and proposals: a confirmed match that the buddy and the
school (or service) still have to accept before a duo starts (R3, R8, R9).

A proposal's status changes only through the services (services.py), following the table
in workflow.py; each change writes a `ProposalTransition` row.
"""

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buddywerk.buddies.models import Buddy
from buddywerk.common.fields import ByUserField, ParentKey, ProtectedKey
from buddywerk.common.models import PublicModel, TimeStampedModel, TransitionLog
from buddywerk.organisations.models import Programme
from buddywerk.referrals.models import Referral

from .enums import OPEN_STATUSES, ProposalSource, ProposalStatus
from .weights import MAX_SCORE, Weights

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DEFAULT_WEIGHTS = Weights()
DEFAULT_PROPOSAL_DAYS = 7
# issue 21: a programme's path tags for role models: a short list of short texts
PATH_TAGS_MAX = 12
PATH_TAG_MAX_CHARS = 60


def _weight(label: "StrOrPromise", default: int) -> "models.PositiveSmallIntegerField[int, int]":
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MaxValueValidator(MAX_SCORE)]
    )


class ProgrammeMatchingSettings(TimeStampedModel):
    """A programme's own matching policy (ARCHITECTURE.md 9: policy that differs per
    programme lives in the database). A programme without a row uses the defaults."""

    programme = models.OneToOneField(
        Programme,
        on_delete=models.CASCADE,
        related_name="matching_settings",
        verbose_name=_("programme"),
    )
    distance = _weight(_("weight of distance"), DEFAULT_WEIGHTS.distance)
    slots = _weight(_("weight of shared time slots"), DEFAULT_WEIGHTS.slots)
    needs = _weight(_("weight of needs covered"), DEFAULT_WEIGHTS.needs)
    language = _weight(_("weight of the home language"), DEFAULT_WEIGHTS.language)
    fit = _weight(_("weight of junior or expert fit"), DEFAULT_WEIGHTS.fit)
    # issue 21: mentor and role-model programmes
    sector = _weight(_("weight of the mentor's sector"), DEFAULT_WEIGHTS.sector)
    track = _weight(_("weight of the role model's study track"), DEFAULT_WEIGHTS.track)
    tags = _weight(_("weight of the role model's path"), DEFAULT_WEIGHTS.tags)
    asks_study_track = models.BooleanField(
        _("referrals ask the study track"),
        default=False,
        help_text=_("For programmes with role models or mentors in secondary school."),
    )
    asks_dream = models.BooleanField(
        _("referrals ask the pupil's dream"),
        default=False,
        help_text=_("Mentor programmes: the dream in the pupil's words, its sector, talents."),
    )
    path_tags = models.JSONField(
        _("path tags for role models"),
        default=list,
        blank=True,
        help_text=_(
            "A short list a role model chooses from to describe their own path, e.g. "
            "'changed track'. Referrals then ask which of these would help the pupil."
        ),
    )
    distance_scale_km = models.PositiveSmallIntegerField(
        _("distance without points (km)"),
        default=int(DEFAULT_WEIGHTS.distance_scale_km),
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text=_("From this distance on, a buddy who meets in person earns no distance points."),
    )
    urgency_percent = models.PositiveSmallIntegerField(
        _("extra weight per urgency step (%)"),
        default=DEFAULT_WEIGHTS.urgency_percent,
        validators=[MaxValueValidator(200)],
        help_text=_(
            "Batch only: urgent referrals weigh this much more per step. It never changes "
            "how many referrals are matched."
        ),
    )
    proposal_days = models.PositiveSmallIntegerField(
        _("days to answer a proposal"),
        default=DEFAULT_PROPOSAL_DAYS,
        validators=[MinValueValidator(2), MaxValueValidator(60)],
        help_text=_("The buddy, then the school, each have this many days to answer."),
    )

    class Meta:
        verbose_name = _("matching settings")
        verbose_name_plural = _("matching settings")

    def __str__(self) -> str:
        return str(self.programme)

    def clean(self) -> None:
        super().clean()
        parts = (
            self.distance,
            self.slots,
            self.needs,
            self.language,
            self.fit,
            self.sector,
            self.track,
            self.tags,
        )
        if None not in parts and sum(parts) != MAX_SCORE:
            raise ValidationError(
                _("The weights must add up to 1000 (now %(total)s).") % {"total": sum(parts)}
            )
        tags = self.path_tags
        if not isinstance(tags, list) or not all(
            isinstance(t, str) and t.strip() == t and 0 < len(t) <= PATH_TAG_MAX_CHARS for t in tags
        ):
            raise ValidationError(
                {"path_tags": _("Each path tag is a short text of at most 60 characters.")}
            )
        if len(tags) > PATH_TAGS_MAX or len(set(tags)) != len(tags):
            raise ValidationError({"path_tags": _("At most 12 different path tags.")})

    def weights(self) -> Weights:
        return Weights(
            distance=self.distance,
            slots=self.slots,
            needs=self.needs,
            language=self.language,
            fit=self.fit,
            sector=self.sector,
            track=self.track,
            tags=self.tags,
            distance_scale_km=float(self.distance_scale_km),
            urgency_percent=self.urgency_percent,
        )


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def open(self) -> "ProposalQuerySet":
        return self.filter(status__in=OPEN_STATUSES)


class Proposal(PublicModel):
    """One buddy proposed for one referral, with the score and reasons at that moment."""

    programme = ProtectedKey(Programme, _("programme"), related_name="proposals")
    referral = ProtectedKey(Referral, _("referral"), related_name="proposals")
    buddy = ProtectedKey(Buddy, _("buddy"), related_name="proposals")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PENDING,
        db_index=True,
    )
    source = models.CharField(
        _("source"), max_length=10, choices=ProposalSource.choices, default=ProposalSource.BATCH
    )
    score = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(1000)])
    reasons = models.JSONField(
        _("reasons"),
        default=list,
        blank=True,
        help_text=_("The score parts and their sentences when the proposal was made."),
    )
    distance_m = models.PositiveIntegerField(_("distance (m)"), default=0)
    created_by = ByUserField(_("proposed by"))
    due_at = models.DateTimeField(_("answer expected by"))
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    answer_reason = models.TextField(
        _("reason"),
        max_length=1000,
        blank=True,
        validators=[MaxLengthValidator(1000)],
        help_text=_("Why the buddy declined or the school refused."),
    )
    trajectory = models.OneToOneField(
        "trajectories.Trajectory",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
        verbose_name=_("duo"),
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "due_at"])]
        constraints = [
            # One referral never has two buddies on offer at once (the services lock rows
            # too; this is the database's own guarantee).
            models.UniqueConstraint(
                fields=["referral"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="proposal_one_open_per_referral",
            ),
        ]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def days_left(self) -> int:
        return max(0, (self.due_at - timezone.now()).days)


class ProposalTransition(TransitionLog):
    """One status change of a proposal (the kernel's log, ARCHITECTURE.md 4)."""

    proposal = ParentKey(Proposal, _("proposal"), related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("proposal status change")
        verbose_name_plural = _("proposal status changes")


class InputVersion(models.Model):
    """A counter per programme, raised whenever something the engine's input of that
    programme depends on is saved (signals.py): its buddies and their programmes, its
    referrals and their participants, the proposals and duos of its buddies, its weights.
    The suggestion and batch pages reuse a cached input while the counter holds, so
    checking that the cache is still valid costs one indexed read, whatever the size."""

    programme = models.OneToOneField(
        Programme,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("programme"),
    )
    counter = models.PositiveBigIntegerField(_("counter"), default=0)

    class Meta:
        verbose_name = _("matching input version")
        verbose_name_plural = _("matching input versions")

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.counter}"
