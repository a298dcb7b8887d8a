"""The funder's report served from figures computed before (issue 17, point 4).

Computing the report reads the rollups and aggregates over them: tens of milliseconds on a
few years of data, far more than a page may take under load. The page, its files and the
API therefore look the report up by what determines its figures:

* the area chosen (a programme, a province, a municipality or everything): the form has
  already checked that the reader may open it, and the figures of an area are the same for
  every reader who may open it;
* the period, and whether the figures are suppressed for the reader (issue 14): a
  restricted reader's key differs from an unrestricted reader's, so one never gets the
  other's figures;
* the language (the columns' labels are stored translated);
* the counters of the report's input (input_version.py) that can touch the area: part 0
  and the programme's part, the parts of the province's programmes, or every part. A write
  that changes a figure raises its counter in its own transaction, so a stored report is
  never served after a change it does not hold.

A miss computes the report (reports.forms.report_as_seen) and stores it in the database
cache ('default'). What is stored is what the reader is shown: the tables' aggregated
figures, and for a restricted reader only the published text and bands (the exact counts
and the counts a derived figure rests on are left out). Never a person.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Q
from django.utils import translation

from buddywerk.organisations.models import Programme

from . import input_version
from .figures import Report, Table

if TYPE_CHECKING:
    from .forms import ReportForm

PREFIX = "funders-report"
# Obsolete entries are never served (their key names old counters); they only take room
# until the cache culls them or they age out.
TIMEOUT = 7 * 24 * 3600


def parts_of(form: ReportForm) -> Q:
    """The input counters (besides part 0) the figures of the form's area rest on."""
    scope = form.get_scope()
    if scope.programme is not None:
        return Q(part=scope.programme.pk)
    if scope.province is not None:
        return Q(part__in=Programme.objects.filter(province=scope.province.pk).values("pk"))
    # Everything, or a municipality: its duos may be run by a programme of any province.
    return Q(part__gt=input_version.GLOBAL)


def key_of(form: ReportForm, suppressed: bool) -> str:
    """The cache key of the report a valid form asks for, with the counters as they are
    now (one query)."""
    period = form.get_period()
    versions = input_version.current(parts_of(form))
    raw = repr(
        (
            form.cleaned_data["area"],
            period.start.isoformat(),
            period.end.isoformat(),
            suppressed,
            translation.get_language(),
            versions,
        )
    )
    return f"{PREFIX}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _stored(table: Table, *, suppressed: bool) -> Table:
    """The table as it is stored: its texts translated (the key holds the language; a lazy
    text costs a class to unpickle), and a restricted table as it is published, the shown
    text in place of the counts."""
    rows = [
        replace(row, label=str(row.label), values=list(row.shown), parts=None)
        if suppressed
        else replace(row, label=str(row.label))
        for row in table.rows
    ]
    return replace(table, title=str(table.title), definition=str(table.definition), rows=rows)


def served_report(form: ReportForm) -> Report:
    """`report_as_seen(form)`, from the store when its figures were computed before."""
    from .forms import report_as_seen

    suppressed = form.is_restricted()
    key = key_of(form, suppressed)
    found: Any = cache.get(key)
    if found is not None:
        tables, generated_at = found
        return Report(
            scope=form.get_scope(),
            period=form.get_period(),
            tables=tables,
            suppressed=suppressed,
            generated_at=generated_at,
        )
    report = report_as_seen(form)
    tables = [_stored(t, suppressed=report.suppressed) for t in report.tables]
    cache.set(key, (tables, report.generated_at), TIMEOUT)
    return replace(report, tables=tables)
