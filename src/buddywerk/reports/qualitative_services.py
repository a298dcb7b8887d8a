"""Services of the qualitative report (issue 14, point 4; docs/reports.md).

- The funder (or a platform admin) opens a report period, one of the presets (the interim
  or the final report of a school year), with its questions, and may change the questions
  until the first report of the period is submitted.
- The coordinators of a programme, and the regional coordinators of a province, save their
  answers as a draft as often as they like and submit them once (qualitative_workflow.py).
  Submitting needs an answer to every question. A submitted report does not change again.
- The deadline is the report's (periods.deadlines: interim 1 February, final 15 October).
  Two weeks before it, every programme and region that has not submitted gets one reminder
  (the scheduled job `qualitative-reminders`). After the deadline drafts can still be
  saved and submitted: the funder would rather have a late answer than none; the report is
  then marked late for the funder (QualitativeReport.late).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buddywerk.access import policy
from buddywerk.access.models import Membership, Role
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.workflow import transition_apply
from buddywerk.geo.models import Province
from buddywerk.mail.compose import mail_to_users
from buddywerk.organisations.models import Organisation, OrganisationKind, Programme

from .periods import deadlines, school_year_label
from .qualitative_models import (
    ANSWER_MAX,
    QualitativeAnswer,
    QualitativeKind,
    QualitativePeriod,
    QualitativeQuestion,
    QualitativeReport,
    QualitativeStatus,
)
from .qualitative_workflow import QUALITATIVE

MAX_QUESTIONS = 20
QUESTION_MAX = 500
NOTICE = dt.timedelta(weeks=2)


def due_on(kind: str, school_year: int) -> dt.date:
    """The report's own deadline (R16)."""
    return next(d.due for d in deadlines(school_year) if d.kind == kind)


def _clean_questions(questions: Sequence[str]) -> list[str]:
    cleaned = [q.strip() for q in questions if q.strip()]
    if not cleaned:
        raise ValidationError({"questions": [_("Give at least one question.")]})
    if len(cleaned) > MAX_QUESTIONS:
        raise ValidationError(
            {"questions": [_("Give at most %(max)d questions.") % {"max": MAX_QUESTIONS}]}
        )
    if any(len(q) > QUESTION_MAX for q in cleaned):
        raise ValidationError(
            {"questions": [_("A question has at most %(max)d characters.") % {"max": QUESTION_MAX}]}
        )
    return cleaned


def _require_configure(actor: Any) -> None:
    if actor is not None and not policy.can_configure_qualitative(actor):
        raise PermissionDenied


def qualitative_period_open(
    *, kind: str, school_year: int, questions: Sequence[str], actor: Any
) -> QualitativePeriod:
    """Open the period `kind` (interim or final) of `school_year` with the funder's
    questions, due on the report's deadline."""
    _require_configure(actor)
    if kind not in QualitativeKind.values:
        raise ValidationError({"kind": [_("Choose the interim or the final report.")]})
    cleaned = _clean_questions(questions)
    with transaction.atomic():
        try:
            with transaction.atomic():
                period = QualitativePeriod.objects.create(
                    kind=kind, school_year=school_year, due_on=due_on(kind, school_year)
                )
        except IntegrityError:
            raise ValidationError(
                {"school_year": [_("This report period already has its questions.")]}
            ) from None
        QualitativeQuestion.objects.bulk_create(
            QualitativeQuestion(period=period, position=i, text=text)
            for i, text in enumerate(cleaned, 1)
        )
        audit_record(
            actor=actor,
            action=AuditAction.QUALITATIVE_PERIOD_OPEN,
            target=period,
            detail={"kind": kind, "school_year": school_year, "questions": len(cleaned)},
        )
    return period


def qualitative_questions_set(
    *, period: QualitativePeriod, questions: Sequence[str], actor: Any
) -> QualitativePeriod:
    """Replace the period's questions, matched by position: a draft keeps its answer under
    a reworded question, and a removed question's draft answers go with it. Refused once a
    report of the period is submitted (its answers were given to these questions)."""
    _require_configure(actor)
    cleaned = _clean_questions(questions)
    with transaction.atomic():
        locked = QualitativePeriod.objects.select_for_update().get(pk=period.pk)
        if locked.reports.filter(status=QualitativeStatus.SUBMITTED).exists():
            raise ValidationError(
                {
                    "questions": [
                        _(
                            "A report of this period has been submitted: its questions can "
                            "no longer change."
                        )
                    ]
                }
            )
        existing = {q.position: q for q in locked.questions.all()}
        for position, text in enumerate(cleaned, 1):
            question = existing.pop(position, None)
            if question is None:
                QualitativeQuestion.objects.create(period=locked, position=position, text=text)
            elif question.text != text:
                question.text = text
                question.save(update_fields=["text"])
        QualitativeQuestion.objects.filter(pk__in=[q.pk for q in existing.values()]).delete()
        audit_record(
            actor=actor,
            action=AuditAction.QUALITATIVE_QUESTIONS_SET,
            target=locked,
            detail={"questions": len(cleaned)},
        )
    return locked


def _report_for(
    period: QualitativePeriod, programme: Programme | None, province: Province | None
) -> QualitativeReport:
    """The period's report of the scope, created as an empty draft when first needed."""
    if (programme is None) == (province is None):
        raise ValueError("a qualitative report is per programme or per province")
    report, _created = QualitativeReport.objects.get_or_create(
        period=period, programme=programme, province=province
    )
    return report


def _save_answers(report: QualitativeReport, answers: Mapping[int, str]) -> int:
    """Write the answers (question pk -> text) of the period's questions; returns how many
    changed. Unknown questions are ignored; an answer too long is refused."""
    changed = 0
    questions = {q.pk: q for q in report.period.questions.all()}
    current = {a.question_id: a for a in report.answers.all()}
    for pk, text in answers.items():
        question = questions.get(pk)
        if question is None:
            continue
        text = text.strip()
        if len(text) > ANSWER_MAX:
            raise ValidationError(
                {f"q{pk}": [_("An answer has at most %(max)d characters.") % {"max": ANSWER_MAX}]}
            )
        answer = current.get(pk)
        if answer is None:
            if text:
                QualitativeAnswer.objects.create(report=report, question=question, text=text)
                changed += 1
        elif answer.text != text:
            answer.text = text
            answer.save(update_fields=["text", "updated_at"])
            changed += 1
    return changed


def _refuse_submitted(report: QualitativeReport) -> None:
    if report.status == QualitativeStatus.SUBMITTED:
        raise ValidationError(
            _("This report has already been submitted; its answers no longer change.")
        )


def qualitative_draft_save(
    *,
    period: QualitativePeriod,
    programme: Programme | None = None,
    province: Province | None = None,
    answers: Mapping[int, str],
    actor: Any,
) -> QualitativeReport:
    """Save the answers as a draft (nothing is submitted); allowed before and after the
    due day, refused once submitted."""
    with transaction.atomic():
        report = _report_for(period, programme, province)
        report = QualitativeReport.objects.select_for_update().get(pk=report.pk)
        if actor is not None and not policy.can_answer_qualitative(actor, report):
            raise PermissionDenied
        _refuse_submitted(report)
        changed = _save_answers(report, answers)
        audit_record(
            actor=actor,
            action=AuditAction.QUALITATIVE_DRAFT_SAVE,
            target=report,
            detail={"changed": changed},
        )
    return report


def qualitative_submit(
    *,
    period: QualitativePeriod,
    programme: Programme | None = None,
    province: Province | None = None,
    answers: Mapping[int, str] | None = None,
    actor: Any,
    now: dt.datetime | None = None,
) -> QualitativeReport:
    """Save `answers` (if given) and submit: draft -> submitted, audited, once. Every
    question needs an answer. A second submit is refused by the workflow and changes
    nothing (the answers given with it are not saved either)."""
    moment = now or timezone.now()

    def check(locked: QualitativeReport) -> None:
        if answers is not None:
            _save_answers(locked, answers)
        answered = set(locked.answers.exclude(text="").values_list("question_id", flat=True))
        if locked.period.questions.exclude(pk__in=answered).exists():
            raise ValidationError(_("Answer every question before you submit."))

    def update(locked: QualitativeReport, at: dt.datetime) -> list[str]:
        locked.submitted_at = at
        locked.submitted_by = actor if actor is not None else None
        return ["submitted_at", "submitted_by"]

    with transaction.atomic():
        report = _report_for(period, programme, province)
        if actor is not None and not policy.can_answer_qualitative(actor, report):
            raise PermissionDenied
        submitted: QualitativeReport = transition_apply(
            QUALITATIVE,
            "submit",
            obj=report,
            actor=actor,
            check=check,
            update=update,
            now=moment,
            detail={"late": timezone.localdate(moment) > period.due_on},
        )
    return submitted


# --- Who answers, and the reminder --------------------------------------------------------


def expected_programmes() -> list[Programme]:
    """Every programme answers for itself."""
    return list(Programme.objects.select_related("province").order_by("name"))


def expected_provinces() -> list[Province]:
    """Every province with a regional coordination answers for its region."""
    codes = Organisation.objects.filter(
        kind=OrganisationKind.REGION, province__isnull=False
    ).values("province_id")
    return list(Province.objects.filter(code__in=codes).order_by("name"))


def _answerers(report: QualitativeReport) -> list[Any]:
    memberships = Membership.objects.active().select_related("user").order_by("pk")
    if report.programme_id is not None:
        memberships = memberships.filter(
            organisation_id=report.programme_id, role=Role.PROGRAMME_COORDINATOR
        )
    else:
        memberships = memberships.filter(
            organisation__kind=OrganisationKind.REGION,
            organisation__province_id=report.province_id,
            role=Role.REGIONAL_COORDINATOR,
        )
    return [m.user for m in memberships]


def qualitative_reminders_send(*, today: dt.date) -> int:
    """Two weeks before a period's due day, one mail to the coordinators of each programme
    and region that has not submitted; recorded on the report (an empty draft if none yet),
    so running again sends nothing new. Returns how many reports were reminded."""
    sent = 0
    due_periods = QualitativePeriod.objects.filter(
        due_on__gt=today, due_on__lte=today + NOTICE
    ).order_by("pk")
    for period in due_periods:
        scopes: list[tuple[Programme | None, Province | None]] = [
            (programme, None) for programme in expected_programmes()
        ] + [(None, province) for province in expected_provinces()]
        for programme, province in scopes:
            with transaction.atomic():
                report = QualitativeReport.objects.select_for_update().get(
                    pk=_report_for(period, programme, province).pk
                )
                if report.status == QualitativeStatus.SUBMITTED or report.reminded_on:
                    continue
                report.reminded_on = today
                report.save(update_fields=["reminded_on", "updated_at"])
                audit_record(
                    actor=None,
                    action=AuditAction.QUALITATIVE_REMINDER,
                    target=report,
                    detail={"due_on": period.due_on.isoformat()},
                )
                mail_to_users(
                    users=_answerers(report),
                    template="reports/email/qualitative_reminder",
                    kind="reports.qualitative_reminder",
                    context={
                        "scope": report.scope_label,
                        "report": period.get_kind_display(),
                        "school_year": school_year_label(period.school_year),
                        "due": period.due_on,
                    },
                )
                sent += 1
    return sent
