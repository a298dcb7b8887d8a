"""Step: the schools, as schools join in real life: from the education department's
official list, or through the public registration form and a platform admin's
confirmation."""

from buddywerk.geo.models import Postcode
from buddywerk.organisations.models import School, SchoolLevel
from buddywerk.organisations.school_import import schools_import
from buddywerk.organisations.services import school_confirm, school_register

from ..people import account, person, sign_in_ready

# Registered through the public form, by their care coordinator (a demo account), and
# confirmed by the platform admin: (name, demo school number, level, street, postcode,
# care coordinator's mailbox).
REGISTERED = [
    (
        "Basisschool Ursulinen Mechelen",
        "900001",
        SchoolLevel.PRIMARY,
        "Hoogstraat 35",
        "2800",
        "zorg.ursulinen",
    ),
    (
        "Busleyden Atheneum Pitzemburg",
        "900002",
        SchoolLevel.SECONDARY,
        "Hanswijkstraat 2",
        "2800",
        "zorg.busleyden",
    ),
]

# From the official list (buddywerk import-schools): confirmed, nobody of the school has
# an account yet. School numbers are invented, places real.
OFFICIAL_LIST = """instellingsnummer;naam;straat;postcode;gemeente;niveau
900003;Basisschool De Regenboog;Kerkstraat 10;2811;Mechelen;Gewoon basisonderwijs
900004;Sint-Barbaracollege;Savaanstraat 24;9000;Gent;Gewoon secundair onderwijs
"""

# Registered, waiting for the platform admin's decision.
WAITING = (
    "Vrije Basisschool Ruisbroek",
    "900005",
    SchoolLevel.PRIMARY,
    "Kerkplein 1",
    "2870",
    ("Ruben Directeur", "directie.ruisbroek@demo.buddywerk.be"),
)


def schools() -> None:
    """You find four confirmed schools: Basisschool Ursulinen Mechelen and Busleyden
    Atheneum Pitzemburg registered themselves and the platform admin confirmed them,
    which made their care coordinators' accounts (zorg.ursulinen, zorg.busleyden); Basisschool
    De Regenboog and Sint-Barbaracollege came from the official list. The Vrije
    Basisschool Ruisbroek registered and waits for the platform admin (Scholen >
    Aanmeldingen)."""
    admin = person("admin")
    for name, number, level, street, code, mailbox in REGISTERED:
        if School.objects.filter(school_number=number).exists():
            continue
        coordinator = account(mailbox)
        school = school_register(
            actor=None,
            school_number=number,
            name=name,
            level=level,
            street=street,
            postcode=Postcode.objects.get(code=code),
            registrant_name=f"{coordinator.first_name} {coordinator.last_name}",
            registrant_email=coordinator.email,
        )
        school_confirm(actor=admin, school=school)
        sign_in_ready(person(mailbox))
    if not School.objects.filter(school_number__in=["900003", "900004"]).exists():
        schools_import(actor=admin, data=OFFICIAL_LIST.encode())
    name, number, level, street, code, (registrant, email) = WAITING
    if not School.objects.filter(school_number=number).exists():
        school_register(
            actor=None,
            school_number=number,
            name=name,
            level=level,
            street=street,
            postcode=Postcode.objects.get(code=code),
            registrant_name=registrant,
            registrant_email=email,
        )
