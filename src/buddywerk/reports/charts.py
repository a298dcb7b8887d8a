"""Server-rendered SVG bar charts: simple, accessible (a title and a description; the same
numbers are in the table next to the chart), identical in the page and the PDF."""

import textwrap
from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from .figures import COUNT, Table

WIDTH = 640
BAR = 22
GAP = 8
LABEL = 250
VALUE = 70
# Characters of a label per line (13 px text in the 250-unit label column) and the line
# height.
LABEL_CHARS = 30
LINE = 16


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # 0 when hidden
    text: str  # what is written next to the bar ("<5", "x" or the number)


def label_lines(label: str) -> list[str]:
    """A bar's label on as many lines as it needs within the label column: never cut off
    (issue 16, point 10); only a single word longer than a line is split."""
    return textwrap.wrap(label, LABEL_CHARS, break_long_words=True) or [""]


def bar_chart(title: str, bars: list[Bar], *, chart_id: str) -> SafeString:
    """A horizontal bar chart; bars of hidden cells are not drawn (their text says why).
    A long label takes more lines, and its row grows with it."""
    top = max((bar.value for bar in bars), default=0) or 1
    room = WIDTH - LABEL - VALUE
    parts = []
    y = GAP
    for bar in bars:
        lines = label_lines(bar.label)
        row = max(BAR, len(lines) * LINE)
        length = round(room * bar.value / top) if bar.value > 0 else 0
        bar_y = y + (row - BAR) / 2
        text_y = y + (row - len(lines) * LINE) / 2 + LINE * 0.75
        spans = format_html_join(
            "",
            '<tspan x="0" y="{}">{}</tspan>',
            ((text_y + n * LINE, line) for n, line in enumerate(lines)),
        )
        parts.append(
            format_html(
                '<text font-size="13">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#1f5f8b"></rect>'
                '<text x="{}" y="{}" font-size="13">{}</text>',
                spans,
                LABEL,
                bar_y,
                length,
                BAR,
                LABEL + length + 6,
                bar_y + BAR * 0.7,
                bar.text,
            )
        )
        y += row + GAP
    height = max(y, BAR + 2 * GAP)
    body = format_html_join("", "{}", ((part,) for part in parts))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{}-title" '
        'viewBox="0 0 {} {}" width="100%" class="bw-chart">'
        '<title id="{}-title">{}</title>{}</svg>',
        chart_id,
        WIDTH,
        height,
        chart_id,
        title,
        body,
    )


def _number(value: Any) -> float:
    """The length of a bar: the published number; a band ("10-14") by its lower end, so a
    restricted chart shows nothing the table does not; hidden cells not at all."""
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and "-" in value.strip("-"):
        low = value.split("-", 1)[0].replace(".", "")
        return float(low) if low.isdigit() else 0.0
    return 0.0


def _published(row: Any, c: int) -> Any:
    return row.shown[c] if row.shown else row.values[c]


def table_chart(table: Table) -> SafeString:
    """The chart of a report table: the total per row (kinds, reasons, school years), or
    the first row per province (meetings held, participants)."""
    hidden = {"<5", "x"}
    if table.chart == "columns" or table.column_kinds:
        if table.column_kinds:  # per programme: the first (count) column per row
            source = [
                (str(row.label), _published(row, 0), row.display[0] if row.display else "")
                for row in table.rows
            ]
        else:
            row = table.rows[0]
            source = [
                (table.columns[c], _published(row, c), row.display[c] if row.display else "")
                for c in range(len(table.columns) - 1)
            ]
    else:
        rows = [r for r in table.rows if r.kind == COUNT]
        if table.columns_add_up:
            rows = rows[:-1]
        source = [
            (str(r.label), _published(r, -1), r.display[-1] if r.display else "") for r in rows
        ]
    bars = [
        Bar(label, 0.0 if text in hidden else _number(value), text or str(value))
        for label, value, text in source
    ]
    return bar_chart(str(table.title), bars, chart_id=f"chart-{table.key}")
