"""Issue 20, points 1 and 5: teacher-training institutions follow their students, and
every buddy's hours per school year with a signed attestation.

- `InstitutionPartnership`: a teacher-training institution works with a programme (since
  when, its contact, how many students it sends); the funder's report counts them.
- `SharingConsent`: a buddy names their institution and agrees to share their internship
  file with it. Without a consent that is not revoked, the institution's supervisors see
  nothing of that buddy (access.policy.students_visible_to).
- `HoursAttestation`: an attestation of the hours of one school year, known outside only
  by a random code that the public page checks.
"""

from __future__ import annotations

import secrets

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from buddywerk.common.fields import ByUserField, ParentKey
from buddywerk.common.models import TimeStampedModel
from buddywerk.organisations.models import Programme, TrainingInstitution


class InstitutionPartnership(TimeStampedModel):
    institution = ParentKey(
        TrainingInstitution, _("teacher-training institution"), related_name="partnerships"
    )
    programme = ParentKey(Programme, _("programme"), related_name="institution_partnerships")
    since = models.DateField(_("partners since"))
    # The contact is an account (an internship supervisor), so erasing that account
    # reaches the partnership too: no free-text name or address is kept here.
    contact = ByUserField(_("contact"))
    student_count = models.PositiveSmallIntegerField(
        _("number of students"),
        default=0,
        validators=[MaxValueValidator(2000)],
        help_text=_("How many students the institution sends this school year."),
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("institution partnership")
        verbose_name_plural = _("institution partnerships")
        ordering = ["institution__name", "programme__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "programme"], name="unique_institution_partnership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} – {self.programme}"


class SharingConsentQuerySet(models.QuerySet["SharingConsent"]):
    def in_force(self) -> SharingConsentQuerySet:
        return self.filter(revoked_at__isnull=True)


class SharingConsent(TimeStampedModel):
    """One consent of a buddy to share with one institution; revoking it keeps the row
    (when it was given and revoked), a new consent is a new row."""

    buddy = ParentKey("buddies.Buddy", _("buddy"), related_name="sharing_consents")
    institution = ParentKey(
        TrainingInstitution, _("teacher-training institution"), related_name="sharing_consents"
    )
    given_at = models.DateTimeField(_("given at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = SharingConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent to share with the institution")
        verbose_name_plural = _("consents to share with the institution")
        ordering = ["-given_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["buddy"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_sharing_consent_in_force",
            )
        ]

    def __str__(self) -> str:
        return f"{self.buddy} – {self.institution}"


def attestation_code() -> str:
    """A random code (about 128 bits): not guessable, not derived from anything."""
    return secrets.token_urlsafe(16)


class HoursAttestation(TimeStampedModel):
    """What an attestation stated on the day it was issued. The buddy's name is read from
    the account when the code is checked, so an erased account shows no name."""

    buddy = ParentKey("buddies.Buddy", _("buddy"), related_name="hours_attestations")
    school_year = models.PositiveSmallIntegerField(_("school year (first calendar year)"))
    minutes = models.PositiveIntegerField(_("minutes"))
    programmes = models.CharField(_("programmes"), max_length=500)
    code = models.CharField(_("verification code"), max_length=40, unique=True)
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        verbose_name = _("hours attestation")
        verbose_name_plural = _("hours attestations")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.school_year}"

    @property
    def hours(self) -> str:
        return f"{self.minutes / 60:.1f}".replace(".", ",")
