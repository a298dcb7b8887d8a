"""The demo world: a school-buddy programme in Mechelen, a family-buddy programme in Gent,
schools with real names and postcodes, buddies of every kind, pupils and families, and
one account per role. Every step is idempotent (keyed on natural keys), so running the
demo twice changes nothing.

School numbers and people are invented; places and programmes are real (data/SOURCES.md).
Later features add their own steps to STEPS.
"""

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.db import transaction
from django.utils import timezone

from buddywerk.access.models import ROLES_REQUIRING_MFA, Role, User
from buddywerk.access.services import membership_grant
from buddywerk.buddies.models import Buddy, BuddyKind, ExperienceLevel, ScreeningStatus
from buddywerk.geo.models import Municipality, Postcode, Province
from buddywerk.organisations.models import (
    Organisation,
    OrganisationKind,
    ParticipantKind,
    Programme,
    School,
    SchoolLevel,
    TrainingInstitution,
)
from buddywerk.referrals.models import Family, Pupil, ReferralStatus

DEMO_DOMAIN = "demo.buddywerk.be"
DEMO_PASSWORD = "Buddywerk-demo-2026"  # noqa: S105 - only ever set on the demo database
# One known TOTP secret for every demo account that needs 2FA. Put it in any
# authenticator app, or ask `buddywerk demo-code EMAIL` for the current code.
DEMO_TOTP_SECRET = "BUDDYWERKDEMO234"  # noqa: S105 - demo database only


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role: Role
    organisation: str
    is_lead: bool = False


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


ACCOUNTS = [
    DemoAccount(demo_email("admin"), "Ann", "Admin", Role.PLATFORM_ADMIN, "Buddywerk vzw"),
    DemoAccount(
        demo_email("funder"), "Frank", "Fonds", Role.FUNDER, "Departement Onderwijs en Vorming"
    ),
    DemoAccount(
        demo_email("regio.antwerpen"),
        "Rita",
        "Regio",
        Role.REGIONAL_COORDINATOR,
        "Regio Antwerpen",
    ),
    DemoAccount(
        demo_email("coordinator.mechelen"),
        "Mo",
        "Coördinator",
        Role.PROGRAMME_COORDINATOR,
        "Buddy Mechelen",
        is_lead=True,
    ),
    DemoAccount(
        demo_email("coordinator.gent"),
        "Griet",
        "Coördinator",
        Role.PROGRAMME_COORDINATOR,
        "Gezinsbuddy Gent",
        is_lead=True,
    ),
    DemoAccount(
        demo_email("zorg.ursulinen"),
        "Zoë",
        "Zorg",
        Role.SCHOOL_STAFF,
        "Basisschool Ursulinen Mechelen",
        is_lead=True,
    ),
    DemoAccount(
        demo_email("leerkracht.ursulinen"),
        "Lars",
        "Leerkracht",
        Role.SCHOOL_STAFF,
        "Basisschool Ursulinen Mechelen",
    ),
    DemoAccount(
        demo_email("zorg.busleyden"),
        "Bart",
        "Zorg",
        Role.SCHOOL_STAFF,
        "Busleyden Atheneum Pitzemburg",
        is_lead=True,
    ),
    DemoAccount(
        demo_email("onthaal.gent"),
        "Olga",
        "Onthaal",
        Role.SCHOOL_STAFF,
        "Onthaalbureau Gent",
        is_lead=True,
    ),
]


@dataclass(frozen=True)
class DemoBuddy:
    local: str
    first_name: str
    last_name: str
    kind: BuddyKind
    programme: str
    postcode: str
    status: ScreeningStatus
    extract_seen: bool
    level: ExperienceLevel = ExperienceLevel.JUNIOR
    capacity: int = 1


BUDDIES = [
    DemoBuddy(
        "buddy.stagiair",
        "Sara",
        "Stage",
        BuddyKind.STUDENT_INTERNSHIP,
        "Buddy Mechelen",
        "2800",
        ScreeningStatus.APPROVED,
        True,
    ),
    DemoBuddy(
        "buddy.student",
        "Samir",
        "Student",
        BuddyKind.STUDENT,
        "Buddy Mechelen",
        "2801",
        ScreeningStatus.APPROVED,
        True,
        capacity=2,
    ),
    DemoBuddy(
        "buddy.leerkracht",
        "Lotte",
        "Leraar",
        BuddyKind.TEACHER,
        "Buddy Mechelen",
        "2811",
        ScreeningStatus.APPROVED,
        True,
        ExperienceLevel.EXPERT,
        2,
    ),
    DemoBuddy(
        "buddy.oudleerkracht",
        "Paul",
        "Pensioen",
        BuddyKind.RETIRED_TEACHER,
        "Buddy Mechelen",
        "2812",
        ScreeningStatus.APPROVED,
        False,
        ExperienceLevel.EXPERT,
    ),
    DemoBuddy(
        "buddy.rolmodel",
        "Yasmina",
        "Rolmodel",
        BuddyKind.ROLE_MODEL,
        "Buddy Mechelen",
        "2800",
        ScreeningStatus.APPLIED,
        False,
    ),
    DemoBuddy(
        "buddy.mentor",
        "Koen",
        "Mentor",
        BuddyKind.SECTOR_MENTOR,
        "Buddy Mechelen",
        "2820",
        ScreeningStatus.DECLINED,
        False,
    ),
    DemoBuddy(
        "buddy.gezin",
        "Hanna",
        "Gezinsbuddy",
        BuddyKind.TEACHER,
        "Gezinsbuddy Gent",
        "9000",
        ScreeningStatus.APPROVED,
        True,
        ExperienceLevel.EXPERT,
    ),
    DemoBuddy(
        "buddy.gezin2",
        "Jonas",
        "Vrijwilliger",
        BuddyKind.STUDENT,
        "Gezinsbuddy Gent",
        "9040",
        ScreeningStatus.APPROVED,
        True,
    ),
]


def _organisations() -> None:
    antwerpen = Province.objects.get(code="VAN")
    Organisation.objects.get_or_create(name="Buddywerk vzw", kind=OrganisationKind.UMBRELLA)
    Organisation.objects.get_or_create(
        name="Departement Onderwijs en Vorming", kind=OrganisationKind.FUNDER
    )
    Organisation.objects.get_or_create(
        name="Regio Antwerpen", kind=OrganisationKind.REGION, defaults={"province": antwerpen}
    )
    Organisation.objects.get_or_create(name="Onthaalbureau Gent", kind=OrganisationKind.SERVICE)
    mechelen, _ = Programme.objects.get_or_create(
        name="Buddy Mechelen",
        defaults={
            "kind": OrganisationKind.PROGRAMME,
            "province": antwerpen,
            "organising_body": "Stad Mechelen, team Leerrecht en GOK",
            "participant_kind": ParticipantKind.PUPILS,
            "description": (
                "Een buddy komt elke week naar school voor één leerling die het moeilijk heeft. "
                "Samen werken ze aan welbevinden, zelfvertrouwen en talenten."
            ),
            "contact_email": "buddy@demo.buddywerk.be",
            "website": "https://www.mechelen.be/buddy",
        },
    )
    mechelen.municipalities.set(Municipality.objects.filter(nis_code__in=["12025"]))
    gent, _ = Programme.objects.get_or_create(
        name="Gezinsbuddy Gent",
        defaults={
            "kind": OrganisationKind.PROGRAMME,
            "province": Province.objects.get(code="VOV"),
            "organising_body": "Stad Gent, Agentschap Integratie en Inburgering",
            "participant_kind": ParticipantKind.FAMILIES,
            "description": (
                "Een vrijwilliger gaat zes maanden lang twee keer per maand op bezoek bij een "
                "nieuw gezin. Samen ontdekken ze de buurt, de school en de diensten in Gent."
            ),
            "contact_email": "gezinsbuddy@demo.buddywerk.be",
        },
    )
    gent.municipalities.set(Municipality.objects.filter(nis_code__in=["44021", "44084", "44085"]))
    TrainingInstitution.objects.get_or_create(
        name="Thomas More",
        campus="Mechelen",
        defaults={
            "kind": OrganisationKind.TRAINING_INSTITUTION,
            "municipality": Municipality.objects.get(nis_code="12025"),
        },
    )


SCHOOLS = [
    # (name, demo school number, level, street, postcode)
    ("Basisschool Ursulinen Mechelen", "900001", SchoolLevel.PRIMARY, "Hoogstraat 35", "2800"),
    ("Busleyden Atheneum Pitzemburg", "900002", SchoolLevel.SECONDARY, "Hanswijkstraat 2", "2800"),
    ("Basisschool De Regenboog", "900003", SchoolLevel.PRIMARY, "Kerkstraat 10", "2811"),
    ("Sint-Barbaracollege", "900004", SchoolLevel.SECONDARY, "Savaanstraat 24", "9000"),
]


def _schools() -> None:
    for name, number, level, street, code in SCHOOLS:
        postcode = Postcode.objects.select_related("municipality").get(code=code)
        School.objects.get_or_create(
            school_number=number,
            defaults={
                "name": name,
                "kind": OrganisationKind.SCHOOL,
                "level": level,
                "street": street,
                "postcode": postcode,
                "municipality": postcode.municipality,
                "province": postcode.municipality.province,
                "confirmed_at": timezone.now(),
            },
        )
    # One school waits for a platform admin's confirmation.
    postcode = Postcode.objects.select_related("municipality").get(code="2870")
    School.objects.get_or_create(
        school_number="900005",
        defaults={
            "name": "Vrije Basisschool Ruisbroek",
            "kind": OrganisationKind.SCHOOL,
            "level": SchoolLevel.PRIMARY,
            "street": "Kerkplein 1",
            "postcode": postcode,
            "municipality": postcode.municipality,
            "province": postcode.municipality.province,
        },
    )


def _account(email: str, first_name: str, last_name: str) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def enrol_totp(user: User) -> None:
    """Pre-enrol the demo TOTP secret, with recovery codes, for a demo account."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
        RecoveryCodes.activate(user)


def _accounts() -> None:
    for account in ACCOUNTS:
        user = _account(account.email, account.first_name, account.last_name)
        organisation = Organisation.objects.get(name=account.organisation)
        membership_grant(
            actor=None,
            user=user,
            organisation=organisation,
            role=account.role,
            is_lead=account.is_lead,
        )
        if account.role in ROLES_REQUIRING_MFA:
            enrol_totp(user)


def _buddies() -> None:
    today = timezone.localdate()
    institution = TrainingInstitution.objects.get(name="Thomas More", campus="Mechelen")
    for spec in BUDDIES:
        user = _account(demo_email(spec.local), spec.first_name, spec.last_name)
        programme = Programme.objects.get(name=spec.programme)
        buddy, created = Buddy.objects.get_or_create(
            user=user,
            defaults={
                "kind": spec.kind,
                "status": spec.status,
                "level": spec.level,
                "capacity": spec.capacity,
                "home_postcode": Postcode.objects.get(code=spec.postcode),
                "extract_seen_on": today - dt.timedelta(days=30) if spec.extract_seen else None,
                "training_institution": institution
                if spec.kind in {BuddyKind.STUDENT_INTERNSHIP, BuddyKind.STUDENT}
                and spec.programme == "Buddy Mechelen"
                else None,
            },
        )
        buddy.programmes.add(programme)
        if buddy.status != ScreeningStatus.DECLINED:
            # A declined buddy holds no buddy membership (buddies.services: a decline
            # revokes them), as in a real programme.
            membership_grant(actor=None, user=user, organisation=programme, role=Role.BUDDY)


PUPILS = [
    # (first, last, school number, school year, home languages, referral status)
    ("Amira", "El Idrissi", "900001", 6, ["ar", "nl"], ReferralStatus.SUBMITTED),
    ("Lucas", "Peeters", "900001", 1, ["nl"], ReferralStatus.ACCEPTED),
    ("Noor", "Janssens", "900001", 6, ["nl"], ReferralStatus.DRAFT),
    ("Mehmet", "Yilmaz", "900002", 7, ["tr", "nl"], ReferralStatus.WAITING),
    ("Sofia", "Nowak", "900002", 8, ["pl"], ReferralStatus.MATCHED),
    ("Elias", "De Smet", "900003", 1, ["nl"], ReferralStatus.SUBMITTED),
]


def _pupils() -> None:
    """Pupils with a referral each, created and moved through the referral services, so
    every referral has its transition log (ARCHITECTURE.md 4)."""
    from buddywerk.referrals import demo_data, services

    programme = Programme.objects.get(name="Buddy Mechelen")
    for days_ago, (first, last, number, year, languages, status) in enumerate(PUPILS):
        school = School.objects.get(school_number=number)
        if Pupil.objects.filter(school=school, first_name=first, last_name=last).exists():
            continue
        referral = services.pupil_referral_create(
            actor=None,
            school=school,
            programme=programme,
            pupil_data=demo_data.pupil_data(first, last, year, languages),
            referral_data=demo_data.pupil_referral_data(days_ago),
        )
        referral = services.referral_walk(
            actor=None, referral=referral, to_status=status, reason=demo_data.DEMO_REASON
        )
        demo_data.backdate(referral, days=3 + 4 * days_ago)


FAMILIES = [
    # (contact name, household size, children's ages, languages, contact language, postcode)
    ("Familie Haddad", 5, [4, 9, 12], ["ar"], "ar", "9000"),
    ("Familie Tesfaye", 3, [7], ["ti", "en"], "en", "9040"),
]


def _families() -> None:
    """Families referred by the reception service, through the referral services."""
    from buddywerk.referrals import demo_data, services

    service = Organisation.objects.get(name="Onthaalbureau Gent")
    programme = Programme.objects.get(name="Gezinsbuddy Gent")
    for name, size, ages, languages, contact, code in FAMILIES:
        if Family.objects.filter(referred_by=service, contact_name=name).exists():
            continue
        referral = services.family_referral_create(
            actor=None,
            referrer=service,
            programme=programme,
            family_data={
                "contact_name": name,
                "household_size": size,
                "children_ages": ages,
                "languages": languages,
                "contact_language": contact,
                "postcode": Postcode.objects.get(code=code),
            },
            referral_data=demo_data.family_referral_data(),
        )
        referral = services.referral_submit(actor=None, referral=referral)
        demo_data.backdate(referral, days=5)


STEPS: list[Callable[[], None]] = [
    _organisations,
    _schools,
    _accounts,
    _buddies,
    _pupils,
    _families,
]


def _app_steps() -> list[Callable[[], None]]:
    """Each app may add demo data in `<app>/demo_data.py` with an idempotent `build()`."""
    steps = []
    for config in apps.get_app_configs():
        if not config.name.startswith("buddywerk."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo_data")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo_data":
                raise
            continue
        steps.append(module.build)
    return steps


@transaction.atomic
def build_world() -> None:
    for step in [*STEPS, *_app_steps()]:
        step()
