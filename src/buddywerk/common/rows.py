"""The first rows of a list and how many there are, in one query (issue 17 point 4): the
home page's to-do items and panels show a few rows and a count of all of them."""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models import Count, QuerySet, Window
from django.db.models.query import FlatValuesListIterable, ModelIterable, ValuesListIterable

_COUNT = "bw_rows"
_VALUES_LISTS = (FlatValuesListIterable, ValuesListIterable)


def first_rows(qs: QuerySet[Any], limit: int) -> tuple[list[Any], int]:
    """The first `limit` rows of `qs` and the number of all its rows. One query for a
    queryset of model instances or of values_list() rows: the count rides along as a window
    column, which the database counts before the LIMIT. Otherwise, and for a DISTINCT
    queryset (a window counts the rows before they are made distinct), a count query
    follows, only when there are `limit` rows."""
    iterable = qs._iterable_class  # noqa: SLF001 - how the rows come back, to keep it
    fields = list(getattr(qs, "_fields", None) or ())  # the columns asked for, in order
    windowed = (
        (iterable is ModelIterable or (iterable in _VALUES_LISTS and fields))
        and not qs.query.distinct
        and connections[qs.db].features.supports_over_clause
    )
    if not windowed:
        rows = list(qs[:limit])
        return rows, (qs.count() if len(rows) >= limit else len(rows))
    counted = qs.annotate(**{_COUNT: Window(Count("*"))})
    if iterable is ModelIterable:
        models = list(counted[:limit])
        return models, (getattr(models[0], _COUNT) if models else 0)
    found = list(counted.values_list(*fields, _COUNT)[:limit])
    if not found:
        return [], 0
    if iterable is FlatValuesListIterable:
        return [row[0] for row in found], found[0][-1]
    return [row[:-1] for row in found], found[0][-1]
