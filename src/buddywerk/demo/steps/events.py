"""Step: events: the intervision season, monthly meet-ups, a learning network and a
leersprongdag, with registrations, a waiting list, attendance and meet-up notes."""

import datetime as dt
from typing import Any

from buddywerk.access.models import User
from buddywerk.buddies.models import Buddy
from buddywerk.learning.models import Audience, Event, EventKind
from buddywerk.learning.services import (
    attendance_record,
    event_create,
    meetup_note_record,
    registration_create,
)
from buddywerk.organisations.models import Programme

from .. import dates
from ..people import demo_email, person

FIRST = "Intervisie: een warme band opbouwen"


def _season_day(month: int, day: int) -> dt.date:
    """The next `day` of `month` at least a week away (intervisions: 15 January - 31 May)."""
    today = dates.today()
    candidate = dt.date(today.year, month, day)
    if candidate > today + dt.timedelta(days=7):
        return candidate
    return candidate.replace(year=today.year + 1)


def _event(actor: User, title: str, day: dt.date, start: int, end: int, **fields: Any) -> Event:
    """The organiser creates the event (`event_create`), registration closing the
    evening before (or `deadline_days` earlier)."""
    deadline_days = fields.pop("deadline_days", 1)
    return event_create(
        actor=actor,
        fields={
            "title": title,
            "starts_at": dates.at(day, start),
            "ends_at": dates.at(day, end),
            "registration_deadline": dates.at(day - dt.timedelta(days=deadline_days), 23),
            **fields,
        },
    )


def _register(event: Event, *mailboxes: str, now: dt.datetime | None = None) -> None:
    """The buddies register themselves, in this order: a full event puts the last on its
    waiting list (R13)."""
    for mailbox in mailboxes:
        buddy = Buddy.objects.select_related("user").get(user__email=demo_email(mailbox))
        registration_create(actor=buddy.user, event=event, now=now)


def events() -> None:
    """Buddies find the coming events under "Vorming": a full intervision (two places,
    Sara and Lotte registered, Hanna on the waiting list) and one with room, a learning
    network for coordinators and a leersprongdag, all organised by the platform admin.
    Gezinsbuddy Gent's buddies see their monthly meet-up; its coordinator finds last
    month's with who attended and the ideas, needs and signals it raised [004]."""
    if Event.objects.filter(title=FIRST).exists():
        return  # built already: the step makes its events all at once
    admin = person("admin")
    march = _season_day(3, 12)
    full = _event(
        admin,
        FIRST,
        march,
        19,
        21,
        kind=EventKind.INTERVISION,
        theme="Een warme band opbouwen",
        description="We delen ervaringen over de eerste weken van een duo.",
        place="Stadhuis Mechelen, Grote Markt 21",
        capacity=2,
        deadline_days=3,
    )
    _register(full, "buddy.stagiair", "buddy.leerkracht", "buddy.gezin")
    april = _season_day(4, 16)
    _event(
        admin,
        "Intervisie: remediëring wiskunde in de lagere school",
        april,
        19,
        21,
        kind=EventKind.INTERVISION,
        theme="Remediëring wiskunde in de lagere school",
        online_url="https://meet.example.org/intervisie-wiskunde",
        capacity=15,
        deadline_days=3,
    )
    gent = Programme.objects.get(name="Gezinsbuddy Gent")
    coordinator = person("coordinator.gent")
    today = dates.today()
    last_month = today - dt.timedelta(days=20)
    past = _event(
        coordinator,
        "Buddymoment Gezinsbuddy Gent (vorige maand)",
        last_month,
        18,
        20,
        kind=EventKind.MEETUP,
        programme=gent,
        place="Buurtcentrum Brugse Poort, Gent",
        capacity=20,
    )
    # They registered a week before the meet-up; only Hanna came.
    _register(
        past, "buddy.gezin", "buddy.gezin2", now=dates.at(last_month - dt.timedelta(days=7), 20)
    )
    attendance_record(
        actor=coordinator,
        event=past,
        present={past.registrations.get(buddy__user__email=demo_email("buddy.gezin")).pk},
    )
    for kind, text in (
        ("signal", "Twee gezinnen vinden geen plaats in de kinderopvang."),
        ("idea", "Een gezamenlijke uitstap naar de bib met alle duo's."),
        ("need", "Buddy's vragen een lijst met taalcursussen in de buurt."),
    ):
        meetup_note_record(actor=coordinator, event=past, kind=kind, text=text)
    next_month = today + dt.timedelta(days=12)
    _event(
        coordinator,
        "Buddymoment Gezinsbuddy Gent",
        next_month,
        18,
        20,
        kind=EventKind.MEETUP,
        programme=gent,
        place="Buurtcentrum Brugse Poort, Gent",
        capacity=20,
    )
    network_day = today + dt.timedelta(days=40)
    _event(
        admin,
        "Lerend netwerk: buddywerkingen en scholen in Antwerpen",
        network_day,
        13,
        16,
        kind=EventKind.LEARNING_NETWORK,
        audience=Audience.COORDINATORS,
        place="Thomas More, campus Mechelen",
        capacity=40,
        deadline_days=5,
    )
    sprong = _season_day(5, 20)
    _event(
        admin,
        "Leersprongdag",
        sprong,
        9,
        16,
        kind=EventKind.LEERSPRONGDAG,
        place="Vooruit, Gent",
        capacity=150,
        deadline_days=10,
    )
