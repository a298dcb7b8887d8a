"""Filtering of the API's lists with django-filter: each list's FilterSet (in its app's
`filters.py`, beside the page that uses the same rules) validates the query and filters
the policy-scoped queryset; bad values answer 422 with the filter form's own messages."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django_filters import FilterSet
from ninja.errors import ValidationError


def filtered[M: Model](
    filterset: type[FilterSet], query: dict[str, Any], queryset: QuerySet[M]
) -> QuerySet[M]:
    """`queryset` narrowed by `filterset` on the query's values (None means not given)."""
    data = {name: value for name, value in query.items() if value not in (None, "")}
    found = filterset(data, queryset=queryset)
    if not found.is_valid():
        raise ValidationError(
            [
                {"loc": ["query", field], "msg": str(message), "type": "invalid"}
                for field, messages in found.errors.items()
                for message in messages
            ]
        )
    qs: QuerySet[M] = found.qs
    return qs
