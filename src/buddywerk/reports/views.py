from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.text import slugify

from buddywerk.access import policy
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.common.memo import shared_reads
from buddywerk.funds.financial import financial_for_user

from . import dashboards, exports
from .charts import table_chart
from .figures import Report
from .forms import ReportForm, default_query
from .store import refresh_seconds, served_report
from .todo import todo_for


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    """The public welcome page, or the signed-in user's figures for each of their roles."""
    if not request.user.is_authenticated:
        return render(request, "reports/welcome.html")
    # The figures, the to-do list and the concerns panel read what they share once.
    with shared_reads():
        return render(
            request,
            "reports/home.html",
            {"panels": dashboards.panels_for(request.user), "todo": todo_for(request.user)},
        )


def _report_form(request: AuthenticatedHttpRequest) -> ReportForm:
    if not policy.can_view_reports(request.user):
        raise PermissionDenied
    if "area" in request.GET:
        form = ReportForm(request.GET, user=request.user)
    else:
        # The report a user sees first: its areas are read once, for both steps.
        form = ReportForm(user=request.user)
        form.bind(QueryDict(urlencode(default_query(request.user, form=form))))
    if form.hides_municipality():
        raise Http404
    return form


def _build(form: ReportForm, request: AuthenticatedHttpRequest) -> Report:
    # Computed once per version of its input (store.py, issue 17 point 4).
    return served_report(form)


def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The funder's report (R16) for a scope and a period chosen in the query string, so the
    link can be shared. Figures only: no person is ever shown."""
    form = _report_form(request)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        result = _build(form, request)
        context |= {
            "report": result,
            "tables": [(table, table_chart(table)) for table in result.tables],
            "query": form.data.urlencode() if isinstance(form.data, QueryDict) else "",
            "refresh_seconds": refresh_seconds(),
        }
    return render(request, "reports/report.html", context)


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}


def report_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    """The same report as a file."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    form = _report_form(request)
    if not form.is_valid():
        return render(request, "reports/report.html", {"form": form}, status=400)
    result = _build(form, request)
    # The financial report (issue 21, point 5) joins the PDF and XLSX beside the figures.
    financial = financial_for_user(
        request.user, scope=result.scope, period=result.period, suppressed=result.suppressed
    )
    if fmt == "xlsx":
        body: bytes | str = exports.to_xlsx(result, financial=financial)
    elif fmt == "csv":
        body = "\ufeff" + exports.to_csv(result)
    else:
        body = exports.to_pdf(result, base_url=request.build_absolute_uri("/"), financial=financial)
    name = slugify(f"buddywerk {result.scope.label} {result.period.start} {result.period.end}")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
