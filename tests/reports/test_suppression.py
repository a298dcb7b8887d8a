"""Small-cell suppression (R16): tried on every small table, not on a few examples."""

import itertools

import pytest

from buddywerk.reports import suppression
from buddywerk.reports.figures import CHANGE, COUNT, MEAN, PERCENT, Row, Table, suppress_table
from buddywerk.reports.suppression import SECONDARY, SMALL, lines, suppress

# The shared autouse fixtures clear the (database) cache.
pytestmark = pytest.mark.django_db


def with_margins(grid):
    """Interior cells plus a total per row, and a total row."""
    rows = [[*row, sum(row)] for row in grid]
    return [*rows, [sum(col) for col in zip(*rows, strict=True)]]


def check(table, marks, *, rows_add_up, columns_add_up):
    # every count from 1 to 4 is hidden as "<5"; nothing else is marked small
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            assert (marks.get((r, c)) == SMALL) == (1 <= value <= 4), (table, marks)
    # no published sum has exactly one hidden cell: total minus the others recovers nothing
    # (tables of "<5" cells alone are checked by brute force below)
    for line in lines(
        len(table), len(table[0]), rows_add_up=rows_add_up, columns_add_up=columns_add_up
    ):
        assert sum(cell in marks for cell in line) != 1, (table, marks, line)


def test_every_2x2_and_2x3_table_with_margins():
    values = (0, 1, 4, 6)
    tried = 0
    for shape in ((2, 2), (2, 3), (3, 2)):
        n = shape[0] * shape[1]
        for flat in itertools.product(values, repeat=n):
            grid = [list(flat[i * shape[1] : (i + 1) * shape[1]]) for i in range(shape[0])]
            table = with_margins(grid)
            marks = suppress(table, rows_add_up=True, columns_add_up=True)
            check(table, marks, rows_add_up=True, columns_add_up=True)
            tried += 1
    assert tried == 4**4 + 2 * 4**6


def feasible(row, marks, cell, bound):
    """Every value the hidden `cell` can take given what the funder sees of one row of
    provinces and its total: shown cells fixed, "<5" cells 1-4, "x" cells 0..bound."""
    hidden = sorted(marks)
    ranges = [range(1, 5) if marks[h] == SMALL else range(bound + 1) for h in hidden]
    found = set()
    for guess in itertools.product(*ranges):
        trial = list(row)
        for h, v in zip(hidden, guess, strict=True):
            trial[h[1]] = v
        if sum(trial[:-1]) == trial[-1]:
            found.add(trial[cell[1]])
    return found


def test_no_small_cell_of_a_row_can_be_worked_out():
    """Brute force on every row of three provinces (0-7 each) and its total."""
    for cells in itertools.product(range(8), repeat=3):
        row = [*cells, sum(cells)]
        marks = suppress([row], rows_add_up=True, columns_add_up=False)
        check([row], marks, rows_add_up=True, columns_add_up=False)
        for cell, mark in marks.items():
            if mark == SMALL:
                assert len(feasible(row, marks, cell, bound=sum(row))) > 1, (row, marks)


def test_secondary_prefers_the_smallest_non_zero_cell():
    marks = suppress([[3, 0, 9, 6, 18]], rows_add_up=True, columns_add_up=False)
    assert marks == {(0, 0): SMALL, (0, 3): SECONDARY}


def test_a_zero_is_hidden_when_nothing_else_can_be():
    # the column rule hides the 7; the row then holds 7, 0, 0 and its total 7
    marks = suppress([[7, 0, 7], [2, 6, 8], [9, 6, 15]], rows_add_up=True, columns_add_up=True)
    check([[7, 0, 7], [2, 6, 8], [9, 6, 15]], marks, rows_add_up=True, columns_add_up=True)


def test_not_countable_cells_are_left_alone():
    marks = suppress(
        [[2, 9, 11], [1.5, 3.0, 2.2]],
        rows_add_up=True,
        columns_add_up=False,
        countable=[[True] * 3, [False] * 3],
    )
    assert set(marks) == {(0, 0), (0, 1)}


def test_funder_table_display_hides_means_on_small_counts():
    table = Table(
        "meetings",
        "Meetings",
        "",
        ["A", "B", "C", "Total"],
        [
            Row("Held", [3, 12, 20, 35]),
            Row(
                "Per duo",
                [1.5, 2.0, 2.5, 2.1],
                MEAN,
                parts=[(3, 2), (12, 6), (20, 8), (35, 16)],
            ),
            Row("Per duo, no parts", [1.5, 2.0, 2.5, 2.1], MEAN),
        ],
    )
    shown = suppress_table(table)
    # Counts in bands of five; the means from the middles of the bands they rest on:
    # 20-24 held by 5-9 duos: 22 / 7 = 3,1; 35-39 by 15-19: 37 / 17 = 2,2.
    assert shown.rows[0].display == ["<5", "x", "20-24", "35-39"]
    assert shown.rows[1].display == ["x", "x", "3,1", "2,2"]
    # A mean whose counts the table does not name cannot be recomputed: hidden.
    assert shown.rows[2].display == ["x", "x", "x", "x"]


def test_funder_programme_table_hides_small_rows_and_their_complement():
    table = Table(
        "wellbeing_programmes",
        "",
        "",
        ["n", "change", "share"],
        [
            Row("P1", [2, 1.0, 50.0], parts=[None, (2, 2), (1, 2)]),
            Row("P2", [7, 0.5, 40.0], parts=[None, (4, 7), (3, 7)]),
            Row("P3", [9, 0.2, 30.0], parts=[None, (2, 9), (3, 9)]),
            Row("All", [18, 0.4, 37.0], parts=[None, (8, 18), (7, 18)]),
        ],
        rows_add_up=False,
        columns_add_up=True,
        column_kinds=[COUNT, CHANGE, PERCENT],
    )
    shown = suppress_table(table)
    assert [r.display[0] for r in shown.rows] == ["<5", "x", "5-9", "15-19"]
    assert shown.rows[0].display[1:] == ["x", "x"]
    assert shown.rows[1].display[1:] == ["x", "x"]
    # P3: sum of changes 2 ("<5", middle 2,5) over 9 (5-9, middle 7); improved 3 of 9.
    assert shown.rows[2].display[1:] == ["+0,36", "35,7 %"]


def test_small_cell_threshold():
    assert [suppression.is_small(v) for v in (0, 1, 4, 5)] == [False, True, True, False]
