"""The financial report in the funder's report files (issue 21, point 5): one sheet of
the XLSX and one section of the PDF. Exact amounts are written as numbers with two
decimals; a band (or an interval computed from bands) as text, "€ 500 - € 1.000"; a
hidden figure as "x" (funds/financial.py says when). The PDF shows the same."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .financial import Amount, Block, FinancialReport, amount_text

HIDDEN = "x"
MONEY_FORMAT = "#,##0.00"


def _money(shown: Amount | None) -> Decimal | str:
    """A number when exact, else the band or interval as text, or "x"."""
    if shown is None:
        return HIDDEN
    return shown.low if shown.exact else amount_text(shown)


def block_rows(block: Block) -> list[list[Any]]:
    """The rows of one block: category, budget, spent, balance (and the total)."""
    rows: list[list[Any]] = [
        [
            str(line.label),
            line.budget,
            _money(line.shown_spent),
            _money(line.shown_balance),
        ]
        for line in block.lines
    ]
    rows.append(
        [
            _("Total"),
            block.budget,
            _money(block.shown_spent),
            _money(block.shown_balance),
        ]
    )
    return rows


def financial_sheet(book: Any, report: FinancialReport) -> None:
    """Add the sheet "Financial report" to an openpyxl workbook."""
    from openpyxl.styles import Alignment, Font

    sheet = book.create_sheet(_("Financial report")[:31])
    sheet.append([_("Financial report")])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.column_dimensions["A"].width = 40
    for col in "BCD":
        sheet.column_dimensions[col].width = 16

    def heading(text: str) -> None:
        sheet.append([])
        sheet.append([text])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)

    def money_row(values: list[Any], *, bold: bool = False) -> None:
        sheet.append(values)
        for c in range(2, len(values) + 1):
            cell = sheet.cell(sheet.max_row, c)
            cell.number_format = MONEY_FORMAT
            cell.alignment = Alignment(horizontal="right")
        if bold:
            for c in range(1, len(values) + 1):
                sheet.cell(sheet.max_row, c).font = Font(bold=True)

    def block(b: Block, kind: str) -> None:
        heading(f"{kind}: {b.label}")
        if b.received:
            sheet.append([_("Received"), _("Funder"), _("Purpose"), _("Amount")])
            for r in b.received:
                sheet.append([r.received_on.isoformat(), r.funder, r.purpose, r.amount])
                sheet.cell(sheet.max_row, 4).number_format = MONEY_FORMAT
        money_row([_("Received in total"), b.received_total], bold=True)
        sheet.append([_("Category"), _("Budget"), _("Spent"), _("Balance")])
        for c in range(1, 5):
            sheet.cell(sheet.max_row, c).font = Font(bold=True)
        rows = block_rows(b)
        for i, row in enumerate(rows):
            money_row(row, bold=i == len(rows) - 1)

    for b in report.programmes:
        block(b, _("Programme"))
    for b in report.regions:
        block(b, _("Region"))
    block(report.total, _("All programmes"))
    if report.suppressed:
        sheet.append([])
        for row in footnote():
            sheet.append(list(row))


def footnote() -> list[tuple[str, str]]:
    """What a band and "x" mean, for a suppressed report (the XLSX and the PDF)."""
    return [
        (
            "€ 500 - € 1.000",
            _(
                "Study grants and volunteer expenses are shown as a range of 500 euros "
                "(at least the first amount, less than the second), so that no one's "
                "money can be worked out. Totals and balances that include them are "
                "ranges too."
            ),
        ),
        (
            HIDDEN,
            _(
                "Hidden: paid to fewer than 5 people, or so that such an amount could "
                "be worked out."
            ),
        ),
    ]


def financial_pdf_context(report: FinancialReport) -> dict[str, Any]:
    """What templates/funds/partials/financial_pdf.html reads."""
    blocks = [(_("Programme"), b) for b in report.programmes]
    blocks += [(_("Region"), b) for b in report.regions]
    blocks.append((_("All programmes"), report.total))
    return {
        "financial": report,
        "financial_blocks": blocks,
        "financial_footnote": footnote() if report.suppressed else [],
    }
