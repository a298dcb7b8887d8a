"""Participants (pupils, families) and the referrals that ask support for them (R4-R6)."""

import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from buddywerk.common.models import TimeStampedModel
from buddywerk.organisations.models import Organisation, Programme, School


class PupilQuerySet(models.QuerySet["Pupil"]):
    def visible_to(self, user: Any) -> "PupilQuerySet":
        from buddywerk.access import policy

        return policy.pupils_visible_to(user, self)  # type: ignore[return-value]


class FamilyQuerySet(models.QuerySet["Family"]):
    def visible_to(self, user: Any) -> "FamilyQuerySet":
        from buddywerk.access import policy

        return policy.families_visible_to(user, self)  # type: ignore[return-value]


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user: Any) -> "ReferralQuerySet":
        from buddywerk.access import policy

        return policy.referrals_visible_to(user, self)  # type: ignore[return-value]


class Pupil(TimeStampedModel):
    """A pupil of one school. Personal data: every view is audited; a buddy sees only the
    first name."""

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="pupils", verbose_name=_("school")
    )
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    school_year = models.PositiveSmallIntegerField(
        _("school year"),
        help_text=_("1-6 for primary school, 7-12 for secondary (1st to 6th year)."),
    )
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    home_languages = models.JSONField(_("home languages"), default=list, blank=True)

    objects = PupilQuerySet.as_manager()

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Family(TimeStampedModel):
    """A (newcomer) family, the participant in family programmes [004]."""

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    referred_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="referred_families",
        verbose_name=_("referred by"),
        help_text=_("The school or service that referred the family."),
    )
    contact_name = models.CharField(_("contact person"), max_length=160)
    household_size = models.PositiveSmallIntegerField(_("household size"))
    children_ages = models.JSONField(_("children's ages"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    contact_language = models.CharField(_("contact language needed"), max_length=8, blank=True)
    postcode = models.ForeignKey(
        "geo.Postcode", on_delete=models.PROTECT, related_name="+", verbose_name=_("postcode")
    )

    objects = FamilyQuerySet.as_manager()

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")

    def __str__(self) -> str:
        return self.contact_name


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    WAITING = "waiting", _("On the waiting list")
    DECLINED = "declined", _("Declined")
    MATCHED = "matched", _("Matched")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Referral(TimeStampedModel):
    """A request for support for one pupil or one family, to one programme."""

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("programme")
    )
    referrer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="referrals_made",
        verbose_name=_("referred by"),
    )
    pupil = models.ForeignKey(
        Pupil,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("pupil"),
    )
    family = models.ForeignKey(
        Family,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("family"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pupil__isnull=False, family__isnull=True)
                | models.Q(pupil__isnull=True, family__isnull=False),
                name="referral_pupil_xor_family",
            )
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.uuid}"
