"""One date format per context, in the interface's language (issue 16 point 9): running
text "2 december 2026", tables "2/12/2026"; English month names in English. Templates use
the builtin pair of filters date_text / date_table; code uses buddywerk.common.dates."""

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from buddywerk.common.dates import date_table, date_text

pytestmark = pytest.mark.django_db  # the autouse cache fixture uses the database cache

DAY = dt.date(2026, 12, 2)
# 13:30 UTC is 14:30 in Brussels: the time shown is always the local one.
MOMENT = dt.datetime(2026, 12, 2, 13, 30, tzinfo=ZoneInfo("UTC"))

CASES = [
    ("nl-be", "2 december 2026", "2/12/2026", "2 december 2026, 14:30", "2/12/2026 14:30"),
    ("en", "2 December 2026", "2/12/2026", "2 December 2026, 14:30", "2/12/2026 14:30"),
]


def _render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize(("language", "text", "table", "text_time", "table_time"), CASES)
def test_a_date_in_text_and_in_a_table(language, text, table, text_time, table_time):
    with translation.override(language):
        assert _render("{{ d|date_text }}", d=DAY) == text
        assert _render("{{ d|date_table }}", d=DAY) == table
        assert _render('{{ d|date_text:"time" }}', d=MOMENT) == text_time
        assert _render('{{ d|date_table:"time" }}', d=MOMENT) == table_time
        # A datetime without "time" shows its (local) day only.
        assert _render("{{ d|date_text }}", d=MOMENT) == text
        assert date_text(DAY) == text
        assert date_table(DAY) == table
        assert date_text(MOMENT, with_time=True) == text_time
        assert date_table(MOMENT, with_time=True) == table_time


def test_an_empty_date_renders_nothing():
    assert _render("{{ d|date_text|default:'-' }}", d=None) == "-"
    assert date_table(None) == ""


def test_the_local_day_counts_not_the_utc_one():
    late = dt.datetime(2026, 12, 2, 23, 30, tzinfo=ZoneInfo("UTC"))  # 3 December in Brussels
    with translation.override("nl-be"):
        assert date_text(late) == "3 december 2026"
        assert _render("{{ d|date_table }}", d=late) == "3/12/2026"


def test_templates_format_dates_only_through_the_pair_of_filters():
    """No template picks its own date format (chart axis labels "j M" and a bare time
    "H:i" excepted: they are not dates in text or tables)."""
    own = re.compile(r'\|date(?![_\w])(?!:"(?:j M|H:i)")')
    offenders = []
    for path in Path(settings.SRC_DIR).rglob("templates/**/*"):
        if path.suffix in {".html", ".txt"}:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if own.search(line):
                    offenders.append(f"{path.relative_to(settings.SRC_DIR)}:{number}")
    assert offenders == []
