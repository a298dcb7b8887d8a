"""The qualitative report (issue 14, point 4): per report period the funder's questions,
answered per programme by its coordinators and per region (province) by the regional
coordinators. An answer set is a draft until it is submitted (qualitative_workflow.py)."""

import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buddywerk.common.fields import ByUserField, ParentKey, ProtectedKey
from buddywerk.common.models import TimeStampedModel, TransitionLog

from .periods import FINAL, INTERIM

ANSWER_MAX = 5000


class QualitativeKind(models.TextChoices):
    """The presets of the funder's report (periods.py): the interim report and the final
    report (the whole school year)."""

    INTERIM = INTERIM, _("Interim report")
    FINAL = FINAL, _("Final report")


class QualitativePeriod(TimeStampedModel):
    """One report period that asks the funder's questions; due on the report's deadline."""

    kind = models.CharField(_("report"), max_length=8, choices=QualitativeKind.choices)
    school_year = models.PositiveSmallIntegerField(_("school year"))
    due_on = models.DateField(_("due on"))

    class Meta:
        verbose_name = _("qualitative report period")
        verbose_name_plural = _("qualitative report periods")
        ordering = ["-school_year", "-kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "school_year"], name="qualitative_period_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.school_year}-{self.school_year + 1}"


class QualitativeQuestion(models.Model):
    period = ParentKey(QualitativePeriod, _("report period"), related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("question"), max_length=500)

    class Meta:
        verbose_name = _("question of the funder")
        verbose_name_plural = _("questions of the funder")
        ordering = ["period", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "position"], name="qualitative_question_position"
            )
        ]

    def __str__(self) -> str:
        return self.text


class QualitativeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class QualitativeReport(TimeStampedModel):
    """The answers of one programme (or one province's regional coordination) for one
    period. Exactly one of `programme` and `province` is set."""

    period = ParentKey(QualitativePeriod, _("report period"), related_name="reports")
    programme = ParentKey(
        "organisations.Programme",
        _("programme"),
        null=True,
        blank=True,
        related_name="qualitative_reports",
    )
    province = ProtectedKey(
        "geo.Province", _("province"), null=True, blank=True, related_name="qualitative_reports"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=QualitativeStatus.choices,
        default=QualitativeStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = ByUserField(_("submitted by"), on_delete=models.PROTECT)
    # Set by the scheduled reminder (qualitative_services.qualitative_reminders_send), so
    # that it is sent once.
    reminded_on = models.DateField(_("reminded on"), null=True, blank=True)

    class Meta:
        verbose_name = _("qualitative report")
        verbose_name_plural = _("qualitative reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(programme__isnull=False, province__isnull=True)
                | Q(programme__isnull=True, province__isnull=False),
                name="qualitative_report_one_scope",
            ),
            models.UniqueConstraint(
                fields=["period", "programme"],
                condition=Q(programme__isnull=False),
                name="qualitative_report_programme_once",
            ),
            models.UniqueConstraint(
                fields=["period", "province"],
                condition=Q(province__isnull=False),
                name="qualitative_report_province_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.scope_label}"

    @property
    def scope_label(self) -> str:
        return str(self.programme if self.programme_id else self.province)

    @property
    def late(self) -> bool:
        """Submitted after the due day (accepted, and shown to the funder as late)."""
        return (
            self.submitted_at is not None
            and timezone.localdate(self.submitted_at) > self.period.due_on
        )


class QualitativeAnswer(TimeStampedModel):
    report = ParentKey(QualitativeReport, _("qualitative report"), related_name="answers")
    question = ParentKey(QualitativeQuestion, _("question"), related_name="answers")
    text = models.TextField(
        _("answer"), max_length=ANSWER_MAX, blank=True, validators=[MaxLengthValidator(ANSWER_MAX)]
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["report", "question"], name="qualitative_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.question.position}"


class QualitativeReportTransition(TransitionLog):
    """One status change of a qualitative report (the kernel's log)."""

    report = ParentKey(QualitativeReport, _("qualitative report"), related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("qualitative report status change")
        verbose_name_plural = _("qualitative report status changes")


class CombinedExportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel (XLSX)"


class CombinedExport(models.Model):
    """One combined report file asked for by a funder or platform admin. At the scale of
    Flanders it takes longer than a page may wait (a report per programme), so the task
    worker makes it (tasks.combined_export_build) and the requester downloads it from the
    period's page. Only the requester sees it; it holds the figures as the requester may see
    them (suppressed for the funder) and is deleted after EXPORT_KEEP_DAYS."""

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    period = models.ForeignKey(
        QualitativePeriod,
        on_delete=models.CASCADE,
        related_name="exports",
        verbose_name=_("report period"),
    )
    fmt = models.CharField(_("format"), max_length=4, choices=CombinedExportFormat.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    failed = models.BooleanField(_("failed"), default=False)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content = models.BinaryField(_("file"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("combined report file")
        verbose_name_plural = _("combined report files")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.period} ({self.fmt})"

    @property
    def ready(self) -> bool:
        return self.finished_at is not None and not self.failed
