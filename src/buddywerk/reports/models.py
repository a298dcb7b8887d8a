"""What the reports app stores: only the reminders it sent, so that sending is idempotent."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from buddywerk.common.fields import ParentKey
from buddywerk.common.models import TimeStampedModel


class ReportReminder(TimeStampedModel):
    """One reminder to a programme's coordinators about one report deadline (R16)."""

    programme = ParentKey(
        "organisations.Programme", _("programme"), related_name="report_reminders"
    )
    kind = models.CharField(_("report"), max_length=8)
    due_on = models.DateField(_("due on"))

    class Meta:
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kind", "due_on"], name="report_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_on}"


class ReportInputVersion(models.Model):
    """A counter per programme (part 0: the figures of no one programme), raised in the
    same transaction as every write that changes a figure of the funder's report
    (input_version.py). A stored report is served while the counters of its scope hold."""

    part = models.PositiveIntegerField(_("part"), primary_key=True)
    counter = models.PositiveBigIntegerField(_("counter"), default=0)

    class Meta:
        verbose_name = _("report input version")
        verbose_name_plural = _("report input versions")

    def __str__(self) -> str:
        return f"{self.part}: {self.counter}"


# The qualitative report lives in its own module (issue 14, point 4).
from .qualitative_models import (  # noqa: E402, F401
    QualitativeAnswer,
    QualitativePeriod,
    QualitativeQuestion,
    QualitativeReport,
    QualitativeReportTransition,
)
