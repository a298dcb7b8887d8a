"""Buddy profiles: who offers time, for which programmes, screened how (R1-R3).

Multi-valued codes (languages, competences, school levels, meeting modes, weekly slots) are
JSON lists of codes from `common.vocabulary`, so they behave the same on SQLite and
PostgreSQL and the matching engine reads them as plain labels.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buddywerk.common.fields import ParentKey, ProtectedKey, UserField
from buddywerk.common.models import PublicModel, TransitionLog
from buddywerk.common.vocabulary import PathShownTo, Sector
from buddywerk.geo.models import Postcode
from buddywerk.organisations.models import Programme, TrainingInstitution

from .enums import (  # noqa: F401 - the app's choices, still named from here
    CORE_KINDS,
    ELIGIBLE_FIELDS,
    STUDENT_KINDS,
    TEACHER_KINDS,
    BuddyKind,
    ExperienceLevel,
    FieldOfStudy,
    ImportStatus,
    SchoolLevelPreference,
    ScreeningStatus,
    TeachingQualification,
)
from .validators import CodeListValidator

# R1/R3: a buddy supports one to three participants at a time.
MIN_CAPACITY = 1
MAX_CAPACITY = 3
# A radius beyond this is not a travel distance inside Flanders and Brussels.
MAX_RADIUS_KM = 100


class BuddyQuerySet(models.QuerySet["Buddy"]):
    def applied(self) -> "BuddyQuerySet":
        return self.filter(status=ScreeningStatus.APPLIED)

    def available(self) -> "BuddyQuerySet":
        """Approved and not paused: the pool the matching engine draws from."""
        return self.filter(status=ScreeningStatus.APPROVED, is_paused=False)


def _list_field(verbose_name: Any, choices: str, help_text: Any = "") -> models.JSONField:
    return models.JSONField(
        verbose_name,
        default=list,
        blank=True,
        validators=[CodeListValidator(choices)],
        help_text=help_text,
    )


class Buddy(PublicModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="buddy",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=BuddyKind.choices)
    programmes = models.ManyToManyField(
        Programme, related_name="buddies", verbose_name=_("programmes")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    # R1: what each kind must tell us.
    training_institution = models.ForeignKey(
        TrainingInstitution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="buddies",
        verbose_name=_("training institution"),
    )
    training_institution_name = models.CharField(
        _("other training institution"),
        max_length=200,
        blank=True,
        help_text=_("For students of an institution that is not in the list."),
    )
    field_of_study = models.CharField(
        _("field of study"), max_length=24, choices=FieldOfStudy.choices, blank=True
    )
    on_internship = models.BooleanField(
        _("buddy as part of an internship"),
        default=False,
        help_text=_("A student who is a buddy as part of their study."),
    )
    teaching_qualification = models.CharField(
        _("teaching qualification"),
        max_length=24,
        choices=TeachingQualification.choices,
        blank=True,
    )
    background = models.TextField(
        _("background"),
        blank=True,
        help_text=_("Role models: their school career. Sector mentors: their trade or company."),
    )

    # Issue 21: what a mentor or role model states themselves (never inferred; no origin
    # or ethnicity). `background` above holds a role model's path in their own words.
    sector = models.CharField(
        _("sector"),
        max_length=16,
        choices=Sector.choices,
        blank=True,
        help_text=_("The sector you work in. We look for pupils who dream of this sector."),
    )
    trade = models.CharField(
        _("trade"),
        max_length=120,
        blank=True,
        help_text=_("Your trade or job, e.g. electrician or nurse."),
    )
    path_tracks = _list_field(
        _("study tracks you followed"),
        "StudyTrack",
        _("We look for pupils who are on a path you know yourself."),
    )
    path_tags = models.JSONField(
        _("your path"),
        default=list,
        blank=True,
        help_text=_(
            "Choose what fits your own path, from your programme's list. Only if you want."
        ),
    )
    path_shown_to = models.CharField(
        _("who sees your path"),
        max_length=12,
        choices=PathShownTo.choices,
        default=PathShownTo.COORDINATOR,
        help_text=_("Your sector, trade and path: only the coordinator, or also the school."),
    )

    # R2: the declaration on honour, with the exact wording that was accepted.
    declaration_text = models.TextField(_("declaration on honour (accepted text)"), blank=True)
    declaration_accepted_at = models.DateTimeField(
        _("declaration accepted at"), null=True, blank=True
    )

    # What the buddy offers (R3, R8, R9).
    languages = _list_field(
        _("languages"),
        "Language",
        _("Languages the buddy speaks, including contact languages for newcomer families."),
    )
    competences = _list_field(_("competences"), "Competence")
    school_levels = _list_field(_("preferred school levels"), "SchoolLevelPreference")
    meeting_modes = _list_field(_("meeting modes"), "MeetingMode")
    slots = _list_field(
        _("weekly availability"),
        "slots",
        _('Weekly time slots as codes such as "wed-pm" (day and part of the day).'),
    )

    # Where and how much.
    home_postcode = ProtectedKey(
        Postcode, _("home postcode"), null=True, blank=True, related_name="+"
    )
    travel_radius_km = models.PositiveSmallIntegerField(
        _("travel radius (km)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RADIUS_KM)],
        help_text=_("How far the buddy travels from home; empty when online only."),
    )
    online_only = models.BooleanField(_("online only"), default=False)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        default=1,
        validators=[MinValueValidator(MIN_CAPACITY), MaxValueValidator(MAX_CAPACITY)],
        help_text=_("How many participants the buddy supports at the same time (1-3)."),
    )
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    is_paused = models.BooleanField(_("availability paused"), default=False)
    source_import = models.ForeignKey(
        "BuddyImport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="buddies",
        verbose_name=_("imported by"),
        help_text=_("The import that created this buddy, if any."),
    )

    # Screening (R2, R3).
    status = models.CharField(
        _("screening status"),
        max_length=12,
        choices=ScreeningStatus.choices,
        default=ScreeningStatus.APPLIED,
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    screened_at = models.DateTimeField(_("screened at"), null=True, blank=True)
    level = models.CharField(
        _("level"), max_length=8, choices=ExperienceLevel.choices, default=ExperienceLevel.JUNIOR
    )
    extract_seen_on = models.DateField(
        _("criminal-record extract seen on"),
        null=True,
        blank=True,
        help_text=_("The date the programme saw the extract (model 2)."),
    )
    extract_dated_on = models.DateField(
        _("date on the criminal-record extract"),
        null=True,
        blank=True,
        help_text=_("The date printed on the extract; the extract itself is never stored."),
    )
    extract_reminded_on = models.DateField(
        _("reminded that the extract runs out"),
        null=True,
        blank=True,
        help_text=_("The day the buddy was told that the extract runs out within 6 weeks."),
    )

    objects = BuddyQuerySet.as_manager()

    class Meta:
        verbose_name = _("buddy")
        verbose_name_plural = _("buddies")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return str(self.user)

    def clean(self) -> None:
        """What each kind must tell (R1) and a coherent where-and-when; eligibility itself
        is decided in rules.buddy_eligibility_problems."""
        errors: dict[str, Any] = {}
        if self.kind in STUDENT_KINDS:
            if not self.training_institution_id and not self.training_institution_name.strip():
                errors["training_institution"] = _("Choose your training institution.")
            if not self.field_of_study:
                errors["field_of_study"] = _("Choose your field of study.")
        if self.kind in TEACHER_KINDS and not self.teaching_qualification:
            errors["teaching_qualification"] = _("Choose your teaching qualification.")
        if not self.online_only:
            if self.home_postcode_id is None:
                errors["home_postcode"] = _("Enter your postcode, or choose online only.")
            if self.travel_radius_km is None:
                errors["travel_radius_km"] = _(
                    "Enter how far you want to travel, or choose online only."
                )
        if (
            self.available_from
            and self.available_until
            and self.available_until < self.available_from
        ):
            errors["available_until"] = _("The end date comes before the start date.")
        if errors:
            raise ValidationError(errors)


class BuddyStatusChange(TransitionLog):
    """One change of a buddy's screening status (the kernel's log, ARCHITECTURE.md 4)."""

    buddy = ParentKey(Buddy, _("buddy"), related_name="status_changes")
    programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme"),
        help_text=_("The programme whose coordinator made the change."),
    )

    class Meta(TransitionLog.Meta):
        verbose_name = _("buddy status change")
        verbose_name_plural = _("buddy status changes")


class BuddyImport(PublicModel):
    """One uploaded file of buddies from a teacher-training institution: checked first (dry
    run), then imported all or nothing. The file is kept in the database (at most 5 MB) so
    any task worker can read it, and dropped once the import has run."""

    programme = ParentKey(Programme, _("programme"), related_name="buddy_imports")
    training_institution = ProtectedKey(
        TrainingInstitution, _("training institution"), related_name="buddy_imports"
    )
    created_by = UserField(_("uploaded by"))
    filename = models.CharField(_("file name"), max_length=200)
    file_format = models.CharField(_("format"), max_length=4)
    content = models.BinaryField(_("file content"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKING
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    errors = models.JSONField(
        _("errors"),
        default=list,
        blank=True,
        help_text=_("One entry per problem: line, column, message."),
    )
    created_count = models.PositiveIntegerField(_("buddies created"), default=0)
    updated_count = models.PositiveIntegerField(_("buddies updated"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("last sign of life"),
        default=timezone.now,
        help_text=_(
            "Set when the job is queued and as it makes progress; a running job whose last "
            "sign of life is old was left behind by a stopped worker, and is failed."
        ),
    )
    failure = models.CharField(
        _("why it failed"),
        max_length=500,
        blank=True,
        help_text=_("Shown to the coordinator when the job failed."),
    )

    class Meta:
        verbose_name = _("buddy import")
        verbose_name_plural = _("buddy imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)

    @property
    def is_running(self) -> bool:
        return self.status in {ImportStatus.CHECKING, ImportStatus.IMPORTING}
