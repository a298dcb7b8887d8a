"""The funder's report figures (R16): at province level as open data, and per programme for
those who may open its report. Both read the report through `reports.forms.report_as_seen`,
the page's own path: the same form, the same figures, suppressed (bands of five) exactly
when `policy.report_is_suppressed` says so (docs/reports.md)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema

from buddywerk.access import policy
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.geo.models import Province, Region
from buddywerk.organisations.models import Programme
from buddywerk.reports import periods
from buddywerk.reports.figures import Report
from buddywerk.reports.forms import ALL, ReportForm, report_as_seen

from ..auth import token_operation
from ..models import ApiScope
from ..problems import PUBLIC, responses
from .open_data import form_errors

router = Router(tags=["figures"])


class FigureRow(Schema):
    label: str
    kind: str
    # What is published per column: a number, or the text shown instead of it ("<5", "x",
    # a band such as "10-14"); the last column is the total.
    values: list[int | float | str | None]
    display: list[str]


class FigureTable(Schema):
    key: str
    title: str
    definition: str
    columns: list[str]
    rows: list[FigureRow]


class FiguresOut(Schema):
    area: str
    start: date
    end: date
    suppressed: bool
    tables: list[FigureTable]


class PeriodQuery(Schema):
    """The report form's period fields (reports.forms.ReportForm), under the same names:
    `interim` or `final` of a `school_year` (its first calendar year), or `custom` from
    `start` to `end` (whole months when the figures are suppressed)."""

    period: str = "interim"
    school_year: int | None = None
    start: date | None = None
    end: date | None = None


class AreaQuery(PeriodQuery):
    area: str = ALL


def _figures(report: Report) -> FiguresOut:
    return FiguresOut(
        area=report.scope.label,
        start=report.period.start,
        end=report.period.end,
        suppressed=report.suppressed,
        tables=[
            FigureTable(
                key=table.key,
                title=str(table.title),
                definition=str(table.definition),
                columns=[str(c) for c in table.columns],
                rows=[
                    FigureRow(
                        label=str(row.label),
                        kind=row.kind,
                        values=list(row.shown),
                        display=[str(d) for d in row.display],
                    )
                    for row in table.rows
                ],
            )
            for table in report.tables
        ],
    )


def _form_data(query: PeriodQuery) -> dict[str, Any]:
    """The query as the form's data; the school year defaults to the current one."""
    data = {k: v for k, v in query.dict().items() if v is not None}
    data.setdefault("school_year", periods.school_year_of(timezone.localdate()))
    return data


class OpenReportForm(ReportForm):
    """The report form for anyone, without an account: Flanders and Brussels or one of its
    provinces (never a programme), answered for an anonymous user, whom
    `policy.report_is_suppressed` always restricts: the figures the funder publishes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=AnonymousUser(), **kwargs)
        provinces = Province.objects.filter(region__in=[Region.FLANDERS, Region.BRUSSELS])
        self.provinces = {p.code: p for p in provinces.order_by("name")}
        self.programmes = {}
        self._choice_field("area").choices = [
            (ALL, _("Flanders and Brussels")),
            *[(f"province:{code}", p.name) for code, p in self.provinces.items()],
        ]


@router.get(
    "/figures",
    response=responses({200: FiguresOut}, *PUBLIC),
    summary="The funder's figures for Flanders and Brussels or a province",
)
def figures_open(request: HttpRequest, query: Query[AreaQuery]) -> FiguresOut:
    """The report's figures as the funder's page publishes them: every count in its band of
    five ("<5", "5-9", ...), whole months only. `area` is `all` or `province:<code>` (for
    example `province:VAN`)."""
    form = OpenReportForm(_form_data(query))
    if not form.is_valid():
        raise form_errors(form)
    return _figures(report_as_seen(form))


@router.get(
    "/programmes/{programme_uuid}/figures",
    **token_operation(ApiScope.REPORTS_READ, {200: FiguresOut}, 404),
    summary="The report's figures of a programme",
)
def programme_figures(
    request: AuthenticatedHttpRequest, programme_uuid: UUID, query: Query[PeriodQuery]
) -> FiguresOut:
    """The report of one programme as its page shows it to you: exact for its coordinators,
    its province's regional coordinator and platform admins; in bands of five for the
    funder. A programme whose report you may not open answers 404."""
    if not policy.can_view_reports(request.user):
        raise PermissionDenied
    data = _form_data(query)
    programme = policy.report_programmes_of(request.user, Programme.objects.all()).filter(
        uuid=programme_uuid
    )
    pk = programme.values_list("pk", flat=True).first()
    if pk is None:
        raise Http404
    data["area"] = f"programme:{pk}"
    form = ReportForm(data, user=request.user)
    if not form.is_valid():
        raise form_errors(form)
    return _figures(report_as_seen(form))
