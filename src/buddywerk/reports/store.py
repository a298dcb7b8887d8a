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

A funder's report does not need the figures of the last seconds (a product decision): when
the counters changed, the latest report computed for the same area, period, restriction and
language (a second key, without the counters) is served while it is younger than
REPORT_REFRESH_SECONDS (60 by default; 0: never, every change shows at once). Under load,
when buddies log a meeting every few seconds, the report is then computed about once a
window instead of on nearly every request. The page and its files show when the figures
were computed (`Report.generated_at`).

So that no reader waits for that computation while requests keep coming, the report is
refreshed ahead: a request served a latest report that is half a window old or more (and
whose counters changed) asks the task worker to compute it again (`report_refresh`, once
per half window and key). The promise holds either way: a report older than the window is
never served; a request that finds none younger computes it itself.

A miss computes the report (reports.forms.report_as_seen) and stores it in the database
cache ('default'). What is stored is what the reader is shown: the tables' aggregated
figures, and for a restricted reader only the published text and bands (the exact counts
and the counts a derived figure rests on are left out). Never a person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone, translation

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


def _what(form: ReportForm, suppressed: bool) -> tuple[Any, ...]:
    """What the figures of a valid form depend on, besides its input's counters: the area,
    the period, whether they are suppressed for the reader, the language."""
    period = form.get_period()
    return (
        form.cleaned_data["area"],
        period.start.isoformat(),
        period.end.isoformat(),
        suppressed,
        translation.get_language(),
    )


def _hashed(prefix: str, raw: tuple[Any, ...]) -> str:
    return f"{prefix}:{hashlib.sha256(repr(raw).encode()).hexdigest()}"


def key_of(form: ReportForm, suppressed: bool) -> str:
    """The cache key of the report a valid form asks for, with the counters as they are
    now (one query)."""
    versions = input_version.current(parts_of(form))
    return _hashed(PREFIX, (*_what(form, suppressed), versions))


def latest_key_of(form: ReportForm, suppressed: bool) -> str:
    """The cache key of the latest report computed for the same area, period, restriction
    and language, whatever the counters were (the freshness window)."""
    return _hashed(f"{PREFIX}-latest", _what(form, suppressed))


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


def refresh_seconds() -> int:
    return max(0, int(settings.REPORT_REFRESH_SECONDS))


def _refresh_ahead(form: ReportForm, latest: str, generated_at: dt.datetime) -> None:
    """Ask the task worker to compute the report again when the latest one served is half a
    window old: one task per half window and key (the cache's add is the claim)."""
    half = dt.timedelta(seconds=refresh_seconds()) / 2
    if timezone.now() - generated_at < half:
        return
    if not cache.add(f"{latest}-refreshing", True, int(half.total_seconds()) or 1):
        return
    from .tasks import report_refresh

    data = form.data
    query = data.urlencode() if isinstance(data, QueryDict) else urlencode(data, doseq=True)
    report_refresh.enqueue(user_id=form.user.pk, query=query, language=translation.get_language())


def computed_and_stored(form: ReportForm, key: str | None = None) -> Report:
    """Compute the report of a valid form (reports.forms.report_as_seen) and store it under
    the current counters (`key`, when the caller has read them) and, with a freshness
    window, as the latest one."""
    from .forms import report_as_seen

    suppressed = form.is_restricted()
    # The counters before the figures: a write in between is then only missed under
    # counters that are already old.
    key = key or key_of(form, suppressed)
    report = report_as_seen(form)
    tables = [_stored(t, suppressed=report.suppressed) for t in report.tables]
    entry = (tables, report.generated_at)
    cache.set(key, entry, TIMEOUT)
    if window := refresh_seconds():
        cache.set(latest_key_of(form, suppressed), entry, window)
    return replace(report, tables=tables)


def served_report(form: ReportForm) -> Report:
    """`report_as_seen(form)`, from the store when its figures were computed before: under
    the current counters (the exact figures), or else, within the freshness window
    (REPORT_REFRESH_SECONDS), the latest report computed for the same area, period,
    restriction and language. Its `generated_at` says when its figures were computed."""
    suppressed = form.is_restricted()
    key = key_of(form, suppressed)
    window = refresh_seconds()
    latest = latest_key_of(form, suppressed)
    # One read of the cache for both keys.
    found_many: dict[str, Any] = cache.get_many([key, latest] if window else [key])
    found: Any = found_many.get(key)
    if found is None and window:
        found = found_many.get(latest)
        if found is not None and timezone.now() - found[1] >= dt.timedelta(seconds=window):
            found = None
        if found is not None:
            _refresh_ahead(form, latest, found[1])
    if found is not None:
        tables, generated_at = found
        return Report(
            scope=form.get_scope(),
            period=form.get_period(),
            tables=tables,
            suppressed=suppressed,
            generated_at=generated_at,
        )
    return computed_and_stored(form, key)
