"""Filters of buddy lists (django-filter), for the API's list of a programme's buddies."""

import django_filters

from .models import Buddy, BuddyKind, ScreeningStatus


class BuddyFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ScreeningStatus.choices)
    kind = django_filters.ChoiceFilter(choices=BuddyKind.choices)
    paused = django_filters.BooleanFilter(field_name="is_paused")

    class Meta:
        model = Buddy
        fields: list[str] = []
