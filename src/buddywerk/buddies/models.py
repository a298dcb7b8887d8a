"""Buddy profiles: who offers time, for which programmes, screened how (R1-R3)."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from buddywerk.common.models import TimeStampedModel
from buddywerk.geo.models import Postcode
from buddywerk.organisations.models import Programme, TrainingInstitution


class BuddyKind(models.TextChoices):
    """R1: who may be a buddy; role model and sector mentor are programme additions [001]."""

    STUDENT_INTERNSHIP = "student_internship", _("Student on internship")
    STUDENT = "student", _("Student (volunteer)")
    TEACHER = "teacher", _("Teaching qualification")
    RETIRED_TEACHER = "retired_teacher", _("Retired teacher")
    ROLE_MODEL = "role_model", _("Role model")
    SECTOR_MENTOR = "sector_mentor", _("Sector mentor")


class ScreeningStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class ExperienceLevel(models.TextChoices):
    """R3: programmes may distinguish junior and expert buddies."""

    JUNIOR = "junior", _("Junior")
    EXPERT = "expert", _("Expert")


class BuddyQuerySet(models.QuerySet["Buddy"]):
    def visible_to(self, user: Any) -> "BuddyQuerySet":
        from buddywerk.access import policy

        return policy.buddies_visible_to(user, self)  # type: ignore[return-value]


class Buddy(TimeStampedModel):
    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
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
    training_institution = models.ForeignKey(
        TrainingInstitution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="buddies",
        verbose_name=_("training institution"),
    )
    status = models.CharField(
        _("screening status"),
        max_length=12,
        choices=ScreeningStatus.choices,
        default=ScreeningStatus.APPLIED,
    )
    level = models.CharField(
        _("level"), max_length=8, choices=ExperienceLevel.choices, default=ExperienceLevel.JUNIOR
    )
    extract_seen_on = models.DateField(
        _("criminal-record extract seen on"),
        null=True,
        blank=True,
        help_text=_("R2: the date the programme saw the extract model 2."),
    )
    home_postcode = models.ForeignKey(
        Postcode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home postcode"),
    )
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=1)
    is_paused = models.BooleanField(_("availability paused"), default=False)

    objects = BuddyQuerySet.as_manager()

    class Meta:
        verbose_name = _("buddy")
        verbose_name_plural = _("buddies")

    def __str__(self) -> str:
        return str(self.user)
