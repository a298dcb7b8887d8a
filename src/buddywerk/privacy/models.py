"""A programme's shorter retention periods (the schedule itself is code: schedule.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from buddywerk.common.fields import ParentKey
from buddywerk.common.models import TimeStampedModel
from buddywerk.organisations.models import Programme

from .schedule import DataKind


class RetentionOverride(TimeStampedModel):
    """A programme keeps one kind of its data shorter than the schedule says. Never
    longer: the service refuses it (services.retention_override_set)."""

    programme = ParentKey(Programme, _("programme"), related_name="retention_overrides")
    kind = models.CharField(_("kind of data"), max_length=20, choices=DataKind.choices)
    days = models.PositiveIntegerField(_("kept for (days)"))

    class Meta:
        verbose_name = _("shorter retention period")
        verbose_name_plural = _("shorter retention periods")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kind"], name="retention_override_unique_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.programme_id} {self.kind}"


# The anonymised archive's tables live in their own module (issue 15 point 3).
from .archive_models import (  # noqa: E402, F401
    ArchivedDuo,
    ArchivedDuoMonth,
    ArchivedParticipation,
    ArchivedPerson,
    ArchivedReferral,
    ArchivedReferralMove,
    ArchivedScore,
)

# Erasure on request (issue 15 point 4).
from .erasure_models import AccountWarning, ErasureRequest, ErasureTransition  # noqa: E402, F401
