"""The funder's combined report for one period (issue 14, point 5): the figures in total
and per programme, with the qualitative answers of every region and programme, as one
tagged PDF (PDF/UA-1: headings, table headers, a title and a language, readable by a screen
reader) and one XLSX, each opening with a table of contents.

Only submitted answers are shown; a region or programme that has not submitted is listed
as such. No person is named: not who answered, nor any pupil (the figures are the report's,
suppressed as the report page would show them to the user who downloads).

The parts of a programme are its figures and its answers; the financial part of the final
report (issue 21) does not exist yet and is not shown. When it exists, it is one more part
per programme (`Section`) and one more total, built beside `figures`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from buddywerk.common.dates import date_table, date_text

from .exports import NUMBER_FORMATS, cell_value
from .figures import Report, Scope
from .qualitative import (
    REGION,
    Respondent,
    answers_of,
    figures_for,
    period_of,
    respondents,
)
from .qualitative_models import QualitativePeriod


@dataclass
class Section:
    """One region or programme: its answers (when submitted) and, for a programme, its
    figures."""

    anchor: str
    title: str
    respondent: Respondent
    answers: list[tuple[Any, str]]
    figures: Report | None = None

    @property
    def status_text(self) -> str:
        report = self.respondent.report
        if not self.respondent.submitted or report is None or report.submitted_at is None:
            return _("Not submitted yet")
        day = date_text(report.submitted_at)
        if report.late:
            return _("Submitted late, on %(day)s") % {"day": day}
        return _("Submitted on %(day)s") % {"day": day}


@dataclass
class Combined:
    period: QualitativePeriod
    total: Report
    regions: list[Section]
    programmes: list[Section]
    generated_at: Any = field(default_factory=timezone.now)

    @property
    def title(self) -> str:
        return _("Report for the funder: %(period)s") % {"period": str(self.period)}

    @property
    def filename(self) -> str:
        return slugify(f"buddywerk {self.period}")

    @property
    def missing(self) -> list[Section]:
        return [s for s in self.regions + self.programmes if not s.respondent.submitted]


def build_combined(period: QualitativePeriod, *, user: Any) -> Combined:
    """The combined report as `user` (the funder or a platform admin) may read it."""
    regions: list[Section] = []
    programmes: list[Section] = []
    for i, respondent in enumerate(respondents(period), 1):
        answers = answers_of(period, respondent.report if respondent.submitted else None)
        if respondent.kind == REGION:
            regions.append(Section(f"region-{i}", respondent.label, respondent, answers))
        else:
            programmes.append(
                Section(
                    f"programme-{i}",
                    respondent.label,
                    respondent,
                    answers,
                    figures_for(user, respondent.scope, period),
                )
            )
    return Combined(
        period=period,
        total=figures_for(user, Scope(), period),
        regions=regions,
        programmes=programmes,
    )


def to_pdf(combined: Combined, *, base_url: str | None = None) -> bytes:
    from weasyprint import HTML

    html = render_to_string("reports/qualitative/combined_pdf.html", {"combined": combined})
    # PDF/UA-1 tags the document (headings, tables with their header cells, lists) for
    # screen readers, and requires the title and the language the template sets.
    return HTML(string=html, base_url=base_url).write_pdf(pdf_variant="pdf/ua-1")


def _sheet_name(number: int, title: str, used: set[str]) -> str:
    name = f"{number}. {title}"
    for bad in "[]:*?/\\":
        name = name.replace(bad, " ")
    name = name[:31]
    while name in used:
        name = name[:28] + f"~{len(used)}"
    used.add(name)
    return name


def _write_figures(sheet: Any, report: Report) -> None:
    from openpyxl.styles import Alignment, Font

    for table in report.tables:
        sheet.append([])
        sheet.append([str(table.title)])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12)
        sheet.append([str(table.definition)])
        sheet.append(["", *table.columns])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for r, row in enumerate(table.rows):
            sheet.append(
                [str(row.label), *(cell_value(report, table, r, c) for c in range(len(row.values)))]
            )
            for c in range(len(row.values)):
                cell = sheet.cell(sheet.max_row, c + 2)
                cell.number_format = NUMBER_FORMATS[table.kind_of(row, c)]
                cell.alignment = Alignment(horizontal="right")


def _as_text(sheet: Any) -> None:
    """Keep the last row's cells text: an answer that starts with "=" is what someone typed,
    never a formula for the funder's spreadsheet to run."""
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _write_answers(sheet: Any, section: Section) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.append([_("Qualitative report"), section.status_text])
    sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12)
    if section.respondent.submitted:
        sheet.append([_("Question"), _("Answer")])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for question, text in section.answers:
            sheet.append([question.text, text])
            _as_text(sheet)
            for cell in sheet[sheet.max_row]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def to_xlsx(combined: Combined) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    contents = book.active
    contents.title = _("Contents")[:31]
    contents.append([combined.title])
    contents["A1"].font = Font(bold=True, size=14)
    period = period_of(combined.period)
    contents.append(
        [
            _("%(start)s to %(end)s")
            % {
                "start": date_table(period.start),
                "end": date_table(period.end),
            }
        ]
    )
    contents.append([])
    contents.append([_("Part"), _("Sheet"), _("Qualitative report")])
    for cell in contents[contents.max_row]:
        cell.font = Font(bold=True)
    used: set[str] = {contents.title}
    parts: list[tuple[str, str, str]] = []

    total = book.create_sheet(_sheet_name(1, _("Total"), used))
    total.append([_("Figures in total: %(scope)s") % {"scope": combined.total.scope.label}])
    total["A1"].font = Font(bold=True, size=13)
    _write_figures(total, combined.total)
    parts.append((_("Figures in total"), total.title, ""))

    answers = book.create_sheet(_sheet_name(2, _("Regions"), used))
    answers.append([_("Qualitative report of the regions")])
    answers["A1"].font = Font(bold=True, size=13)
    for section in combined.regions:
        answers.append([])
        answers.append([section.title])
        _as_text(answers)
        answers.cell(answers.max_row, 1).font = Font(bold=True, size=12)
        _write_answers(answers, section)
        parts.append((section.title, answers.title, section.status_text))
    answers.column_dimensions["A"].width = 60
    answers.column_dimensions["B"].width = 100

    for number, section in enumerate(combined.programmes, 3):
        sheet = book.create_sheet(_sheet_name(number, section.title, used))
        sheet.append([section.title])
        _as_text(sheet)
        sheet["A1"].font = Font(bold=True, size=13)
        _write_answers(sheet, section)
        if section.figures is not None:
            sheet.append([])
            sheet.append([_("Figures")])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12)
            _write_figures(sheet, section.figures)
        sheet.column_dimensions["A"].width = 60
        sheet.column_dimensions["B"].width = 100
        parts.append((section.title, sheet.title, section.status_text))

    for title, sheet_title, status in parts:
        contents.append([title, sheet_title, status])
        _as_text(contents)
        link = contents.cell(contents.max_row, 2)
        link.hyperlink = f"#'{sheet_title}'!A1"
        link.style = "Hyperlink"
    if combined.total.suppressed:
        contents.append([])
        contents.append(
            [
                _(
                    "<5 means a number from 1 to 4; x means a number hidden so that a small "
                    "number cannot be worked out; counts are published in bands of five."
                )
            ]
        )
    contents.column_dimensions["A"].width = 50
    contents.column_dimensions["B"].width = 34
    contents.column_dimensions["C"].width = 34
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
