"""The to-do list on every home page (issue 16, point 6): what the signed-in person still
has to do, each item with a count and a link to the page where it is done. An item is a
plain value; each app's `todo.py` builds its own items from policy-scoped querysets, and
`reports.todo.todo_for` assembles them per role. An item disappears when its count drops
to zero: there is no state of its own to keep in step.

Every item costs one query (its first two rows, each carrying the count of all rows in a
window column; a DISTINCT queryset, where the window would count the rows before they are
made distinct, reads its count apart when there are more rows), so a home page runs a
fixed number of queries whatever the amount of data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from .rows import first_rows


@dataclass(frozen=True)
class TodoItem:
    """One line of the to-do list: "1 voorstel wacht op je antwoord", linking to where it
    is done (the object itself when there is one, else the list holding them)."""

    label: str
    count: int
    link: str


def todo_item(
    qs: QuerySet[Any],
    *,
    label: Callable[[int], str],
    one: Callable[[Any], str],
    many: str | Callable[[list[Any]], str],
) -> TodoItem | None:
    """The item for the rows of `qs` (None when there are none): `one(row)` links to the
    single row's page; with more rows `many` is the list's link (or a function of the
    first two rows). `label(count)` words the count (ngettext)."""
    rows, count = first_rows(qs, 2)
    if not rows:
        return None
    if len(rows) == 1:
        return TodoItem(label=label(1), count=1, link=one(rows[0]))
    link = many(rows) if callable(many) else many
    return TodoItem(label=label(count), count=count, link=link)


def todo_rows(
    rows: list[Any],
    *,
    label: Callable[[int], str],
    one: Callable[[Any], str],
    many: str,
) -> TodoItem | None:
    """The same, for rows already filtered in Python (a rule not written in SQL)."""
    if not rows:
        return None
    if len(rows) == 1:
        return TodoItem(label=label(1), count=1, link=one(rows[0]))
    return TodoItem(label=label(len(rows)), count=len(rows), link=many)


def todo_count(
    count: int,
    first: Any,
    *,
    label: Callable[[int], str],
    one: Callable[[Any], str],
    many: str,
) -> TodoItem | None:
    """The same, for a count read with other figures of the page and the first row (read
    with it; `one(first)` links to it when it is the only one)."""
    if not count:
        return None
    if count == 1:
        return TodoItem(label=label(1), count=1, link=one(first))
    return TodoItem(label=label(count), count=count, link=many)
