"""Organisations that take part in Buddywerk: programmes, schools, training institutions,
services, the provinces' regional coordination, the funder and the umbrella organisation.

Every membership (access.Membership) ties a user to one organisation with one role.
Programme and School extend Organisation (multi-table), so a membership needs one key.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from buddywerk.buddies.enums import BuddyKind
from buddywerk.common.fields import ProtectedKey
from buddywerk.common.models import PublicModel
from buddywerk.common.vocabulary import Language, MeetingMode, SchoolYear
from buddywerk.geo.models import Municipality, Postcode, Province

from .fields import MultipleChoiceJSONField


class OrganisationKind(models.TextChoices):
    PROGRAMME = "programme", _("Buddy programme")
    SCHOOL = "school", _("School")
    TRAINING_INSTITUTION = "training_institution", _("Teacher-training institution")
    SERVICE = "service", _("Service")
    REGION = "region", _("Regional coordination")
    FUNDER = "funder", _("Funder")
    CITY = "city", _("City or municipality")
    UMBRELLA = "umbrella", _("Umbrella organisation")


class Organisation(PublicModel):
    kind = models.CharField(_("kind"), max_length=24, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    province = ProtectedKey(
        Province,
        _("province"),
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("For a regional coordination: the province it covers."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ParticipantKind(models.TextChoices):
    PUPILS = "pupils", _("Pupils")
    FAMILIES = "families", _("Families")
    BOTH = "both", _("Pupils and families")


def buddy_kind_choices() -> list[tuple[str, str]]:
    """The buddy kinds of R1 (buddies.BuddyKind)."""
    return [(code, str(label)) for code, label in BuddyKind.choices]


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def taking_buddies(self) -> "ProgrammeQuerySet":
        return self.filter(accepts_buddies=True)

    def taking_referrals(self) -> "ProgrammeQuerySet":
        return self.filter(accepts_referrals=True)

    def covering(self, municipality: Municipality | str) -> "ProgrammeQuerySet":
        """Programmes whose coverage area holds the municipality (a school's, a family's)."""
        nis_code = getattr(municipality, "nis_code", municipality)
        return self.filter(municipalities__nis_code=nis_code)


class Programme(Organisation):
    """A buddywerking: recruits buddies and runs duos in its coverage area.

    Target school years (R5), the buddy kinds it recruits (R1) and the meeting modes it
    offers (R8) are lists of codes from the shared vocabulary; an empty list means the
    programme sets no restriction there (e.g. a family programme has no school years).
    """

    organising_body = models.CharField(_("organising body"), max_length=200, blank=True)
    municipalities = models.ManyToManyField(
        Municipality,
        related_name="programmes",
        verbose_name=_("coverage area"),
        help_text=_("The municipalities where the programme runs duos."),
    )
    participant_kind = models.CharField(
        _("participants"), max_length=10, choices=ParticipantKind.choices
    )
    description = models.TextField(_("short description"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    accepts_buddies = models.BooleanField(_("takes new buddies now"), default=True)
    accepts_referrals = models.BooleanField(_("takes new referrals now"), default=True)
    target_school_years = MultipleChoiceJSONField(
        _("target school years"),
        item_choices=SchoolYear,
        help_text=_(
            "The school years of the pupils the programme supports; "
            "leave empty for a family programme."
        ),
    )
    buddy_kinds = MultipleChoiceJSONField(
        _("buddy kinds"),
        item_choices=buddy_kind_choices,
        help_text=_("The kinds of buddy the programme recruits."),
    )
    meeting_modes = MultipleChoiceJSONField(
        _("meeting modes"),
        item_choices=MeetingMode,
        help_text=_("Where duos of this programme meet."),
    )
    # R2 over time (issue 13, point 2): how long a seen extract counts, and how old it may
    # be on the day the programme sees it.
    extract_valid_months = models.PositiveSmallIntegerField(
        _("extract counts for (months)"),
        default=36,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("How long a criminal-record extract counts after the programme saw it."),
    )
    extract_max_age_months = models.PositiveSmallIntegerField(
        _("extract at most this old when shown (months)"),
        default=6,
        validators=[MaxValueValidator(24)],
        help_text=_("The date on the extract lies at most this long before it is seen."),
    )
    # Issue 13, point 3: a buddy who leaves before the usual end (R7) may still get a duo
    # that ends on their last day, if it lasts at least this long. Empty: only full duos.
    min_duo_weeks = models.PositiveSmallIntegerField(
        _("shortest duo (weeks)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text=_(
            "A buddy who leaves earlier may get a shorter duo of at least this many weeks. "
            "Empty: every duo runs its usual length."
        ),
    )

    # Issue 16, point 2: how long a buddy may still correct or delete the meeting or tandem
    # note they wrote (then it is locked: reports and certificates count on it).
    correction_days = models.PositiveSmallIntegerField(
        _("days to correct a meeting or note"),
        default=7,
        validators=[MaxValueValidator(60)],
        help_text=_(
            "How many days a buddy may still correct or delete a meeting or a tandem note "
            "they wrote. 0: never."
        ),
    )

    objects = ProgrammeQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    # Labels of the stored codes, in order, for pages and mail.
    def target_school_year_labels(self) -> list[str]:
        years = self.target_school_years
        return [str(label) for code, label in SchoolYear.choices if code in years]

    def buddy_kind_labels(self) -> list[str]:
        return [str(label) for code, label in buddy_kind_choices() if code in self.buddy_kinds]

    def meeting_mode_labels(self) -> list[str]:
        return [str(label) for code, label in MeetingMode.choices if code in self.meeting_modes]

    def clean(self) -> None:
        """R1 (issue 20): only a programme that works with families adds community
        volunteers (decided in buddies/rules.py)."""
        super().clean()
        from buddywerk.buddies.rules import programme_kind_problems

        problems = programme_kind_problems(
            participant_kind=self.participant_kind, buddy_kinds=self.buddy_kinds or []
        )
        if problems:
            raise ValidationError({"buddy_kinds": problems})

    @property
    def takes_pupils(self) -> bool:
        return self.participant_kind in {ParticipantKind.PUPILS, ParticipantKind.BOTH}


class City(Organisation):
    """The administration of one city or municipality (lokaal bestuur), whose staff read
    that municipality's figures of the funder's report ("buddy cijfers" [001]; issue 14,
    point 3). One per municipality: a city_staff membership in it decides which figures.
    """

    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.PROTECT,
        related_name="city",
        verbose_name=_("municipality"),
        help_text=_("Its staff see the report's figures of this municipality only."),
    )

    class Meta:
        verbose_name = _("city or municipality")
        verbose_name_plural = _("cities and municipalities")


class SchoolLevel(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    SECONDARY = "secondary", _("Secondary")


class SchoolQuerySet(models.QuerySet["School"]):
    def confirmed(self) -> "SchoolQuerySet":
        return self.filter(confirmed_at__isnull=False)

    def awaiting_confirmation(self) -> "SchoolQuerySet":
        return self.filter(confirmed_at__isnull=True)


class School(Organisation):
    """A school (or its registration awaiting a platform admin's confirmation).

    A school registers itself through the public form, with its care coordinator's name
    and email; on confirmation that person gets an account and the lead school_staff role.
    Schools imported from the education department's list are confirmed on import.
    """

    school_number = models.CharField(
        _("school number"),
        max_length=12,
        unique=True,
        help_text=_("The official number of the school (instellingsnummer)."),
    )
    level = models.CharField(_("level"), max_length=10, choices=SchoolLevel.choices)
    street = models.CharField(_("street and number"), max_length=200)
    postcode = ProtectedKey(Postcode, _("postcode"), related_name="schools")
    municipality = ProtectedKey(Municipality, _("municipality"), related_name="schools")
    confirmed_at = models.DateTimeField(
        _("confirmed at"),
        null=True,
        blank=True,
        help_text=_("When a platform admin confirmed the school."),
    )
    registrant_name = models.CharField(
        _("care coordinator's name"),
        max_length=150,
        blank=True,
        help_text=_("Who registered the school through the public form."),
    )
    registrant_email = models.EmailField(
        _("care coordinator's email"),
        blank=True,
        help_text=_("Receives the invitation when the school is confirmed."),
    )
    registrant_language = models.CharField(
        _("care coordinator's language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        editable=False,
        help_text=_("The language of the registration form; mails about it use it."),
    )

    objects = SchoolQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")


class TrainingInstitution(Organisation):
    """A teacher-training programme (lerarenopleiding) whose students can be buddies."""

    campus = models.CharField(_("campus"), max_length=120, blank=True)
    municipality = ProtectedKey(
        Municipality, _("municipality"), null=True, blank=True, related_name="training_institutions"
    )

    class Meta:
        verbose_name = _("teacher-training institution")
        verbose_name_plural = _("teacher-training institutions")


class ServiceKind(models.TextChoices):
    """The kinds of services that refer families to a family programme [004]."""

    OCMW = "ocmw", _("Public social welfare centre (OCMW)")
    CAW = "caw", _("General welfare centre (CAW)")
    WELCOME_OFFICE = "welcome_office", _("Welcome office (onthaalbureau)")
    INTEGRATION_AGENCY = "integration_agency", _("Integration agency")
    OTHER = "other", _("Other service")


class Service(Organisation):
    """Issue 20, point 3: a service (OCMW, CAW, welcome office, integration agency...)
    whose staff (service_staff role) refer families to the programmes [004]. A platform
    admin or the regional coordinator of its province registers it in the application."""

    service_kind = models.CharField(
        _("kind of service"), max_length=24, choices=ServiceKind.choices
    )
    municipality = ProtectedKey(Municipality, _("municipality"), null=True, related_name="services")
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    languages = MultipleChoiceJSONField(
        _("languages spoken"),
        item_choices=Language,
        blank=True,
        help_text=_("Languages the service's staff can help families in."),
    )

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")

    @property
    def language_names(self) -> list[str]:
        labels = dict(Language.choices)
        return [str(labels.get(code, code)) for code in self.languages]
