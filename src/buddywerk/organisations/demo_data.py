"""Demo programmes and teacher-training institutions. Idempotent: keyed on names.

The programmes are real initiatives from data/buddy_initiatives.csv, described in our own
words; their target years, buddy kinds and modes are plausible demo settings, not facts
about the initiatives. The institutions come from data/teacher_training_institutions.csv.
"""

import csv
from dataclasses import dataclass, field

from django.conf import settings

from buddywerk.common.vocabulary import MeetingMode
from buddywerk.geo.models import Municipality

from .models import OrganisationKind, ParticipantKind, Programme, TrainingInstitution

PRIMARY = [1, 2, 3, 4, 5, 6]
FIRST_GRADE = [7, 8]
SECONDARY = [7, 8, 9, 10, 11, 12]
# R1: the kinds every school programme may recruit; role model and sector mentor are
# additions some programmes make [001].
R1_KINDS = ["student_internship", "student", "teacher", "retired_teacher"]


@dataclass(frozen=True)
class DemoProgramme:
    name: str
    organising_body: str
    participant_kind: str
    coverage: list[str]
    description: str
    years: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)
    website: str = ""
    accepts_buddies: bool = True
    accepts_referrals: bool = True


# The two programmes of demo/world.py get their lists here; the others are created.
PROGRAMMES = [
    DemoProgramme(
        "Buddy Mechelen",
        "Stad Mechelen, team Leerrecht en GOK",
        ParticipantKind.PUPILS,
        ["12025"],
        "",
        years=PRIMARY + FIRST_GRADE,
        kinds=[*R1_KINDS, "role_model", "sector_mentor"],
        modes=[MeetingMode.SCHOOL],
    ),
    DemoProgramme(
        "Gezinsbuddy Gent",
        "",
        ParticipantKind.FAMILIES,
        ["44021", "44084", "44085"],
        "",
        kinds=R1_KINDS,
        modes=[MeetingMode.HOME],
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


def _programmes() -> None:
    municipalities = {m.nis_code: m for m in Municipality.objects.select_related("province")}
    for spec in PROGRAMMES:
        home = municipalities[spec.coverage[0]]
        programme = Programme.objects.filter(name=spec.name).first()
        if programme is None:
            programme = Programme(
                name=spec.name,
                kind=OrganisationKind.PROGRAMME,
                province=home.province,
                organising_body=spec.organising_body,
                participant_kind=spec.participant_kind,
                description=spec.description,
                website=spec.website,
                accepts_buddies=spec.accepts_buddies,
                accepts_referrals=spec.accepts_referrals,
            )
        programme.target_school_years = spec.years
        programme.buddy_kinds = spec.kinds
        programme.meeting_modes = [str(mode) for mode in spec.modes]
        programme.full_clean()
        programme.save()
        if not programme.municipalities.exists():
            programme.municipalities.set([municipalities[code] for code in spec.coverage])


def _training_institutions() -> None:
    path = settings.DATA_DIR / "teacher_training_institutions.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            nis_code = row["nis_code"].strip()
            TrainingInstitution.objects.get_or_create(
                name=row["institution"].strip()[:200],
                campus=row["campus"].strip()[:120],
                defaults={
                    "kind": OrganisationKind.TRAINING_INSTITUTION,
                    "municipality": Municipality.objects.filter(nis_code=nis_code).first()
                    if nis_code
                    else None,
                },
            )


def build() -> None:
    _programmes()
    _training_institutions()
