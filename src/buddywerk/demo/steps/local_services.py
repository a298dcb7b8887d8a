"""Step: the sociale kaart (local services in Gent and Mechelen) and the families the
family buddies introduced to them [004]."""

import datetime as dt

from buddywerk.geo.models import Municipality
from buddywerk.network.models import LocalService, ServiceCategory, ServiceIntroduction
from buddywerk.network.services import service_introduction_record
from buddywerk.trajectories.models import Meeting, Participant

from .. import dates

LOCAL_SERVICES = [
    # (nis, name, category, address, phone, languages, description)
    (
        "44021",
        "Bibliotheek De Krook",
        ServiceCategory.LIBRARY,
        "Miriam Makebaplein 1, 9000 Gent",
        "09 323 68 00",
        ["nl", "fr", "en", "ar", "tr"],
        "Gratis lidkaart voor kinderen, boeken in veel talen, voorleesmomenten.",
    ),
    (
        "44021",
        "Speelpleinwerking Gent",
        ServiceCategory.YOUTH,
        "Kortrijksesteenweg 1, 9000 Gent",
        "",
        ["nl"],
        "Speelpleinen in de vakanties voor kinderen van 3 tot 15 jaar.",
    ),
    (
        "44021",
        "Huis van het Kind Gent",
        ServiceCategory.CHILDCARE,
        "Sint-Salvatorstraat 18, 9000 Gent",
        "",
        ["nl", "fr", "en", "ar"],
        "Hulp bij het vinden van kinderopvang en opvoedingsvragen.",
    ),
    (
        "44021",
        "Zomertaalkamp Gent",
        ServiceCategory.LANGUAGE,
        "Kortrijksepoortstraat 1, 9000 Gent",
        "",
        ["nl"],
        "Kinderen oefenen in de zomer spelenderwijs Nederlands.",
    ),
    (
        "44021",
        "OCMW Gent – Sociaal Huis",
        ServiceCategory.WELFARE,
        "Onderbergen 86, 9000 Gent",
        "",
        ["nl", "fr", "en"],
        "",
    ),
    (
        "12025",
        "Stadsbibliotheek Mechelen",
        ServiceCategory.LIBRARY,
        "Blokstraat 21, 2800 Mechelen",
        "",
        ["nl", "fr", "en"],
        "",
    ),
    (
        "12025",
        "Sportdienst Mechelen",
        ServiceCategory.SPORTS,
        "Veemarkt 45, 2800 Mechelen",
        "",
        ["nl"],
        "Sportkampen en een vrijetijdspas voor gezinnen met een beperkt inkomen.",
    ),
]


# The family buddies led their families to these services (by name).
INTRODUCTIONS = ["Bibliotheek De Krook", "Speelpleinwerking Gent"]


def local_services() -> None:
    """Buddies and coordinators find the sociale kaart of Gent and Mechelen (library,
    playgrounds, childcare, language camp, welfare, sports). Hanna (buddy.gezin) recorded
    that she introduced Familie Diallo to the library at their latest meeting and to the
    playground work ten days ago, so Gezinsbuddy Gent's "services reached" page has
    figures.

    Local services are reference data without a service (the admin and the coordinators
    keep them, like the geography): they are created here as such."""
    for nis_code, name, category, address, phone, languages, description in LOCAL_SERVICES:
        municipality = Municipality.objects.get(nis_code=nis_code)
        if not LocalService.objects.filter(municipality=municipality, name=name).exists():
            LocalService.objects.create(
                municipality=municipality,
                name=name,
                category=category,
                address=address,
                phone=phone,
                languages=languages,
                description=description,
            )
    participants = Participant.objects.filter(family__isnull=False).select_related(
        "family", "trajectory__buddy__user"
    )
    for participant in participants:
        family, trajectory = participant.family, participant.trajectory
        if family is None or ServiceIntroduction.objects.filter(family=family).exists():
            continue
        meeting = (
            Meeting.objects.filter(trajectory=trajectory, date__lte=dates.today())
            .order_by("-date")
            .first()
        )
        for position, name in enumerate(INTRODUCTIONS):
            service = LocalService.objects.get(name=name)
            at_meeting = meeting if position == 0 else None
            service_introduction_record(
                actor=trajectory.buddy.user,
                family=family,
                service=service,
                introduced_on=at_meeting.date
                if at_meeting
                else dates.today() - dt.timedelta(days=10),
                meeting=at_meeting,
                note="",
            )
