"""Reads shared by the parts of one page (issue 17 point 4). The coordinator's home page
shows the open concerns three times (a figure, a to-do item and a panel); the parts are
built apart (reports.dashboards, reports.todo, a template tag) but read the same rows once
when the view wraps its work in `shared_reads()`. Outside of it (a test, a mail, another
page) every call reads afresh, so nothing outlives the request that read it."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_reads: ContextVar[dict[Hashable, Any] | None] = ContextVar("buddywerk_shared_reads", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Within the block, `shared` reads each key once."""
    token = _reads.set({})
    try:
        yield
    finally:
        _reads.reset(token)


def shared[T](key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, once per key within `shared_reads()`; every time outside of it. The key
    names the reader (a user's pk) as well as what is read."""
    reads = _reads.get()
    if reads is None:
        return compute()
    if key not in reads:
        reads[key] = compute()
    value: T = reads[key]
    return value
