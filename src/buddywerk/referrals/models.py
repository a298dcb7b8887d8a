"""Participants (pupils, families) and the referrals that ask support for them (R4-R6).

A referral's status changes only through the transition services (services.py), which
follow the table in workflow.py and write a `ReferralTransition` row each time.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buddywerk.common.fields import ByUserField, ParentKey, ProtectedKey
from buddywerk.common.models import PublicModel, TimeStampedModel, TransitionLog
from buddywerk.common.vocabulary import (
    ALL_SLOTS,
    PREFERENCE_MODE_CHOICES,
    Competence,
    Language,
    SchoolYear,
    Sector,
    StudyTrack,
    slot_label,
)
from buddywerk.organisations.fields import MultipleChoiceJSONField
from buddywerk.organisations.models import Organisation, Programme, School
from buddywerk.privacy.schedule import DataKind, rule_for

from .enums import (
    OPEN_STATUSES,
    SENT_OPEN_STATUSES,
    Complexity,
    ConsentGiver,
    ConsentMethod,
    FamilyGoal,
    ReferralStatus,
    SelectionCriterion,
    Urgency,
)

__all__ = [
    "Complexity",
    "ConsentGiver",
    "ConsentMethod",
    "ConsentText",
    "ConsentWithdrawal",
    "Family",
    "FamilyGoal",
    "MeetingPlace",
    "Pupil",
    "Referral",
    "ReferralStatus",
    "ReferralTransition",
    "SelectionCriterion",
    "Urgency",
]

# How far a pupil's age may lie from the usual age of their school year: a year ahead,
# or several behind (newcomers, pupils who repeated a year). Outside this band the birth
# year is a typing error (R5 targets school years, so the age must fit the year).
AGE_BELOW_USUAL = 2
AGE_ABOVE_USUAL = 4
# Children in a family referral: minors and young adults still at home.
MAX_CHILD_AGE = 25
MAX_HOUSEHOLD = 20


def slot_choices() -> list[tuple[str, str]]:
    """The weekly time slots of the shared grid (five days x five parts of the day)."""
    return [(code, slot_label(code)) for code in ALL_SLOTS]


def school_year_start(today: Any = None) -> int:
    """The calendar year in which the current school year began (1 September)."""
    today = today or timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


def usual_age(school_year: int) -> int:
    """The age a pupil turns in the calendar year their school year starts: 6 in the 1st
    year of primary school, 12 in the 1st year of secondary school."""
    return int(school_year) + 5


def validate_children_ages(value: Any) -> None:
    if not isinstance(value, list) or not all(
        isinstance(age, int) and not isinstance(age, bool) for age in value
    ):
        raise ValidationError(_("Give the ages as whole numbers."), code="invalid_ages")
    wrong = [age for age in value if not 0 <= age <= MAX_CHILD_AGE]
    if wrong:
        raise ValidationError(
            _("A child's age lies between 0 and %(max)s years."),
            code="invalid_age",
            params={"max": MAX_CHILD_AGE},
        )


@dataclass(frozen=True)
class MeetingPlace:
    """Where a participant can be met in person: the school for a pupil, the family's
    postcode for a family. Matching measures buddies' travel distance from here (R8)."""

    lat: float
    lon: float
    postcode: str


class ReferralQuerySet(models.QuerySet["Referral"]):
    def open(self) -> "ReferralQuerySet":
        """Referrals that still ask for (or have) a buddy: not declined, closed or withdrawn."""
        return self.filter(status__in=OPEN_STATUSES)

    def with_participant(self) -> "ReferralQuerySet":
        """Everything a list row or the matching input reads, in one query: the participant,
        its meeting place and the programme."""
        return self.select_related(
            "programme",
            "referrer",
            "pupil__school__postcode",
            "family__postcode__municipality",
        )


class Pupil(PublicModel):
    """A pupil of one school. Personal data: every view is audited; a buddy sees only the
    first name."""

    school = ProtectedKey(School, _("school"), related_name="pupils")
    first_name = models.CharField(
        _("first name"), max_length=80, help_text=_("The buddy sees only the first name.")
    )
    last_name = models.CharField(_("last name"), max_length=80)
    school_year = models.PositiveSmallIntegerField(
        _("school year"),
        choices=SchoolYear.choices,
        help_text=_("1-6 for primary school, 7-12 for secondary (1st to 6th year)."),
    )
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text=_("Checked against the school year."),
    )
    home_languages = MultipleChoiceJSONField(
        _("home languages"), item_choices=Language, help_text=_("The languages spoken at home.")
    )

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        # Never the name: str() lands in the admin's change log, its messages and its
        # delete pages, and in error reports. Pages show the name field by field.
        return f"{self._meta.verbose_name} {self.uuid}"

    def clean(self) -> None:
        super().clean()
        self.validate_birth_year()

    def validate_birth_year(self) -> None:
        """The birth year must fit the school year (R5): a pupil of the 6th year of primary
        school is about 11, never 40."""
        if self.birth_year is None or self.school_year is None:
            return
        try:
            year_label = SchoolYear(self.school_year).label
        except ValueError:
            return  # the field's own choices validation reports an unknown school year
        start = school_year_start()
        age = start - int(self.birth_year)
        usual = usual_age(self.school_year)
        if not usual - AGE_BELOW_USUAL <= age <= usual + AGE_ABOVE_USUAL:
            raise ValidationError(
                {
                    "birth_year": _(
                        "With birth year %(year)s the pupil would be about %(age)s years old "
                        "this school year. That does not fit the %(school_year)s: give a "
                        "birth year between %(first)s and %(last)s."
                    )
                    % {
                        "year": self.birth_year,
                        "age": age,
                        "school_year": year_label,
                        "first": start - usual - AGE_ABOVE_USUAL,
                        "last": start - usual + AGE_BELOW_USUAL,
                    }
                }
            )

    @property
    def meeting_place(self) -> MeetingPlace:
        """A pupil meets their buddy at (or from) school."""
        postcode = self.school.postcode
        return MeetingPlace(lat=postcode.lat, lon=postcode.lon, postcode=postcode.code)


class Family(PublicModel):
    """A (newcomer) family, the participant in family programmes [004]."""

    referred_by = ProtectedKey(
        Organisation,
        _("referred by"),
        related_name="referred_families",
        help_text=_("The school or service that referred the family."),
    )
    contact_name = models.CharField(
        _("contact person"),
        max_length=160,
        help_text=_("The family member the buddy and the programme talk to."),
    )
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    household_size = models.PositiveSmallIntegerField(
        _("household size"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HOUSEHOLD)],
        help_text=_("Everyone who lives in the home, adults and children."),
    )
    children_ages = models.JSONField(
        _("children's ages"),
        default=list,
        blank=True,
        validators=[validate_children_ages],
    )
    languages = MultipleChoiceJSONField(_("languages"), item_choices=Language)
    contact_language = models.CharField(
        _("contact language needed"),
        max_length=8,
        blank=True,
        choices=Language.choices,
        help_text=_("The language the buddy needs to talk with the family, besides Dutch."),
    )
    postcode = ProtectedKey("geo.Postcode", _("postcode"), related_name="+")

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")

    def __str__(self) -> str:
        # Never the contact's name (see Pupil.__str__).
        return f"{self._meta.verbose_name} {self.uuid}"

    def clean(self) -> None:
        super().clean()
        if (
            self.household_size
            and isinstance(self.children_ages, list)
            and len(self.children_ages) >= self.household_size
        ):
            raise ValidationError(
                {
                    "household_size": _(
                        "The household counts the children and at least one adult: "
                        "it is larger than the number of children."
                    )
                }
            )

    @property
    def has_minors(self) -> bool:
        """R2: a family with children under 18 counts as work with minors."""
        return any(isinstance(age, int) and age < 18 for age in self.children_ages or [])

    @property
    def meeting_place(self) -> MeetingPlace:
        """A family is met at or near home: the centre of its postcode."""
        postcode = self.postcode
        return MeetingPlace(lat=postcode.lat, lon=postcode.lon, postcode=postcode.code)


# The longest grace period a programme may set between a withdrawal and the erasure.
MAX_ERASURE_GRACE_DAYS = rule_for(DataKind.AFTER_WITHDRAWAL).days


# Issue 21: the longest dream or talents text (a few sentences in the pupil's words).
DREAM_MAX_CHARS = 500


class Referral(PublicModel):
    """A request for support for one pupil or one family, to one programme (R4-R6).

    The status is never assigned outside the transition services (ARCHITECTURE.md 4).
    """

    programme = ProtectedKey(Programme, _("programme"), related_name="referrals")
    referrer = ProtectedKey(Organisation, _("referred by"), related_name="referrals_made")
    pupil = ProtectedKey(Pupil, _("pupil"), null=True, blank=True, related_name="referrals")
    family = ProtectedKey(Family, _("family"), null=True, blank=True, related_name="referrals")
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ReferralStatus.choices,
        default=ReferralStatus.DRAFT,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    # Derived from the transition log, kept by the transition services in the same
    # transaction (and recomputed by `buddywerk rollup-rebuild`): the funder's report reads
    # them instead of scanning the log (issue 22).
    wait_ended_at = models.DateTimeField(
        _("wait ended at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The first time the referral was matched, declined or withdrawn."),
    )
    first_matched_at = models.DateTimeField(
        _("first matched at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The first time the referral was matched with a buddy."),
    )

    needs = MultipleChoiceJSONField(
        _("needs"),
        item_choices=Competence,
        help_text=_("What the buddy should help with (the same list as buddy competences)."),
    )
    needs_note = models.TextField(
        _("needs in your own words"),
        max_length=2000,
        blank=True,
        validators=[MaxLengthValidator(2000)],
        help_text=_("Anything the list does not say. No medical or diagnostic details."),
    )
    criteria = MultipleChoiceJSONField(
        _("selection criteria"),
        item_choices=SelectionCriterion,
        help_text=_("Why this pupil qualifies for a buddy."),
    )
    goals = MultipleChoiceJSONField(
        _("goals"),
        item_choices=FamilyGoal,
        help_text=_("What the family wants to work on with a buddy."),
    )
    meeting_modes = MultipleChoiceJSONField(
        _("preferred meeting modes"), item_choices=PREFERENCE_MODE_CHOICES
    )
    time_slots = MultipleChoiceJSONField(
        _("preferred weekly time slots"),
        item_choices=slot_choices,
        help_text=_("When the participant can meet a buddy."),
    )
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency.choices, default=Urgency.NORMAL
    )
    complexity = models.CharField(
        _("complexity"),
        max_length=8,
        choices=Complexity.choices,
        default=Complexity.NORMAL,
        help_text=_("A complex situation is matched with an expert buddy only."),
    )
    # Issue 21: the pupil's track and dream. Asked only where the programme asks for it
    # (ProgrammeMatchingSettings.asks_*); each help text says why it is asked.
    study_track = models.CharField(
        _("study track"),
        max_length=10,
        choices=StudyTrack.choices,
        blank=True,
        help_text=_(
            "We ask this to find a mentor or role model who knows this path through school."
        ),
    )
    dream_goal = models.TextField(
        _("the pupil's dream"),
        max_length=DREAM_MAX_CHARS,
        blank=True,
        validators=[MaxLengthValidator(DREAM_MAX_CHARS)],
        help_text=_(
            "What the pupil wants to do or become, in the pupil's own words. The mentor "
            "works on this dream with the pupil."
        ),
    )
    dream_sector = models.CharField(
        _("sector of the dream"),
        max_length=16,
        choices=Sector.choices,
        blank=True,
        help_text=_("We ask this to find a mentor who works in this sector."),
    )
    talents = models.TextField(
        _("talents and interests"),
        max_length=DREAM_MAX_CHARS,
        blank=True,
        validators=[MaxLengthValidator(DREAM_MAX_CHARS)],
        help_text=_(
            "What the pupil is good at or likes to do. The mentor can build on it. No "
            "medical or diagnostic details."
        ),
    )
    role_model_tags = models.JSONField(
        _("experience asked of a role model"),
        default=list,
        blank=True,
        help_text=_(
            "What a role model went through that could help this pupil. We ask this to "
            "find a role model with the same experience."
        ),
    )
    consent_given_on = models.DateField(
        _("consent given on"),
        null=True,
        blank=True,
        help_text=_("The date the parents (or the family) agreed to the referral."),
    )
    consent_given_by = models.CharField(
        _("consent given by"),
        max_length=120,
        blank=True,
        help_text=_("Who gave consent, e.g. 'mother' or 'both parents'."),
    )

    consent_giver = models.CharField(
        _("consent given as"),
        max_length=10,
        choices=ConsentGiver.choices,
        blank=True,
        help_text=_("A parent, a guardian, the pupil from 13 where the programme allows it."),
    )
    consent_method = models.CharField(
        _("how consent was given"), max_length=10, choices=ConsentMethod.choices, blank=True
    )
    consent_text = ProtectedKey(
        "ConsentText",
        _("consent text"),
        null=True,
        blank=True,
        related_name="referrals",
        help_text=_("The version of the programme's consent text the consent was given on."),
    )
    consent_recorded_by = ByUserField(_("consent recorded by"))
    consent_recorded_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["programme", "status", "submitted_at"]),
            # The funder's report counts the referrals submitted by a date per programme
            # from the index alone (issue 22).
            models.Index(
                fields=["submitted_at", "programme", "referrer"], name="referral_submitted_report"
            ),
            # The waiting and matched figures of the report, from the index alone.
            models.Index(
                fields=["wait_ended_at", "programme", "submitted_at"],
                name="referral_wait_ended_report",
            ),
            models.Index(
                fields=["first_matched_at", "programme", "submitted_at"],
                name="referral_first_match_report",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pupil__isnull=False, family__isnull=True)
                | models.Q(pupil__isnull=True, family__isnull=False),
                name="referral_pupil_xor_family",
            ),
            # No referral leaves the draft without the recorded consent (R4-R6, issue 3).
            models.CheckConstraint(
                condition=models.Q(status__in=[ReferralStatus.DRAFT, ReferralStatus.WITHDRAWN])
                | models.Q(consent_given_on__isnull=False, submitted_at__isnull=False),
                name="referral_submitted_with_consent",
            ),
            models.CheckConstraint(
                condition=models.Q(urgency__gte=1, urgency__lte=3),
                name="referral_urgency_1_3",
            ),
            # One sent, open referral per pupil (or family) and programme: the child is in
            # the programme's queue once. Drafts are left to the services (a second one is
            # refused when it is started and when it is sent), so two colleagues starting
            # one at the same moment get a clear message, not an error page.
            models.UniqueConstraint(
                fields=["pupil", "programme"],
                condition=models.Q(status__in=SENT_OPEN_STATUSES),
                name="referral_one_open_per_pupil",
            ),
            models.UniqueConstraint(
                fields=["family", "programme"],
                condition=models.Q(status__in=SENT_OPEN_STATUSES),
                name="referral_one_open_per_family",
            ),
        ]

    @property
    def participant(self) -> Pupil | Family:
        return self.pupil if self.pupil_id else self.family  # type: ignore[return-value]

    @property
    def is_for_family(self) -> bool:
        return self.family_id is not None

    @property
    def involves_minor(self) -> bool:
        """R2: a pupil is a minor; so is a family with children under 18."""
        return self.pupil_id is not None or bool(self.family and self.family.has_minors)

    @property
    def contact_language(self) -> str:
        """The language a buddy needs besides Dutch ('' when none): a family's contact
        language; pupils are met in Dutch at school."""
        return self.family.contact_language if self.family_id and self.family else ""

    @property
    def meeting_place(self) -> MeetingPlace:
        """Where the participant is met in person (R8): the school for a pupil, the family's
        postcode for a family. Use `Referral.objects.with_participant()` for lists."""
        return self.participant.meeting_place

    @property
    def waiting_days(self) -> int | None:
        """Calendar days (in Belgian time) since the referral was submitted: submitted
        yesterday evening is one day, whatever the hour now."""
        if self.submitted_at is None:
            return None
        return (timezone.localdate() - timezone.localdate(self.submitted_at)).days

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ReferralTransition(TransitionLog):
    """One status change of a referral (the kernel's log, ARCHITECTURE.md 4)."""

    referral = ParentKey(Referral, _("referral"), related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("referral status change")
        verbose_name_plural = _("referral status changes")
        # The funder's report reads the moves to matched, declined or withdrawn by date
        # from the index alone, not from the wide log rows (issue 22).
        indexes = [
            models.Index(fields=["to_status", "at", "referral"], name="referral_move_report"),
            # A referral's last change before a day (the coverage map of a past period,
            # issue 19): one probe from the end of its history, no sort.
            models.Index(fields=["referral", "at", "id"], name="referral_move_history"),
        ]


class ReferralMonth(models.Model):
    """The funder's report near the floor (issue 22): per referral and calendar month (local
    time), whether it was matched and whether it was declined in that month, with its
    programme copied (a referral changes programme only as a draft, before any such move).
    Derived from the status log only: the transition services add to it in the
    transition's transaction (`rollup.note_transition`), `buddywerk rollup-rebuild`
    recomputes it. A month without such a move has no row."""

    referral = ParentKey(Referral, _("referral"), related_name="months")
    programme = ParentKey(
        "organisations.Programme", _("programme"), related_name="+", db_index=False
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    matched = models.BooleanField(_("matched"), default=False)
    declined = models.BooleanField(_("declined"), default=False)

    class Meta:
        verbose_name = _("referral month")
        verbose_name_plural = _("referral months")
        constraints = [
            models.UniqueConstraint(fields=["referral", "month"], name="referral_month_unique"),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="referral_month_first_day"
            ),
        ]
        indexes = [
            models.Index(
                fields=["month", "programme", "referral", "matched", "declined"],
                name="referral_month_report",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class ReferralCount(models.Model):
    """The referrals of a programme by the calendar month (local time) of their submission
    and of the end of their wait (matched, declined or withdrawn for the first time; empty
    while they wait): the report's received, submitted-by and waiting figures read these
    few rows instead of every referral ever submitted (issue 22). A counter kept by the
    transition services in the transition's transaction (`rollup.note_transition`) and by
    the purge (an erased referral leaves it: the archive counts it from then on),
    recomputed from the referrals by `buddywerk rollup-rebuild`. Drafts are not counted."""

    programme = ParentKey(
        "organisations.Programme", _("programme"), related_name="+", db_index=False
    )
    submitted = models.DateField(_("month submitted"), help_text=_("The first day of the month."))
    wait_ended = models.DateField(
        _("month the wait ended"),
        null=True,
        blank=True,
        help_text=_("The first day of the month; empty while the referral waits."),
    )
    n = models.PositiveIntegerField(_("referrals"), default=0)

    class Meta:
        verbose_name = _("referral count")
        verbose_name_plural = _("referral counts")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "submitted", "wait_ended"],
                condition=models.Q(wait_ended__isnull=False),
                name="referral_count_unique_ended",
            ),
            models.UniqueConstraint(
                fields=["programme", "submitted"],
                condition=models.Q(wait_ended__isnull=True),
                name="referral_count_unique_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submitted:%Y-%m}"


class ConsentText(TimeStampedModel):
    """One version of a programme's consent text (R18). A version is never changed: the
    programme publishes a new one, and a referral keeps the version its consent was given
    on. The version also says whether a pupil from 13 may consent alone, and how many days
    after a withdrawal the participant's data is erased (the programme's grace period)."""

    programme = ProtectedKey(Programme, _("programme"), related_name="consent_texts")
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(
        _("consent text"),
        max_length=5000,
        validators=[MaxLengthValidator(5000)],
        help_text=_("What the parents (or the pupil, or the family) agree to, in plain words."),
    )
    pupil_may_consent = models.BooleanField(
        _("a pupil from 13 may consent alone"),
        default=False,
        help_text=_("Otherwise a parent or guardian gives consent for a pupil."),
    )
    erasure_grace_days = models.PositiveSmallIntegerField(
        _("days before erasure after a withdrawal"),
        default=30,
        validators=[MaxValueValidator(MAX_ERASURE_GRACE_DAYS)],
        help_text=_("After consent is withdrawn, the data is erased after this many days."),
    )
    published_by = ByUserField(_("published by"))

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["programme_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "version"], name="consent_text_unique_version"
            ),
            models.CheckConstraint(
                condition=models.Q(erasure_grace_days__lte=MAX_ERASURE_GRACE_DAYS),
                name="consent_text_grace_within_schedule",
            ),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.programme_id} v{self.version}"


class ConsentWithdrawal(TimeStampedModel):
    """The consent for a referral was withdrawn (R18): who withdrew it, how, when, who
    recorded it, and from which day the participant's data is due for erasure."""

    referral = models.OneToOneField(
        Referral,
        on_delete=models.CASCADE,
        related_name="consent_withdrawal",
        verbose_name=_("referral"),
    )
    withdrawn_on = models.DateField(_("withdrawn on"))
    withdrawn_by = models.CharField(_("withdrawn by"), max_length=10, choices=ConsentGiver.choices)
    method = models.CharField(
        _("how consent was withdrawn"), max_length=10, choices=ConsentMethod.choices
    )
    recorded_by = ByUserField(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))
    erase_after = models.DateField(
        _("erase after"),
        help_text=_("From this day the participant's data is due for erasure."),
    )

    class Meta:
        verbose_name = _("consent withdrawal")
        verbose_name_plural = _("consent withdrawals")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(erase_after__gte=models.F("withdrawn_on")),
                name="consent_withdrawal_erase_after_withdrawal",
            )
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.referral_id}"
