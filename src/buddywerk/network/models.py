"""The network: the practice database (R15), the Q&A (R14) and the local services map.

A practice sheet (`Practice`) is public once published. Anyone may propose a new sheet or a
change to one (`PracticeSubmission`); the proposal waits for its author to confirm their
email address, then for moderation by a platform admin or the regional coordinator of a
province the practice runs in. Publishing copies the proposal onto the sheet and keeps a
snapshot of every published version (`PracticeVersion`).
"""

from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from buddywerk.common.fields import ByUserField, ParentKey, ProtectedKey, PublicIdField
from buddywerk.common.models import PublicModel, TimeStampedModel, TransitionLog
from buddywerk.common.vocabulary import Language
from buddywerk.geo.models import Municipality
from buddywerk.organisations.fields import MultipleChoiceJSONField
from buddywerk.organisations.models import Programme

from .photos import validate_photo
from .text import validate_no_markup

PLAIN = [validate_no_markup]

# The longest text a public sheet takes per field (issue 16, point 4). A TextField's
# max_length only reaches the form, so `_long_text` adds the validator too: the services'
# full_clean refuses a longer text from any door (form, admin, API).
TEXT_LIMITS = {
    "description": 3000,
    "goals": 1500,
    "target_group": 600,
    "success_factors": 1500,
    "challenges": 1500,
}


def _long_text(name: str) -> dict[str, Any]:
    limit = TEXT_LIMITS[name]
    return {"max_length": limit, "validators": [*PLAIN, MaxLengthValidator(limit)]}


class Vocabulary(models.Model):
    """A small list that the practice search offers as a facet (seeded by a migration,
    maintained by platform admins in the admin)."""

    slug = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80, validators=PLAIN)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class PracticeCategory(Vocabulary):
    """E.g. inclusive leisure, meeting and participation, language policy [004]."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("practice category")
        verbose_name_plural = _("practice categories")


class PolicyDomain(Vocabulary):
    """Social policy, language policy, leisure, volunteering, education [004]."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("policy domain")
        verbose_name_plural = _("policy domains")


class TargetGroup(Vocabulary):
    """Who a practice reaches, as a facet (the sheet also describes it in words)."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class PracticeContent(models.Model):
    """The fields of a practice sheet (R15), shared by the sheet and by a proposal."""

    title = models.CharField(_("title"), max_length=160, validators=PLAIN)
    organisation_name = models.CharField(
        _("organisation"),
        max_length=200,
        validators=PLAIN,
        help_text=_("Who runs the practice."),
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        validators=[MinLengthValidator(20), validate_no_markup],
        help_text=_("One or two sentences that say what the practice does."),
    )
    description = models.TextField(_("description"), blank=True, **_long_text("description"))
    goals = models.TextField(_("goals"), help_text=_("One goal per line."), **_long_text("goals"))
    target_group = models.TextField(
        _("target group in words"),
        help_text=_("Who the practice is for."),
        **_long_text("target_group"),
    )
    success_factors = models.TextField(
        _("success factors"),
        blank=True,
        help_text=_("One per line."),
        **_long_text("success_factors"),
    )
    challenges = models.TextField(
        _("challenges"), blank=True, help_text=_("One per line."), **_long_text("challenges")
    )
    contact_name = models.CharField(
        _("contact person"), max_length=120, blank=True, validators=PLAIN
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=40, blank=True, validators=PLAIN
    )
    website = models.URLField(_("website"), blank=True)
    photo = models.ImageField(
        _("photo"),
        upload_to="practices/%Y/",
        blank=True,
        validators=[validate_photo],
        help_text=_("JPEG, PNG or WebP, at most 5 MB."),
    )
    photo_alt = models.CharField(
        _("photo description (alt text)"),
        max_length=200,
        blank=True,
        validators=PLAIN,
        help_text=_("What the photo shows, for people who cannot see it."),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme in Buddywerk"),
        help_text=_("When the practice is a programme on Buddywerk."),
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        if self.photo and not self.photo_alt.strip():
            raise ValidationError(
                {"photo_alt": _("Describe the photo in a few words for people who cannot see it.")}
            )

    # Plain-text lists, one item per line, for the templates.
    def _lines(self, text: str) -> list[str]:
        return [line.strip(" •-*\t") for line in text.splitlines() if line.strip(" •-*\t")]

    @property
    def goal_list(self) -> list[str]:
        return self._lines(self.goals)

    @property
    def success_factor_list(self) -> list[str]:
        return self._lines(self.success_factors)

    @property
    def challenge_list(self) -> list[str]:
        return self._lines(self.challenges)


CONTENT_FIELDS = [
    "title",
    "organisation_name",
    "summary",
    "description",
    "goals",
    "target_group",
    "success_factors",
    "challenges",
    "contact_name",
    "contact_email",
    "contact_phone",
    "website",
    "photo",
    "photo_alt",
    "programme",
]
CONTENT_M2M = ["places", "categories", "policy_domains", "target_groups"]


def _m2m(model: Any, verbose_name: Any, related_name: str, **kwargs: Any) -> Any:
    return models.ManyToManyField(
        model, related_name=related_name, verbose_name=verbose_name, **kwargs
    )


class PracticeQuerySet(models.QuerySet["Practice"]):
    def published(self) -> "PracticeQuerySet":
        return self.filter(is_published=True)


class Practice(PracticeContent, TimeStampedModel):
    """A published practice sheet. Public: no personal data beyond a contact point that the
    organisation chose to publish."""

    uuid = PublicIdField()
    places = _m2m(
        Municipality,
        _("places"),
        "practices",
        help_text=_("The municipalities where the practice runs."),
    )
    categories = _m2m(PracticeCategory, _("categories"), "practices")
    policy_domains = _m2m(PolicyDomain, _("policy domains"), "practices")
    target_groups = _m2m(TargetGroup, _("target groups"), "practices")
    is_published = models.BooleanField(_("published"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    published_at = models.DateTimeField(_("last published at"), null=True, blank=True)
    # The search index (see network.search): stems for any database, a weighted tsvector
    # filled on PostgreSQL only.
    title_stems = models.TextField(_("title stems"), blank=True, editable=False)
    search_stems = models.TextField(_("search stems"), blank=True, editable=False)
    search_vector = SearchVectorField(_("search vector"), null=True, editable=False)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("practice sheet")
        verbose_name_plural = _("practice sheets")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class SubmissionStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Waiting for email confirmation")
    SUBMITTED = "submitted", _("Waiting for moderation")
    CHANGES_REQUESTED = "changes_requested", _("Changes asked")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")


class PracticeSubmission(PracticeContent, TimeStampedModel):
    """A proposed new sheet, or a proposed change to a published one (R15)."""

    uuid = PublicIdField()
    practice = ParentKey(
        Practice,
        _("practice sheet"),
        null=True,
        blank=True,
        related_name="submissions",
        help_text=_("Empty for a new sheet; the sheet to change otherwise."),
    )
    places = _m2m(Municipality, _("places"), "+")
    categories = _m2m(PracticeCategory, _("categories"), "+")
    policy_domains = _m2m(PolicyDomain, _("policy domains"), "+", blank=True)
    target_groups = _m2m(TargetGroup, _("target groups"), "+", blank=True)
    submitter_name = models.CharField(_("your name"), max_length=120, validators=PLAIN)
    submitter_email = models.EmailField(
        _("your email address"), help_text=_("We send a link to confirm the proposal.")
    )
    submitter_language = models.CharField(
        _("language of the author"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        editable=False,
        help_text=_("The language of the form the author filled in; their mails use it."),
    )
    token = models.CharField(_("confirmation key"), max_length=64, unique=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.UNCONFIRMED,
    )
    confirmed_at = models.DateTimeField(_("email confirmed at"), null=True, blank=True)
    moderated_by = ByUserField(_("moderated by"), on_delete=models.PROTECT)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderation_reason = models.TextField(_("message from the moderator"), blank=True)

    class Meta:
        verbose_name = _("practice proposal")
        verbose_name_plural = _("practice proposals")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.title


class SubmissionTransition(TransitionLog):
    """One status change of a practice proposal (the kernel's log, ARCHITECTURE.md 4)."""

    submission = ParentKey(PracticeSubmission, _("proposal"), related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("proposal status change")
        verbose_name_plural = _("proposal status changes")


class PracticeVersion(models.Model):
    """A snapshot of a sheet as it was published: every published version is kept (R15)."""

    practice = ParentKey(Practice, _("sheet"), related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    submission = models.ForeignKey(
        PracticeSubmission,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposal"),
    )
    published_by = ByUserField(_("published by"), on_delete=models.PROTECT)
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        ordering = ["practice", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "number"], name="unique_practice_version")
        ]

    def __str__(self) -> str:
        return f"{self.practice} v{self.number}"


# --- Q&A (R14) ------------------------------------------------------------------------


class Audience(models.TextChoices):
    """R14: the Q&A speaks to four audiences [002]."""

    BUDDIES = "buddies", _("Buddies")
    TEACHER_TRAINING = "teacher_training", _("Teacher-training programmes")
    SCHOOLS = "schools", _("Schools")
    PROGRAMMES = "programmes", _("Local programmes")


class QuestionQuerySet(models.QuerySet["Question"]):
    def published(self) -> "QuestionQuerySet":
        return self.filter(is_published=True)


class Question(TimeStampedModel):
    """One question and its answer for one audience, edited by platform admins. Buddies,
    care coordinators and programme coordinators ask questions too (issue 16, point 11):
    such a question waits, unpublished and without an answer, until a platform admin
    answers and publishes it."""

    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    question = models.CharField(_("question"), max_length=250, validators=PLAIN)
    answer = models.TextField(_("answer"), blank=True, validators=PLAIN)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_published = models.BooleanField(_("published"), default=True)
    last_reviewed_on = models.DateField(
        _("last reviewed on"),
        null=True,
        blank=True,
        help_text=_("When someone last checked that the answer is right."),
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="questions_asked",
    )
    search_stems = models.TextField(_("search stems"), blank=True, editable=False)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["audience", "position", "question"]

    def __str__(self) -> str:
        return self.question

    def clean(self) -> None:
        if self.is_published and not self.answer.strip():
            raise ValidationError(
                {"answer": _("Write the answer before you publish the question.")}
            )


# --- Local services (sociale kaart) ---------------------------------------------------


class ServiceCategory(models.TextChoices):
    """Where a buddy can lead a family [004]."""

    CHILDCARE = "childcare", _("Childcare")
    LIBRARY = "library", _("Library")
    LANGUAGE = "language", _("Language course or camp")
    YOUTH = "youth", _("Youth work and playgrounds")
    WELFARE = "welfare", _("Welfare office (OCMW)")
    CAW = "caw", _("General welfare centre (CAW)")
    INTEGRATION = "integration", _("Welcome office or integration agency")
    SPORTS = "sports", _("Sports club")
    OTHER = "other", _("Other")


class LocalService(PublicModel):
    """A local service on the sociale kaart of a municipality."""

    municipality = ProtectedKey(Municipality, _("municipality"), related_name="local_services")
    name = models.CharField(_("name"), max_length=160, validators=PLAIN)
    category = models.CharField(_("category"), max_length=12, choices=ServiceCategory.choices)
    description = models.TextField(_("what they offer"), blank=True, validators=PLAIN)
    address = models.CharField(_("address"), max_length=200, blank=True, validators=PLAIN)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=PLAIN)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    languages = MultipleChoiceJSONField(
        _("languages"), item_choices=Language, help_text=_("Languages the service can help in.")
    )
    opening_hours = models.TextField(
        _("opening hours"), blank=True, max_length=500, validators=PLAIN
    )
    accessibility = models.TextField(
        _("accessibility"),
        blank=True,
        max_length=500,
        validators=PLAIN,
        help_text=_("For example: step-free entrance, bus stop nearby, no appointment needed."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("local service")
        verbose_name_plural = _("local services")
        ordering = ["municipality__name", "category", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="unique_local_service_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def language_names(self) -> list[str]:
        labels = dict(Language.choices)
        return [str(labels.get(code, code)) for code in self.languages]


class ServiceIntroduction(TimeStampedModel):
    """A buddy introduced a family to a local service ([004] goal: knowing and reaching
    local services): from a meeting of their duo with the family (the meeting is kept when
    the buddy came from one), or from the family's page with a date."""

    family = ParentKey("referrals.Family", _("family"), related_name="service_introductions")
    service = ProtectedKey(LocalService, _("service"), related_name="introductions")
    buddy = ProtectedKey("buddies.Buddy", _("buddy"), related_name="service_introductions")
    programme = ProtectedKey(Programme, _("programme"), related_name="service_introductions")
    introduced_on = models.DateField(_("date"))
    meeting = models.ForeignKey(
        "trajectories.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_introductions",
        verbose_name=_("meeting"),
        help_text=_("The meeting at which the buddy introduced the family to the service."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True, validators=PLAIN)

    class Meta:
        verbose_name = _("introduction to a service")
        verbose_name_plural = _("introductions to a service")
        ordering = ["-introduced_on", "-id"]

    def __str__(self) -> str:
        return f"{self.service} ({self.introduced_on})"
