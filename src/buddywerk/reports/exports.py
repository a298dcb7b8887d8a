"""The report as XLSX (one sheet per table and a definitions sheet), CSV and PDF. The
funder's exports hold the suppressed figures only ("<5" and "x" as text)."""

import csv
import io
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from buddywerk.common.dates import date_table, date_text

from .charts import table_chart
from .figures import CHANGE, COUNT, DAYS, HOURS, MEAN, PERCENT, Report, Table

if TYPE_CHECKING:
    from buddywerk.funds.financial import FinancialReport

NUMBER_FORMATS = {
    COUNT: "#,##0",
    HOURS: "#,##0.0",
    MEAN: "0.0",
    DAYS: "0.0",
    PERCENT: "0.0",
    CHANGE: "+0.00;-0.00;0.00",
}


def cell_value(report: Report, table: Table, r: int, c: int) -> Any:
    """What is published: the number, or the text shown instead of it ("<5", "x", a band
    of five "10-14" in a restricted report; empty when undefined)."""
    row = table.rows[r]
    if report.suppressed:
        return row.shown[c]
    return row.values[c]


def heading(report: Report) -> list[str]:
    return [
        _("Buddywerk report"),
        report.scope.label,
        _("%(start)s to %(end)s")
        % {
            "start": date_table(report.period.start),
            "end": date_table(report.period.end),
        },
        computed_at(report),
    ]


def computed_at(report: Report) -> str:
    """When the figures were computed (the served report may be a little older than the
    request: reports/store.py)."""
    return _("Figures computed on %(date)s at %(time)s.") % {
        "date": date_text(report.generated_at),
        "time": timezone.localtime(report.generated_at).strftime("%H:%M"),
    }


def to_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(heading(report))
    for table in report.tables:
        writer.writerow([])
        writer.writerow([str(table.title)])
        writer.writerow([str(table.definition)])
        writer.writerow(["", *table.columns])
        for r, row in enumerate(table.rows):
            values = [cell_value(report, table, r, c) for c in range(len(row.values))]
            writer.writerow([str(row.label), *("" if v is None else v for v in values)])
    return out.getvalue()


def to_xlsx(report: Report, *, financial: "FinancialReport | None" = None) -> bytes:
    """The report's workbook; with `financial`, the financial report (issue 21, point 5)
    as one more sheet beside the figures."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    definitions = book.active
    definitions.title = _("Definitions")[:31]
    for line in heading(report):
        definitions.append([line])
    definitions["A1"].font = Font(bold=True, size=14)
    definitions.append([])
    definitions.append([_("Table"), _("Definition")])
    for cell in definitions[definitions.max_row]:
        cell.font = Font(bold=True)
    for table in report.tables:
        definitions.append([str(table.title), str(table.definition)])
        definitions.cell(definitions.max_row, 2).alignment = Alignment(wrap_text=True)
    if report.suppressed:
        definitions.append([])
        definitions.append([_("<5"), _("a number from 1 to 4")])
        definitions.append(
            [
                "10-14",
                _(
                    "a number from 10 to 14: counts are published in bands of five, and "
                    "means and shares are computed from the middles of those bands"
                ),
            ]
        )
        definitions.append(["x", _("hidden so that a small number cannot be worked out")])
    definitions.column_dimensions["A"].width = 40
    definitions.column_dimensions["B"].width = 100
    for table in report.tables:
        sheet = book.create_sheet(str(table.title)[:31])
        sheet.append([str(table.title)])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append(["", *table.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for r, row in enumerate(table.rows):
            sheet.append(
                [str(row.label), *(cell_value(report, table, r, c) for c in range(len(row.values)))]
            )
            for c in range(len(row.values)):
                cell = sheet.cell(sheet.max_row, c + 2)
                cell.number_format = NUMBER_FORMATS[table.kind_of(row, c)]
                cell.alignment = Alignment(horizontal="right")
        sheet.column_dimensions["A"].width = 48
        sheet.freeze_panes = "B3"
    if financial is not None:
        from buddywerk.funds.financial_export import financial_sheet

        financial_sheet(book, financial)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(
    report: Report, *, base_url: str | None = None, financial: "FinancialReport | None" = None
) -> bytes:
    from weasyprint import HTML

    context: dict[str, Any] = {
        "report": report,
        "tables": [(t, table_chart(t)) for t in report.tables],
    }
    if financial is not None:
        from buddywerk.funds.financial_export import financial_pdf_context

        context |= financial_pdf_context(financial)
    html = render_to_string("reports/report_pdf.html", context)
    return HTML(string=html, base_url=base_url).write_pdf()
