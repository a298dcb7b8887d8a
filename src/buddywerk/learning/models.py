"""Learning: the academy's modules (R14) and the events where buddies learn from each
other: intervisions, monthly meet-ups, learning networks and leersprongdagen (R13).

A registration's status changes only through the services (services.py), which follow
`ALLOWED_TRANSITIONS` in workflow.py, lock the event row and log every change.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buddywerk.common.fields import ByUserField, ParentKey, ProtectedKey, UserField
from buddywerk.common.models import PublicModel, TimeStampedModel, TransitionLog
from buddywerk.network.text import validate_no_markup
from buddywerk.organisations.models import Organisation, OrganisationKind, Programme

PLAIN = [validate_no_markup]
# R13: intervisions run from mid-January to the end of May [002][003].
INTERVISION_SEASON = ((1, 15), (5, 31))


class Audience(models.TextChoices):
    BUDDIES = "buddies", _("Buddies")
    COORDINATORS = "coordinators", _("Programme coordinators")
    SCHOOLS = "schools", _("Schools")
    # R14 learning networks: buddies, school staff and coordinators learn together.
    MIXED = "mixed", _("Everyone: buddies, school staff and coordinators")


class ModuleFormat(models.TextChoices):
    TEXT = "text", _("Text")
    VIDEO = "video", _("Video")
    WEBINAR = "webinar", _("Webinar recording")
    GUIDE = "guide", _("Downloadable guide")


class Module(TimeStampedModel):
    """An online module of the Leerbuddy Academie on a core aspect of good buddyship (R14).
    The body is Markdown; it is rendered and sanitised on display (learning.markdown)."""

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=160, validators=PLAIN)
    theme = models.CharField(_("theme"), max_length=80, validators=PLAIN)
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.BUDDIES
    )
    format = models.CharField(
        _("format"), max_length=10, choices=ModuleFormat.choices, default=ModuleFormat.TEXT
    )
    url = models.URLField(
        _("link"), blank=True, help_text=_("The video, recording or guide, when there is one.")
    )
    minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    body = models.TextField(
        _("text (Markdown)"),
        help_text=_("Markdown. HTML and scripts are removed when the module is shown."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_published = models.BooleanField(_("published"), default=True)
    programme = ParentKey(
        Programme,
        _("programme"),
        null=True,
        blank=True,
        related_name="own_modules",
        help_text=_("Written by this programme's coordinators. Empty: a module of the academy."),
    )

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title


class ModuleCompletion(models.Model):
    """A buddy marked a module done, optionally with a short reflection."""

    module = ParentKey(Module, _("module"), related_name="completions")
    buddy = ParentKey("buddies.Buddy", _("buddy"), related_name="module_completions")
    reflection = models.TextField(
        _("reflection"),
        blank=True,
        max_length=2000,
        validators=PLAIN,
        help_text=_("What you take with you, in a few sentences (optional)."),
    )
    completed_at = models.DateTimeField(_("done on"), default=timezone.now)

    class Meta:
        verbose_name = _("completed module")
        verbose_name_plural = _("completed modules")
        constraints = [
            models.UniqueConstraint(fields=["module", "buddy"], name="unique_module_completion")
        ]

    def __str__(self) -> str:
        return f"{self.module} – {self.buddy}"


class RequiredModule(models.Model):
    """A programme setting: a buddy completes this module before their first duo, or (issue
    13, point 4) before any duo with a minor."""

    programme = ParentKey(Programme, _("programme"), related_name="required_modules")
    module = ParentKey(Module, _("module"), related_name="required_by")
    for_minors = models.BooleanField(
        _("before a duo with a minor"),
        default=False,
        help_text=_("Required before every duo with a minor, not only before a first duo."),
    )

    class Meta:
        verbose_name = _("module required before a first duo")
        verbose_name_plural = _("modules required before a first duo")
        constraints = [
            models.UniqueConstraint(fields=["programme", "module"], name="unique_required_module")
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.module}"


# --- Events ------------------------------------------------------------------------------


class EventKind(models.TextChoices):
    INTERVISION = "intervision", _("Intervision")
    MEETUP = "meetup", _("Monthly buddy meet-up")
    LEARNING_NETWORK = "learning_network", _("Learning network")
    LEERSPRONGDAG = "leersprongdag", _("Leersprongdag")


class EventQuerySet(models.QuerySet["Event"]):
    def upcoming(self) -> "EventQuerySet":
        return self.filter(ends_at__gte=timezone.now(), is_cancelled=False)


class Event(PublicModel):
    """An intervision, meet-up, learning-network meeting or leersprongdag (R13, R14).
    Without a programme it is organised by the umbrella organisation for all programmes."""

    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=160, validators=PLAIN)
    theme = models.CharField(
        _("theme"),
        max_length=160,
        blank=True,
        validators=PLAIN,
        help_text=_("For example: building a warm bond, maths remediation in primary school."),
    )
    description = models.TextField(_("description"), blank=True, validators=PLAIN)
    programme = ParentKey(
        Programme,
        _("programme"),
        null=True,
        blank=True,
        related_name="events",
        help_text=_("Empty: open to the buddies of every programme."),
    )
    region = ProtectedKey(
        Organisation,
        _("regional coordination"),
        null=True,
        blank=True,
        related_name="organised_events",
        limit_choices_to={"kind": OrganisationKind.REGION},
        help_text=_("The regional coordination that organises the event, if any."),
    )
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.BUDDIES
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True, validators=PLAIN)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("places"),
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("How many people can take part; others go on the waiting list."),
    )
    registration_deadline = models.DateTimeField(_("register until"))
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    created_by = ByUserField(_("created by"), on_delete=models.PROTECT)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must come after the start.")
        if (
            self.starts_at
            and self.registration_deadline
            and self.registration_deadline > self.starts_at
        ):
            errors["registration_deadline"] = _("Registration must close before the event starts.")
        if not self.place.strip() and not self.online_url:
            errors["place"] = _("Give a place, an online link, or both.")
        if self.kind == EventKind.MEETUP and not self.programme_id and not self.region_id:
            errors["programme"] = _(
                "A monthly meet-up belongs to one programme or one regional coordination."
            )
        if self.kind == EventKind.INTERVISION and self.starts_at:
            day = timezone.localtime(self.starts_at).date()
            (first_month, first_day), (last_month, last_day) = INTERVISION_SEASON
            season_start = dt.date(day.year, first_month, first_day)
            season_end = dt.date(day.year, last_month, last_day)
            if not season_start <= day <= season_end:
                errors["starts_at"] = _(
                    "Intervisions run from 15 January to 31 May. Choose a date in that period."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(PublicModel):
    """A person's place at an event, or on its waiting list (R13). Buddies, school staff and
    coordinators register (R14 learning networks); `buddy` is set when an approved buddy
    registers, so their attendance counts in their profile. The waiting list is served in
    order of `created_at` (then id)."""

    event = ParentKey(Event, _("event"), related_name="registrations")
    user = ParentKey("access.User", _("person"), related_name="event_registrations")
    buddy = ParentKey(
        "buddies.Buddy",
        _("buddy"),
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.REGISTERED,
    )
    promoted_at = models.DateTimeField(
        _("moved up from the waiting list at"), null=True, blank=True
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    attended = models.BooleanField(
        _("attended"), null=True, blank=True, help_text=_("Recorded by the organiser.")
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            # Twice on the same event is refused by the database too (race-proof).
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=~Q(status="cancelled"),
                name="unique_active_registration_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} – {self.user}"


class RegistrationTransition(TransitionLog):
    """One status change of a registration (the kernel's log, ARCHITECTURE.md 4)."""

    registration = ParentKey(Registration, _("registration"), related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("registration status change")
        verbose_name_plural = _("registration status changes")


class NoteKind(models.TextChoices):
    IDEA = "idea", _("Idea")
    NEED = "need", _("Need")
    SIGNAL = "signal", _("Signal")


class MeetupNote(TimeStampedModel):
    """An idea, need or signal raised at a meet-up, recorded for the programme [004]: the
    monthly buddy moment feeds back to the programme's policy officer."""

    event = ParentKey(Event, _("event"), related_name="notes")
    programme = ParentKey(Programme, _("programme"), related_name="meetup_notes")
    kind = models.CharField(_("kind"), max_length=8, choices=NoteKind.choices)
    text = models.TextField(
        _("what was said"),
        max_length=2000,
        validators=PLAIN,
        help_text=_("No names of pupils or families."),
    )
    recorded_by = UserField(_("recorded by"))

    class Meta:
        verbose_name = _("meet-up note")
        verbose_name_plural = _("meet-up notes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"


class CalendarFeed(TimeStampedModel):
    """A buddy's secret calendar link. Resetting it replaces the token, so an old link
    stops working at once."""

    buddy = models.OneToOneField(
        "buddies.Buddy",
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("buddy"),
    )
    token = models.CharField(_("secret key"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("calendar link")
        verbose_name_plural = _("calendar links")

    def __str__(self) -> str:
        return str(self.buddy)
