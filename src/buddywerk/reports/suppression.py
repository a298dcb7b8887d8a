"""Small-cell suppression for the funder (R16, ARCHITECTURE.md 12).

Primary suppression: every count from 1 to 4 is shown as "<5".
Complementary suppression: a table publishes totals, so one hidden cell in a row (or a
column) could be worked out as the total minus the other cells. Wherever a row or column
that adds up holds exactly one hidden cell, the smallest other cell of that line is hidden
too (shown as "x"), preferring a non-zero cell, and this repeats until no line holds exactly
one hidden cell. A line whose hidden cells are all "<5" is also completed when the sum
they must make leaves one of them a single possible value (two "<5" cells that make 8 are
both 4). Pure functions: no Django, so the tests can try every small table.
"""

from collections.abc import Sequence
from typing import Any

SMALL_CELL = 5
BAND = 5  # restricted reports publish counts in bands of five (docs/reports.md)
SMALL = "small"  # shown as "<5"
SECONDARY = "secondary"  # shown as "x": hidden so that a small cell cannot be recovered

Cell = tuple[int, int]


def is_small(value: object) -> bool:
    return isinstance(value, int | float) and 0 < value < SMALL_CELL


def band_low(value: float) -> int:
    """The lower end of the band of five holding `value` (floor to a multiple of five;
    negative sums of changes too: -3 lies in -5..-1)."""
    return int(value // BAND) * BAND


def band_middle(value: float) -> float:
    """The middle of the band a count is published in: 0 is its own band, 1-4 is "<5",
    then 5-9, 10-14, ... (a sum of changes, which may be negative: -5..-1, 0..4, ...)."""
    if value == 0:
        return 0.0
    if is_small(value):
        return 2.5
    return band_low(value) + (BAND - 1) / 2


def lines(n_rows: int, n_cols: int, *, rows_add_up: bool, columns_add_up: bool) -> list[list[Cell]]:
    """The sets of cells bound by one published sum.

    rows_add_up: the last cell of each row is the sum of the other cells of that row.
    columns_add_up: the last row is the sum of the rows above it, column by column.
    """
    result: list[list[Cell]] = []
    if rows_add_up and n_cols > 1:
        result.extend([(r, c) for c in range(n_cols)] for r in range(n_rows))
    if columns_add_up and n_rows > 1:
        result.extend([(r, c) for r in range(n_rows)] for c in range(n_cols))
    return result


def suppress(
    values: Sequence[Sequence[int | None]],
    *,
    rows_add_up: bool,
    columns_add_up: bool,
    countable: Sequence[Sequence[bool]] | None = None,
) -> dict[Cell, str]:
    """The hidden cells of a grid of counts: {(row, col): SMALL or SECONDARY}.

    `countable` marks the cells that are counts of people or organisations (means, hours
    and percentages are not suppressed themselves; the caller hides those that rest on a
    hidden count). Non-countable cells take no part in the sums.
    """
    n_rows = len(values)
    n_cols = len(values[0]) if n_rows else 0

    def counts(cell: Cell) -> bool:
        return countable is None or bool(countable[cell[0]][cell[1]])

    def value(cell: Cell) -> int:
        v = values[cell[0]][cell[1]]
        return int(v or 0)

    marks: dict[Cell, str] = {
        (r, c): SMALL
        for r in range(n_rows)
        for c in range(n_cols)
        if counts((r, c)) and is_small(values[r][c])
    }
    bound = [
        [cell for cell in line if counts(cell)]
        for line in lines(n_rows, n_cols, rows_add_up=rows_add_up, columns_add_up=columns_add_up)
    ]
    bound = [line for line in bound if len(line) > 1]
    changed = True
    while changed:
        changed = False
        for line in bound:
            hidden = [cell for cell in line if cell in marks]
            if len(hidden) != 1 and not _pinned(line, hidden, marks, value):
                continue
            shown = [cell for cell in line if cell not in marks]
            candidates = [cell for cell in shown if value(cell) > 0] or shown
            if not candidates:
                continue
            pick = min(candidates, key=lambda cell: (value(cell), cell))
            marks[pick] = SECONDARY
            changed = True
    return marks


def _pinned(line: list[Cell], hidden: list[Cell], marks: dict[Cell, str], value: Any) -> bool:
    """True when the hidden cells of the line are all "<5" and what the line publishes pins
    one of them to a single value (the last cell of the line is the sum of the others).

    The hidden parts are interchangeable (each 1-4), so the values one of them can take
    follow from the range of the sum of the others: a few comparisons, not a walk over
    every combination (that walk, up to 4^6 tries per line, was most of the report's
    suppression time)."""
    if any(marks[cell] != SMALL for cell in hidden) or len(hidden) > 6:
        return False
    total_cell = line[-1]
    shown_sum = sum(value(cell) for cell in line[:-1] if cell not in marks)
    total_hidden = total_cell in hidden
    parts = len(hidden) - total_hidden  # hidden cells that add up to the total
    small = range(1, SMALL_CELL)
    totals = small if total_hidden else (value(total_cell),)
    top = SMALL_CELL - 1
    if total_hidden:
        # The total's possible values: shown_sum plus a sum the hidden parts can make.
        if len({t for t in small if parts <= t - shown_sum <= top * parts}) == 1:
            return True
    if not parts:
        return False
    # One hidden part's possible values: the others (parts - 1 of them) make the rest.
    rest = parts - 1
    options = {v for v in small if any(rest <= t - shown_sum - v <= top * rest for t in totals)}
    return len(options) == 1
