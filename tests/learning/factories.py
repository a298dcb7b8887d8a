"""Factories for the learning app: events, registrations, modules."""

import datetime as dt

import factory
from django.utils import timezone

from buddywerk.learning.models import Event, EventKind, Module


def next_season_day(hour: int = 19) -> dt.datetime:
    """A moment inside the coming intervision season (R13: 15 January to 31 May)."""
    today = timezone.localdate()
    day = dt.date(today.year, 3, 10)
    if day <= today + dt.timedelta(days=2):
        day = dt.date(today.year + 1, 3, 10)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


class EventFactory(factory.django.DjangoModelFactory):
    """An open intervision (no programme) in the coming season, with 2 places."""

    class Meta:
        model = Event

    kind = EventKind.INTERVISION
    title = factory.Sequence(lambda n: f"Intervisie {n}: een warme band")
    theme = "Een warme band opbouwen"
    starts_at = factory.LazyFunction(next_season_day)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    registration_deadline = factory.LazyAttribute(lambda o: o.starts_at - dt.timedelta(days=2))
    place = "Stadhuis Mechelen, zaal 2"
    capacity = 2


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    slug = factory.Sequence(lambda n: f"module-{n}")
    title = factory.Sequence(lambda n: f"Module {n}")
    theme = "Een warme band"
    minutes = 20
    body = "## Waarom een warme band?\n\nEen leerling die zich **veilig** voelt, leert beter."
