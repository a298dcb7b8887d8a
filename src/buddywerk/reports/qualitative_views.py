"""Pages of the qualitative report (issue 14, points 4-5): the list of periods, opening a
period and changing its questions (funder, platform admin), who has not submitted, the
answer form of a programme or region (drafts, submit, the figures beside the text) and the
combined download. A report outside the user's scope does not exist for them (404)."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from buddywerk.access import policy
from buddywerk.common.forms import form_submit
from buddywerk.common.http import AuthenticatedHttpRequest

from .charts import table_chart
from .combined_exports import combined_export_request, exports_of
from .qualitative import REGION, answerable, answers_of, figures_for, respondent_or_404, respondents
from .qualitative_forms import AnswersForm, PeriodOpenForm, QuestionsForm
from .qualitative_models import CombinedExport, QualitativePeriod, QualitativeStatus
from .qualitative_services import (
    qualitative_draft_save,
    qualitative_period_open,
    qualitative_questions_set,
    qualitative_submit,
)

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _configure_only(request: AuthenticatedHttpRequest) -> None:
    if not policy.can_configure_qualitative(request.user):
        raise PermissionDenied


def qualitative_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The periods: for the funder with how many submitted, for a coordinator the programmes
    and regions they answer for."""
    if not policy.can_view_qualitative(request.user):
        raise PermissionDenied
    configure = policy.can_configure_qualitative(request.user)
    rows: list[dict[str, Any]] = []
    for period in QualitativePeriod.objects.all():
        row: dict[str, Any] = {"period": period, "mine": answerable(request.user, period)}
        if configure:
            everyone = respondents(period)
            row["submitted"] = sum(1 for r in everyone if r.submitted)
            row["expected"] = len(everyone)
        rows.append(row)
    return render(request, "reports/qualitative/list.html", {"rows": rows, "configure": configure})


@require_http_methods(["GET", "POST"])
def qualitative_period_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    _configure_only(request)
    form = PeriodOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        period = form_submit(
            form,
            lambda: qualitative_period_open(
                kind=form.cleaned_data["kind"],
                school_year=form.cleaned_data["school_year"],
                questions=form.question_lines(),
                actor=request.user,
            ),
        )
        if period is not None:
            messages.success(request, _("The report period is open."))
            return redirect("reports:qualitative_period", pk=period.pk)
    return render(request, "reports/qualitative/period_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def qualitative_period(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Who has (not) submitted, the questions, the downloads."""
    _configure_only(request)
    period = get_object_or_404(QualitativePeriod, pk=pk)
    questions = list(period.questions.all())
    form = QuestionsForm(
        request.POST or None, initial={"questions": "\n".join(q.text for q in questions)}
    )
    if request.method == "POST" and form.is_valid():
        done = form_submit(
            form,
            lambda: qualitative_questions_set(
                period=period, questions=form.question_lines(), actor=request.user
            ),
        )
        if done is not None:
            messages.success(request, _("The questions were saved."))
            return redirect("reports:qualitative_period", pk=period.pk)
    everyone = respondents(period)
    return render(
        request,
        "reports/qualitative/period.html",
        {
            "period": period,
            "form": form,
            "questions": questions,
            "respondents": everyone,
            "missing": [r for r in everyone if not r.submitted],
            "locked": any(r.submitted for r in everyone),
            "exports": exports_of(request.user, period)[:10],
        },
    )


@require_http_methods(["GET", "POST"])
def qualitative_answer(
    request: AuthenticatedHttpRequest, pk: int, kind: str, key: str
) -> HttpResponse:
    """The answers of one programme or region: a form for its coordinators while it is a
    draft, read-only once submitted (and then for the funder too)."""
    if not policy.can_view_qualitative(request.user):
        raise Http404
    period = get_object_or_404(QualitativePeriod, pk=pk)
    respondent, answers_here = respondent_or_404(request.user, period, kind, key)
    report = respondent.report
    editable = answers_here and (report is None or report.status == QualitativeStatus.DRAFT)
    if request.method == "POST" and not editable:
        if not answers_here:
            raise Http404
        messages.error(
            request, _("This report has already been submitted; its answers no longer change.")
        )
        return redirect(request.path)
    questions = list(period.questions.all())
    current = answers_of(period, report)
    form = AnswersForm(
        request.POST or None,
        questions=questions,
        initial={f"q{q.pk}": text for q, text in current},
    )
    if request.method == "POST" and form.is_valid():
        # One form, two buttons: submit, or save as a draft.
        service: Callable[..., object]
        if "submit" in request.POST:
            service, saved = qualitative_submit, _("Your answers were submitted. Thank you.")
        else:
            service, saved = (
                qualitative_draft_save,
                _("Your draft was saved. It is not submitted yet."),
            )
        done = form_submit(
            form,
            lambda: service(
                period=period,
                programme=respondent.programme,
                province=respondent.province,
                answers=form.answers(),
                actor=request.user,
            ),
        )
        if done is not None:
            messages.success(request, saved)
            return redirect(request.path)
    figures = figures_for(request.user, respondent.scope, period)
    return render(
        request,
        "reports/qualitative/answer.html",
        {
            "period": period,
            "respondent": respondent,
            "is_region": respondent.kind == REGION,
            "report_row": report,
            "editable": editable,
            "form": form,
            "answers": current,
            "report": figures,
            "tables": [(table, table_chart(table)) for table in figures.tables],
        },
    )


@require_http_methods(["POST"])
def qualitative_export_view(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Ask for the combined report of a period (figures in total and per programme, and the
    submitted answers) as PDF or XLSX: the task worker makes it (combined_exports.py)."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    _configure_only(request)
    period = get_object_or_404(QualitativePeriod, pk=pk)
    combined_export_request(period=period, fmt=fmt, actor=request.user)
    messages.success(
        request,
        _("The file is being made. It appears below in a minute: refresh the page."),
    )
    return redirect("reports:qualitative_period", pk=period.pk)


def qualitative_export_file(request: AuthenticatedHttpRequest, export: UUID) -> HttpResponse:
    """A combined report file: only for the person who asked for it, once it is made."""
    _configure_only(request)
    found = get_object_or_404(
        CombinedExport, uuid=export, requested_by=request.user, finished_at__isnull=False
    )
    if not found.ready:
        raise Http404
    response = HttpResponse(bytes(found.content or b""), content_type=CONTENT_TYPES[found.fmt])
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    return response
