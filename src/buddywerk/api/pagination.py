"""Cursor pagination (issue 18): a page follows from an opaque cursor holding the last row's
ordering key, so a page costs the same few queries however deep it is, and rows added
meanwhile neither repeat nor go missing."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import Model, Q, QuerySet
from ninja import Schema
from ninja.errors import ValidationError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageQuery(Schema):
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT


def _encode(values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode(cursor: str, size: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != size:
            raise ValueError
        return [
            datetime.fromisoformat(v) if isinstance(v, str) and i < size - 1 else v
            for i, v in enumerate(values)
        ]
    except (ValueError, TypeError, UnicodeDecodeError):
        raise ValidationError(
            [{"loc": ["query", "cursor"], "msg": "invalid cursor", "type": "invalid"}]
        ) from None


def cursor_page[M: Model](
    qs: QuerySet[M], page: PageQuery, *, key: tuple[str, str], descending: bool
) -> tuple[list[M], str | None]:
    """One page of `qs` ordered by `key` (a nullable-free datetime field, then `id`), and
    the cursor of the next page (None on the last)."""
    if not 1 <= page.limit <= MAX_LIMIT:
        raise ValidationError(
            [
                {
                    "loc": ["query", "limit"],
                    "msg": f"limit must be between 1 and {MAX_LIMIT}",
                    "type": "invalid",
                }
            ]
        )
    field, tie = key
    order = [f"-{field}", f"-{tie}"] if descending else [field, tie]
    qs = qs.order_by(*order)
    if page.cursor:
        value, last = _decode(page.cursor, 2)
        op = "lt" if descending else "gt"
        qs = qs.filter(Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"{tie}__{op}": last}))
    rows = list(qs[: page.limit + 1])
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    next_cursor = _encode([getattr(rows[-1], field), getattr(rows[-1], tie)]) if more else None
    return rows, next_cursor


def encode_cursor(position: int) -> str:
    """The cursor of a position in a ranked result (search), where no column orders it."""
    return _encode([position])


def decode_cursor(cursor: str) -> int:
    (position,) = _decode(cursor, 1)
    if not isinstance(position, int) or position < 0:
        raise ValidationError(
            [{"loc": ["query", "cursor"], "msg": "invalid cursor", "type": "invalid"}]
        )
    return position
