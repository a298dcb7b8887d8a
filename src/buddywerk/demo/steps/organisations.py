"""Step: the organisations a platform admin sets up: the funder, a regional coordination,
a reception service for newcomer families, the programmes and the teacher-training
institutions."""

import csv
from dataclasses import dataclass, field

from django.conf import settings

from buddywerk.common.vocabulary import MeetingMode
from buddywerk.geo.models import Municipality, Province
from buddywerk.organisations.models import (
    City,
    Organisation,
    OrganisationKind,
    ParticipantKind,
    Programme,
    Service,
    ServiceKind,
    TrainingInstitution,
)
from buddywerk.organisations.services import organisation_save, service_register

from ..people import person

PRIMARY = [1, 2, 3, 4, 5, 6]
FIRST_GRADE = [7, 8]
SECONDARY = [7, 8, 9, 10, 11, 12]
# R1: the kinds every school programme may recruit; role model and sector mentor are
# additions some programmes make [001].
R1_KINDS = ["student_internship", "student", "teacher", "retired_teacher"]

# (name, kind, province code)
OTHERS = [
    ("Departement Onderwijs en Vorming", OrganisationKind.FUNDER, None),
    ("Regio Antwerpen", OrganisationKind.REGION, "VAN"),
]
# Issue 20, point 3: the services the platform admin registers on the services page
# (Gent lies outside the demo's regional coordination of Antwerpen).
SERVICES: list[dict[str, object]] = [
    {
        "name": "Onthaalbureau Gent",
        "service_kind": ServiceKind.WELCOME_OFFICE,
        "nis_code": "44021",
        "contact_email": "onthaal@demo.buddywerk.be",
        "contact_phone": "09 265 78 40",
        "languages": ["nl", "fr", "en", "ar", "tr", "ru"],
    },
]
# (name, NIS code): city administrations whose staff read their municipality's figures.
CITIES = [("Stad Mechelen", "12025")]


@dataclass(frozen=True)
class DemoProgramme:
    name: str
    organising_body: str
    participant_kind: str
    coverage: list[str]  # NIS codes; the first gives the province
    description: str
    years: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)
    website: str = ""
    contact_email: str = ""
    accepts_buddies: bool = True
    accepts_referrals: bool = True


# Real initiatives of data/buddy_initiatives.csv, described in our own words; their target
# years, buddy kinds and modes are plausible demo settings, not facts about them.
PROGRAMMES = [
    DemoProgramme(
        "Buddy Mechelen",
        "Stad Mechelen, team Leerrecht en GOK",
        ParticipantKind.PUPILS,
        ["12025"],
        "Een buddy komt elke week naar school voor één leerling die het moeilijk heeft. "
        "Samen werken ze aan welbevinden, zelfvertrouwen en talenten.",
        years=PRIMARY + FIRST_GRADE,
        kinds=[*R1_KINDS, "role_model", "sector_mentor"],
        modes=[MeetingMode.SCHOOL],
        website="https://www.mechelen.be/buddy",
        contact_email="buddy@demo.buddywerk.be",
    ),
    DemoProgramme(
        "Gezinsbuddy Gent",
        "Stad Gent, Agentschap Integratie en Inburgering",
        ParticipantKind.FAMILIES,
        ["44021", "44084", "44085"],
        "Een vrijwilliger gaat zes maanden lang twee keer per maand op bezoek bij een "
        "nieuw gezin. Samen ontdekken ze de buurt, de school en de diensten in Gent.",
        kinds=R1_KINDS,
        modes=[MeetingMode.HOME],
        contact_email="gezinsbuddy@demo.buddywerk.be",
    ),
    DemoProgramme(
        "Buddy Leuven",
        "Stad Leuven, met KU Leuven, UCLL en VUB",
        ParticipantKind.PUPILS,
        ["24062"],
        "Studenten en vrijwilligers helpen na de schooltijd op school één of twee leerlingen "
        "die een extra duwtje nodig hebben: bij een vak, bij leren plannen en studeren, en "
        "met een portie moed. Een van de oudste en grootste buddywerkingen van Vlaanderen.",
        years=PRIMARY + SECONDARY,
        kinds=R1_KINDS,
        modes=[MeetingMode.SCHOOL],
        website="https://www.buddyleuven.be",
    ),
    DemoProgramme(
        "Tandem Gent",
        "IN-Gent vzw",
        ParticipantKind.FAMILIES,
        ["44021"],
        "Een vrijwilliger en een nieuw gezin spreken een half jaar lang twee keer per maand af "
        "om samen iets te doen. Zo leert het gezin de stad kennen: de bib, de kinderopvang, de "
        "speelpleinen. En onderweg oefenen ze Nederlands.",
        kinds=["student", "teacher", "retired_teacher", "role_model"],
        modes=[MeetingMode.HOME],
    ),
    DemoProgramme(
        "Compagnons Pelt",
        "Lokale buddywerking in Pelt",
        ParticipantKind.BOTH,
        ["72043"],
        "Buddy's trekken er samen met een kind en zijn gezin op uit. Ze luisteren, denken mee "
        "en zoeken samen de weg naar wat het gezin nodig heeft.",
        years=PRIMARY,
        kinds=["student", "teacher", "retired_teacher"],
        modes=[MeetingMode.HOME],
        accepts_buddies=False,
    ),
    DemoProgramme(
        "De Huiswerkbrug Tienen",
        "De Huiswerkbrug",
        ParticipantKind.BOTH,
        ["24107"],
        "Een vrijwilliger komt aan huis en helpt het kind en het gezin om structuur te brengen "
        "in het huiswerk. Ook de ouders leren hoe ze hun kind kunnen steunen.",
        years=PRIMARY + SECONDARY,
        kinds=["student", "teacher", "retired_teacher"],
        modes=[MeetingMode.HOME],
    ),
    DemoProgramme(
        "Mentor2Study Vilvoorde",
        "vzw 1.001 Schakels",
        ParticipantKind.PUPILS,
        ["23088"],
        "Studenten, vaak zelf oud-deelnemers, nemen jongeren uit het secundair onder hun "
        "vleugels: huiswerk, zelfvertrouwen, en kijken naar wat na de middelbare school komt.",
        years=SECONDARY,
        kinds=["student_internship", "student", "role_model"],
        modes=[MeetingMode.SCHOOL, MeetingMode.ONLINE],
    ),
    DemoProgramme(
        "Tutorproject Arteveldehogeschool",
        "Arteveldehogeschool",
        ParticipantKind.PUPILS,
        ["44021"],
        "Studenten onderwijs en sociaal werk gaan aan huis bij leerlingen uit gezinnen die het "
        "moeilijk hebben, voor taal, huiswerk en leren leren.",
        years=PRIMARY + FIRST_GRADE,
        kinds=["student_internship"],
        modes=[MeetingMode.HOME],
        accepts_referrals=False,
    ),
    DemoProgramme(
        "Buddytraject Wetteren",
        "Gemeente Wetteren",
        ParticipantKind.FAMILIES,
        ["42025"],
        "Buddy's uit de gemeente maken nieuwe inwoners wegwijs: waar is de sportclub, de "
        "muziekschool, het gemeentehuis? Ze zoeken samen wat past bij het gezin.",
        kinds=["student", "teacher", "retired_teacher", "role_model"],
        modes=[MeetingMode.HOME],
    ),
]

# The campus of the demo's student buddies; the others come from the data file.
THOMAS_MORE_MECHELEN = ("Thomas More", "Mechelen", "12025")


def _institutions() -> list[tuple[str, str, str]]:
    """(name, campus, NIS code) of data/teacher_training_institutions.csv."""
    path = settings.DATA_DIR / "teacher_training_institutions.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            (row["institution"].strip()[:200], row["campus"].strip()[:120], row["nis_code"].strip())
            for row in csv.DictReader(handle)
        ]


def organisations() -> None:
    """The platform admin sets up, through the admin's service (`organisation_save`):
    the funder (Departement Onderwijs en Vorming), the regional coordination of
    Antwerpen, the city of Mechelen (its staff read Mechelen's figures), the reception
    service Onthaalbureau Gent (registered on the services page with `service_register`:
    a welcome office in Gent that speaks six languages; it refers newcomer families),
    nine programmes from data/buddy_initiatives.csv (Buddy Mechelen for pupils and
    Gezinsbuddy Gent for families are the demo's own; Compagnons Pelt takes no buddies
    now and the Arteveldehogeschool tutor project no referrals) and the teacher-training
    institutions of data/teacher_training_institutions.csv. The public programme finder
    and the buddy registration form list them."""
    admin = person("admin")
    provinces = {p.code: p for p in Province.objects.all()}
    for name, kind, province in OTHERS:
        if not Organisation.objects.filter(name=name).exists():
            organisation_save(
                actor=admin,
                organisation=Organisation(),
                fields={
                    "name": name,
                    "kind": kind,
                    "province": provinces[province] if province else None,
                },
            )
    municipalities = {m.nis_code: m for m in Municipality.objects.select_related("province")}
    for service in SERVICES:
        if not Service.objects.filter(name=service["name"]).exists():
            fields = {k: v for k, v in service.items() if k != "nis_code"}
            service_register(
                actor=admin,
                fields={**fields, "municipality": municipalities[str(service["nis_code"])]},
            )
    # Issue 14, point 3: the city of Mechelen, whose staff read Mechelen's figures.
    for name, nis_code in CITIES:
        if not City.objects.filter(municipality_id=nis_code).exists():
            organisation_save(
                actor=admin,
                organisation=City(),
                fields={"name": name, "municipality": municipalities[nis_code]},
            )
    for spec in PROGRAMMES:
        if Programme.objects.filter(name=spec.name).exists():
            continue
        organisation_save(
            actor=admin,
            organisation=Programme(),
            fields={
                "name": spec.name,
                "province": municipalities[spec.coverage[0]].province,
                "organising_body": spec.organising_body,
                "participant_kind": spec.participant_kind,
                "description": spec.description,
                "website": spec.website,
                "contact_email": spec.contact_email,
                "accepts_buddies": spec.accepts_buddies,
                "accepts_referrals": spec.accepts_referrals,
                "target_school_years": spec.years,
                "buddy_kinds": spec.kinds,
                "meeting_modes": [str(mode) for mode in spec.modes],
                "municipalities": [municipalities[code] for code in spec.coverage],
            },
        )
    for name, campus, nis_code in [THOMAS_MORE_MECHELEN, *_institutions()]:
        if TrainingInstitution.objects.filter(name=name, campus=campus).exists():
            continue
        organisation_save(
            actor=admin,
            organisation=TrainingInstitution(),
            fields={
                "name": name,
                "campus": campus,
                "municipality": municipalities.get(nis_code) if nis_code else None,
            },
        )
