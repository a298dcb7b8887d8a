"""Demo data of the learning app: academy modules (two required by Buddy Mechelen), the
coming intervision season with one full intervision and a waiting list, a monthly
meet-up of Gezinsbuddy Gent with its ideas and signals, a learning network and a
leersprongdag. Idempotent: keyed on module slugs and event titles.
"""

import datetime as dt

from django.utils import timezone

from buddywerk.access.models import User
from buddywerk.buddies.models import Buddy
from buddywerk.organisations.models import Programme

from .models import (
    Audience,
    Event,
    EventKind,
    MeetupNote,
    Module,
    ModuleCompletion,
    ModuleFormat,
    Registration,
    RegistrationStatus,
    RegistrationTransition,
    RequiredModule,
)

MODULES = [
    (
        "warme-band",
        "Een warme band opbouwen",
        "Relatie",
        ModuleFormat.TEXT,
        25,
        "## Waarom een warme band eerst komt\n\n"
        "Een leerling die zich **veilig** voelt bij de buddy, durft fouten te maken en "
        "vragen te stellen. Leren komt daarna.\n\n"
        "## Zo begin je\n\n"
        "- Vraag naar wat de leerling graag doet, niet eerst naar punten.\n"
        "- Hou je afspraken: kom op tijd, elke week.\n"
        "- Vertel ook iets over jezelf.\n\n"
        "## Om over na te denken\n\n"
        "Wat maakte dat jij je vroeger veilig voelde bij een volwassene?",
    ),
    (
        "kader-en-afspraken",
        "Een duidelijk kader: wat een buddy wel en niet doet",
        "Afspraken",
        ModuleFormat.GUIDE,
        20,
        "Een buddy helpt met leren en welbevinden. Een buddy doet **geen** hulpverlening en "
        "zoekt geen woning. Merk je een zorg op? Geef ze door aan je coördinator of aan de "
        "school.\n\n"
        "1. Maak bij de start afspraken met de school of het gezin.\n"
        "2. Noteer elk contactmoment.\n"
        "3. Bespreek twijfels in de intervisie.",
    ),
    (
        "rekenen-lager",
        "Remediëring wiskunde in de lagere school",
        "Wiskunde",
        ModuleFormat.WEBINAR,
        45,
        "Een opname van het webinar over rekenen met concreet materiaal, met tips om "
        "bewerkingen stap voor stap op te bouwen.",
    ),
    (
        "ouders-betrekken",
        "Ouders betrekken: de tandem buddy-ouders",
        "Tandem",
        ModuleFormat.VIDEO,
        15,
        "Hoe help je ouders met de schoolagenda en het schoolplatform? En hoe geef je hun "
        "signalen door aan de school?",
    ),
]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _season_day(month: int, day: int) -> dt.date:
    today = timezone.localdate()
    candidate = dt.date(today.year, month, day)
    return (
        candidate
        if candidate > today + dt.timedelta(days=7)
        else candidate.replace(year=today.year + 1)
    )


def _modules() -> None:
    for position, (slug, title, theme, kind, minutes, body) in enumerate(MODULES):
        Module.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "theme": theme,
                "format": kind,
                "minutes": minutes,
                "body": body,
                "position": position,
                "audience": Audience.BUDDIES,
                "url": "https://leerbuddy.vlaanderen/" if kind != ModuleFormat.TEXT else "",
            },
        )
    mechelen = Programme.objects.get(name="Buddy Mechelen")
    for slug in ("warme-band", "kader-en-afspraken"):
        RequiredModule.objects.get_or_create(
            programme=mechelen, module=Module.objects.get(slug=slug)
        )
    # Sara did the first required module; the others still miss one or both.
    sara = Buddy.objects.filter(user__email="buddy.stagiair@demo.buddywerk.be").first()
    if sara is not None:
        ModuleCompletion.objects.get_or_create(
            module=Module.objects.get(slug="warme-band"),
            buddy=sara,
            defaults={"reflection": "Eerst luisteren, dan pas helpen met huiswerk."},
        )


def _event(title: str, **fields: object) -> Event:
    event, _created = Event.objects.get_or_create(title=title, defaults=fields)
    return event


def _register(event: Event, email: str, status: str) -> None:
    buddy = Buddy.objects.filter(user__email=email).first()
    if buddy is None or event.registrations.filter(buddy=buddy).exists():
        return
    registration = Registration.objects.create(event=event, buddy=buddy, status=status)
    RegistrationTransition.objects.create(
        registration=registration, from_status="", to_status=status, actor=buddy.user
    )


def _events() -> None:
    admin = User.objects.filter(email="admin@demo.buddywerk.be").first()
    march = _season_day(3, 12)
    full = _event(
        "Intervisie: een warme band opbouwen",
        kind=EventKind.INTERVISION,
        theme="Een warme band opbouwen",
        description="We delen ervaringen over de eerste weken van een duo.",
        starts_at=_at(march, 19),
        ends_at=_at(march, 21),
        registration_deadline=_at(march - dt.timedelta(days=3), 23),
        place="Stadhuis Mechelen, Grote Markt 21",
        capacity=2,
        created_by=admin,
    )
    _register(full, "buddy.stagiair@demo.buddywerk.be", RegistrationStatus.REGISTERED)
    _register(full, "buddy.leerkracht@demo.buddywerk.be", RegistrationStatus.REGISTERED)
    _register(full, "buddy.gezin@demo.buddywerk.be", RegistrationStatus.WAITING)
    april = _season_day(4, 16)
    _event(
        "Intervisie: remediëring wiskunde in de lagere school",
        kind=EventKind.INTERVISION,
        theme="Remediëring wiskunde in de lagere school",
        starts_at=_at(april, 19),
        ends_at=_at(april, 21),
        registration_deadline=_at(april - dt.timedelta(days=3), 23),
        online_url="https://meet.example.org/intervisie-wiskunde",
        capacity=15,
        created_by=admin,
    )
    gent = Programme.objects.get(name="Gezinsbuddy Gent")
    today = timezone.localdate()
    last_month = today - dt.timedelta(days=20)
    past = _event(
        "Buddymoment Gezinsbuddy Gent (vorige maand)",
        kind=EventKind.MEETUP,
        programme=gent,
        starts_at=_at(last_month, 18),
        ends_at=_at(last_month, 20),
        registration_deadline=_at(last_month - dt.timedelta(days=1), 12),
        place="Buurtcentrum Brugse Poort, Gent",
        capacity=20,
    )
    _register(past, "buddy.gezin@demo.buddywerk.be", RegistrationStatus.REGISTERED)
    _register(past, "buddy.gezin2@demo.buddywerk.be", RegistrationStatus.REGISTERED)
    past.registrations.filter(buddy__user__email="buddy.gezin@demo.buddywerk.be").update(
        attended=True
    )
    coordinator = User.objects.filter(email="coordinator.gent@demo.buddywerk.be").first()
    if coordinator is not None:
        for kind, text in (
            ("signal", "Twee gezinnen vinden geen plaats in de kinderopvang."),
            ("idea", "Een gezamenlijke uitstap naar de bib met alle duo's."),
            ("need", "Buddy's vragen een lijst met taalcursussen in de buurt."),
        ):
            MeetupNote.objects.get_or_create(
                event=past,
                text=text,
                defaults={"programme": gent, "kind": kind, "recorded_by": coordinator},
            )
    next_month = today + dt.timedelta(days=12)
    _event(
        "Buddymoment Gezinsbuddy Gent",
        kind=EventKind.MEETUP,
        programme=gent,
        starts_at=_at(next_month, 18),
        ends_at=_at(next_month, 20),
        registration_deadline=_at(next_month - dt.timedelta(days=1), 12),
        place="Buurtcentrum Brugse Poort, Gent",
        capacity=20,
    )
    network_day = today + dt.timedelta(days=40)
    _event(
        "Lerend netwerk: buddywerkingen en scholen in Antwerpen",
        kind=EventKind.LEARNING_NETWORK,
        audience=Audience.COORDINATORS,
        starts_at=_at(network_day, 13),
        ends_at=_at(network_day, 16),
        registration_deadline=_at(network_day - dt.timedelta(days=5), 23),
        place="Thomas More, campus Mechelen",
        capacity=40,
        created_by=admin,
    )
    sprong = _season_day(5, 20)
    _event(
        "Leersprongdag",
        kind=EventKind.LEERSPRONGDAG,
        starts_at=_at(sprong, 9),
        ends_at=_at(sprong, 16),
        registration_deadline=_at(sprong - dt.timedelta(days=10), 23),
        place="Vooruit, Gent",
        capacity=150,
        created_by=admin,
    )


def build() -> None:
    _modules()
    _events()
