"""The people of the demo: the accounts the README lists, the demo password and two-factor
secret, and what a person does with the first mail they get (choose the password,
confirm the address, set up two-factor authentication when their role needs it).

The accounts themselves are made by the steps, through the services that make them in
real life (user_create, school_confirm, school_staff_invite, buddy_register).
"""

from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP

from buddywerk.access import policy
from buddywerk.access.models import Role, User
from buddywerk.buddies.models import BuddyKind, ScreeningStatus

DEMO_DOMAIN = "demo.buddywerk.be"
DEMO_PASSWORD = "Buddywerk-demo-2026"  # noqa: S105 - only ever set on the demo database
# One known TOTP secret for every demo account that needs 2FA. Put it in any
# authenticator app, or ask `buddywerk demo-code EMAIL` for the current code.
DEMO_TOTP_SECRET = "BUDDYWERKDEMO234"  # noqa: S105 - demo database only


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role: Role
    organisation: str
    is_lead: bool = False

    @property
    def local(self) -> str:
        return self.email.split("@")[0]


# Staff accounts, in the order the demo prints them.
ACCOUNTS = [
    DemoAccount(demo_email("admin"), "Ann", "Admin", Role.PLATFORM_ADMIN, "Buddywerk vzw"),
    DemoAccount(
        demo_email("funder"), "Frank", "Fonds", Role.FUNDER, "Departement Onderwijs en Vorming"
    ),
    DemoAccount(
        demo_email("regio.antwerpen"), "Rita", "Regio", Role.REGIONAL_COORDINATOR, "Regio Antwerpen"
    ),
    DemoAccount(demo_email("stad.mechelen"), "Stijn", "Stad", Role.CITY_STAFF, "Stad Mechelen"),
    DemoAccount(
        demo_email("coordinator.mechelen"),
        "Mo",
        "Coördinator",
        Role.PROGRAMME_COORDINATOR,
        "Buddy Mechelen",
        is_lead=True,
    ),
    # Issue 21: the second coordinator of Buddy Mechelen, who co-decides study grants
    # (four-eyes) and records their payments.
    DemoAccount(
        demo_email("penning.mechelen"),
        "Paula",
        "Penning",
        Role.PROGRAMME_COORDINATOR,
        "Buddy Mechelen",
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
        Role.SERVICE_STAFF,
        "Onthaalbureau Gent",
        is_lead=True,
    ),
    # Issue 20: the internship supervisor and contact of Thomas More (campus Mechelen),
    # invited by the platform admin in the internships step.
    DemoAccount(
        demo_email("stage.thomasmore"),
        "Griet",
        "Stagebegeleider",
        Role.INTERNSHIP_SUPERVISOR,
        "Thomas More",
        is_lead=True,
    ),
]


@dataclass(frozen=True)
class DemoBuddy:
    """A buddy of the README's table: who registers, where, and what the programme's
    coordinator decides (`status`, and whether the extract model 2 was seen)."""

    local: str
    first_name: str
    last_name: str
    kind: BuddyKind
    programme: str
    postcode: str
    status: ScreeningStatus
    extract_seen: bool
    level: str = "junior"
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
        "expert",
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
        "expert",
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
        "expert",
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


def account(local: str) -> DemoAccount:
    """The README's staff account `local@demo.buddywerk.be`."""
    return next(a for a in ACCOUNTS if a.local == local)


def person(local: str) -> User:
    """The demo account `local@demo.buddywerk.be` (made by an earlier step)."""
    return User.objects.get(email=demo_email(local))


def existing(local: str) -> User | None:
    return User.objects.filter(email=demo_email(local)).first()


def enrol_totp(user: User) -> None:
    """Pre-enrol the demo TOTP secret, with recovery codes, for a demo account (allauth's
    own enrolment, as the person would on the 2FA set-up page)."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
        RecoveryCodes.activate(user)


def sign_in_ready(user: User) -> User:
    """What a demo person does with their first mail: they choose the demo password (an
    invitation comes without one), confirm their address, and set up two-factor
    authentication when a role of theirs needs it (allauth's own records; no Buddywerk
    service writes them). Changes nothing when that was done already."""
    if not user.has_usable_password():
        get_adapter().set_password(user, DEMO_PASSWORD)
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    elif not address.verified:
        address.set_verified(commit=True)
    policy.forget_memberships(user)
    if policy.requires_mfa(user):
        enrol_totp(user)
    return user
