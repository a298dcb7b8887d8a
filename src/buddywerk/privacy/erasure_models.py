"""Erasure on request (issue 15 point 4; GDPR Art. 17): the request and its history.

A request names its subject (a pupil, a family, or a buddy's own account) only through a
foreign key that the erasure itself empties: once done, the row keeps the kind of subject,
the programme, who asked and confirmed, and when, never who was erased.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from buddywerk.common.models import TimeStampedModel, TransitionLog
from buddywerk.organisations.models import Programme


class ErasureSubject(models.TextChoices):
    PUPIL = "pupil", _("a pupil")
    FAMILY = "family", _("a family")
    BUDDY = "buddy", _("a buddy's own account")


class ErasureAskedBy(models.TextChoices):
    """Who asked for the erasure (a child's data: the parent, through the school or
    service; a buddy: themselves)."""

    PARENT = "parent", _("A parent or guardian, through the school or service")
    FAMILY = "family", _("The family itself")
    PUPIL = "pupil", _("The pupil")
    SELF = "self", _("The buddy, for their own account")


class ErasureStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for a second person")
    CONFIRMED = "confirmed", _("Confirmed: erased by the next daily run")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")
    DONE = "done", _("Erased")


class ErasureRequest(TimeStampedModel):
    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    subject_kind = models.CharField(_("erasure of"), max_length=10, choices=ErasureSubject.choices)
    pupil = models.ForeignKey(
        "referrals.Pupil",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="erasure_requests",
        verbose_name=_("pupil"),
    )
    family = models.ForeignKey(
        "referrals.Family",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="erasure_requests",
        verbose_name=_("family"),
    )
    buddy = models.ForeignKey(
        "buddies.Buddy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="erasure_requests",
        verbose_name=_("buddy"),
    )
    # The programme whose coordinators confirm (a child's request); None for a buddy.
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="erasure_requests",
        verbose_name=_("programme"),
    )
    asked_by = models.CharField(_("asked by"), max_length=10, choices=ErasureAskedBy.choices)
    asked_on = models.DateField(_("asked on"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ErasureStatus.choices,
        default=ErasureStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="erasure_requests_made",
        verbose_name=_("requested by"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="erasure_requests_confirmed",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    done_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.uuid}"

    @property
    def subject(self) -> models.Model | None:
        return self.pupil or self.family or self.buddy


class ErasureTransition(TransitionLog):
    """One status change of an erasure request (the kernel's log)."""

    request = models.ForeignKey(
        ErasureRequest,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("erasure request"),
    )

    class Meta(TransitionLog.Meta):
        verbose_name = _("erasure request status change")
        verbose_name_plural = _("erasure request status changes")


class AccountWarning(models.Model):
    """The mail that warned a person with an account (a buddy who no longer signs in, a
    staff member whose memberships ended) that their account will be anonymised on
    `due_on`. Signing in after `warned_at` makes it stale: the account is kept, and a new
    warning comes 30 days before the next end (account_services.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account_warning",
        verbose_name=_("user"),
    )
    warned_at = models.DateTimeField(_("warned at"))
    due_on = models.DateField(_("anonymised on"))
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("warning before an account is anonymised")
        verbose_name_plural = _("warnings before accounts are anonymised")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.user_id}"
