"""Filters of duo and meeting lists (django-filter), for the API's lists."""

import django_filters

from .enums import MeetingStatus, TrajectoryStatus
from .models import Meeting, Trajectory


class DuoFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=TrajectoryStatus.choices)
    programme = django_filters.UUIDFilter(field_name="programme__uuid")

    class Meta:
        model = Trajectory
        fields: list[str] = []


class MeetingFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=MeetingStatus.choices)
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Meeting
        fields: list[str] = []
