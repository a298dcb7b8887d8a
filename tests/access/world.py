"""A small world with one user per role and objects in and out of their scope, for the
access matrix and the policy tests. Features add their objects here (one attribute each).

Besides one insider per role, the world holds OUTSIDERS: people with the same role who are
not on the record (issue 11). Every route's row declares what each of them gets: on an
object route that is 404 (the object does not exist for them), never 200."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

from buddywerk.access.models import Role, User
from buddywerk.geo.models import Municipality, Province
from buddywerk.organisations.models import City, OrganisationKind
from tests.factories import (
    BuddyFactory,
    FamilyFactory,
    OrganisationFactory,
    ProgrammeFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    ServiceFactory,
    UserFactory,
    member,
    postcode,
)

ANONYMOUS = "anonymous"
# Outsiders, with the role whose insider they shadow.
BUDDY_OTHER_DUO = "buddy_other_duo"  # approved buddy of the same programmes, own duos
DECLINED_APPLICANT = "declined_applicant"  # applied to the same programmes, declined
PENDING_APPLICANT = "pending_applicant"  # applied to the same programmes, not yet screened
OTHER_SCHOOL_STAFF = "school_staff_other_school"  # care coordinator of School B
OTHER_COORDINATOR = "coordinator_other_programme"  # lead coordinator of Buddy Gent
OTHER_CITY_STAFF = "city_staff_other_city"  # staff of the city of Gent (issue 14)
# Issue 20: a supervisor of another teacher-training institution than the world buddy's.
OTHER_SUPERVISOR = "supervisor_other_institution"
OTHER_REGIONAL = "regional_coordinator_other_province"  # Oost-Vlaanderen (issue 20)
# Issue 20, point 3: staff of Service B (the insider works for Service A).
OTHER_SERVICE_STAFF = "service_staff_other_service"
OUTSIDERS = {
    BUDDY_OTHER_DUO: Role.BUDDY.value,
    DECLINED_APPLICANT: Role.BUDDY.value,
    PENDING_APPLICANT: Role.BUDDY.value,
    OTHER_SCHOOL_STAFF: Role.SCHOOL_STAFF.value,
    OTHER_COORDINATOR: Role.PROGRAMME_COORDINATOR.value,
    OTHER_CITY_STAFF: Role.CITY_STAFF.value,
    OTHER_SUPERVISOR: Role.INTERNSHIP_SUPERVISOR.value,
    OTHER_REGIONAL: Role.REGIONAL_COORDINATOR.value,
    OTHER_SERVICE_STAFF: Role.SERVICE_STAFF.value,
}
ROLES = [ANONYMOUS, *[role.value for role in Role], *OUTSIDERS]


@dataclass
class World:
    users: dict[str, User | None]
    objects: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.objects[name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    def reread(self) -> "World":
        """The same world with every user and object read again from the database, so
        that no test sees what an earlier one did to the Python objects."""

        def fresh(obj: Any) -> Any:
            if isinstance(obj, Model):
                return type(obj)._base_manager.get(pk=obj.pk)
            return obj

        return World(
            users={role: fresh(user) for role, user in self.users.items()},
            objects={name: fresh(obj) for name, obj in self.objects.items()},
        )


def build_world() -> World:
    programme = ProgrammeFactory(name="Buddy Mechelen (test)")
    other_programme = ProgrammeFactory(
        name="Buddy Gent (test)", municipalities=Municipality.objects.filter(nis_code="44021")
    )
    school = SchoolFactory(name="School A")
    other_school = SchoolFactory(name="School B", postcode=postcode("9000"))
    # Issue 20: a registered service in Mechelen (province of Antwerp, the world region's).
    service = ServiceFactory(name="Service A")
    other_service = ServiceFactory(name="Service B")
    region = OrganisationFactory(
        name="Regio Antwerpen (test)",
        kind=OrganisationKind.REGION,
        province=Province.objects.get(code="VAN"),
    )
    funder = OrganisationFactory(name="Funder (test)", kind=OrganisationKind.FUNDER)
    umbrella = OrganisationFactory(name="Umbrella (test)", kind=OrganisationKind.UMBRELLA)
    # Issue 14, point 3: the city of Mechelen, where the world's programme and School A are.
    city = City.objects.create(
        name="Stad Mechelen (test)",
        kind=OrganisationKind.CITY,
        municipality=Municipality.objects.get(nis_code="12025"),
    )

    buddy_user = UserFactory(email="buddy@example.org")
    buddy = BuddyFactory(user=buddy_user, programmes=[programme])
    users: dict[str, User | None] = {
        ANONYMOUS: None,
        Role.BUDDY: member(buddy_user, programme, Role.BUDDY),
        Role.SCHOOL_STAFF: member(
            UserFactory(email="staff@example.org"), school, Role.SCHOOL_STAFF, is_lead=True
        ),
        Role.PROGRAMME_COORDINATOR: member(
            UserFactory(email="coordinator@example.org"),
            programme,
            Role.PROGRAMME_COORDINATOR,
            is_lead=True,
        ),
        Role.REGIONAL_COORDINATOR: member(
            UserFactory(email="region@example.org"), region, Role.REGIONAL_COORDINATOR
        ),
        Role.FUNDER: member(UserFactory(email="funder@example.org"), funder, Role.FUNDER),
        Role.CITY_STAFF: member(UserFactory(email="city@example.org"), city, Role.CITY_STAFF),
        Role.PLATFORM_ADMIN: member(
            UserFactory(email="admin@example.org", is_staff=True), umbrella, Role.PLATFORM_ADMIN
        ),
        Role.SERVICE_STAFF: member(
            UserFactory(email="service@example.org"), service, Role.SERVICE_STAFF, is_lead=True
        ),
    }
    service_colleague = member(
        UserFactory(email="service-colleague@example.org"), service, Role.SERVICE_STAFF
    )
    pupil = PupilFactory(school=school)
    other_pupil = PupilFactory(school=other_school)
    referral = ReferralFactory(programme=programme, pupil=pupil)
    other_referral = ReferralFactory(programme=other_programme, pupil=other_pupil)
    family = FamilyFactory(referred_by=service)
    draft_referral = ReferralFactory(programme=programme, pupil=pupil, draft=True)
    # organisations: registrations waiting for a platform admin, and a non-lead colleague
    # whom the school's care coordinator may revoke.
    pending_school = SchoolFactory(name="School C (pending)", confirmed_at=None)
    declinable_school = SchoolFactory(name="School D (pending)", confirmed_at=None)
    staff_colleague = member(UserFactory(email="colleague@example.org"), school, Role.SCHOOL_STAFF)
    duo, duo_meeting = _duo(programme=programme, buddy=buddy, school=school)
    duo_planned_meeting = _planned_meeting(duo)
    internship_objects = _internship_objects(buddy=buddy, users=users, programme=programme)
    world = World(
        users=users,
        objects={
            # trajectories: an active duo of the world's buddy with a pupil of School A.
            "duo": duo,
            "duo_meeting": duo_meeting,
            "duo_planned_meeting": duo_planned_meeting,
            "programme": programme,
            "other_programme": other_programme,
            "school": school,
            "other_school": other_school,
            "service": service,
            "other_service": other_service,
            "service_colleague": service_colleague,
            "buddy": buddy,
            "pupil": pupil,
            "other_pupil": other_pupil,
            "referral": referral,
            "other_referral": other_referral,
            "family": family,
            **_buddies_objects(programme=programme, coordinator=users[Role.PROGRAMME_COORDINATOR]),
            "draft_referral": draft_referral,
            "pending_school": pending_school,
            "declinable_school": declinable_school,
            "staff_colleague": staff_colleague,
            "region": region,
            **_learning_and_network(
                programme=programme,
                buddy=buddy,
                service=service,
                region=region,
                organiser=users[Role.REGIONAL_COORDINATOR],
            ),
            **_matching_objects(programme=programme, buddy=buddy, school=school),
            **_followup_objects(duo=duo, users=users),
            **_expenses_objects(duo=duo),
            **_funds_objects(duo=duo, users=users),
            **internship_objects,
        },
    )
    users.update(_outsiders(world))
    return world


def _funds_objects(*, duo, users):
    """funds: a justified study grant for the duo's pupil, requested by the world's buddy
    and approved by the world's coordinator and a colleague (four-eyes), with a receipt."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from buddywerk.funds import services as funds
    from buddywerk.reports.periods import school_year_of

    coordinator = users[Role.PROGRAMME_COORDINATOR]
    colleague = member(
        UserFactory(email="treasurer@example.org"), duo.programme, Role.PROGRAMME_COORDINATOR
    )
    funds.grant_fund_set(
        programme=duo.programme,
        school_year=school_year_of(timezone.localdate()),
        amount="500.00",
        funder="Stad Mechelen",
        actor=coordinator,
    )
    grant = funds.grant_request(
        trajectory=duo,
        pupil=duo.participants.get().pupil,
        purpose="tools",
        amount="120.00",
        reason="Tools for the course",
        actor=duo.buddy.user,
    )
    funds.grant_submit(grant=grant, actor=duo.buddy.user)
    funds.grant_approve(grant=grant, actor=coordinator)
    funds.grant_approve(grant=grant, actor=colleague)
    funds.grant_payment_record(
        grant=grant,
        amount="120.00",
        payee="supplier",
        payee_name="Brico",
        paid_on=timezone.localdate(),
        reference="BW-1",
        actor=colleague,
    )
    receipt = funds.grant_receipt_add(
        grant=grant,
        file=SimpleUploadedFile("bon.pdf", b"%PDF-1.4\n%%EOF\n"),
        actor=duo.buddy.user,
    )
    # A cost the programme entered with its receipt (point 5): its coordinators only.
    cost = funds.cost_record(
        programme=duo.programme,
        category="other",
        description="Zaalhuur",
        amount="45.00",
        spent_on=timezone.localdate(),
        receipt=SimpleUploadedFile("zaal.pdf", b"%PDF-1.4\n%%EOF\n"),
        actor=coordinator,
    )
    return {"grant": grant, "grant_receipt": receipt, "cost": cost}


def _outsiders(world: World) -> dict[str, User]:
    """Issue 11: people of the same role who are not on the world's records."""
    from buddywerk.buddies import services as buddy_services
    from buddywerk.buddies.models import ScreeningStatus
    from buddywerk.learning.models import CalendarFeed
    from tests.trajectories.factories import TrajectoryFactory

    programmes = [world.programme, world.family_programme]

    def buddy_of_both(email: str, status: str) -> User:
        user = UserFactory(email=email)
        BuddyFactory(user=user, programmes=programmes, status=status)
        for programme in programmes:
            member(user, programme, Role.BUDDY)
        return user

    # An approved buddy with a duo of their own in each programme: a pupil of School A,
    # and another family referred by the same service.
    other_buddy = buddy_of_both("buddy-b@example.org", ScreeningStatus.APPROVED)
    TrajectoryFactory(programme=world.programme, buddy=other_buddy.buddy, school=world.school)
    TrajectoryFactory(
        family=True,
        programme=world.family_programme,
        buddy=other_buddy.buddy,
        service=world.service,
    )
    # Declined through the screening service, as a coordinator does it.
    declined = buddy_of_both("declined@example.org", ScreeningStatus.APPLIED)
    buddy_services.buddy_decline(
        actor=world.users[Role.PROGRAMME_COORDINATOR],
        buddy=declined.buddy,
        programme=world.programme,
        reason="Geen uittreksel.",
    )
    pending = buddy_of_both("applicant@example.org", ScreeningStatus.APPLIED)
    # A calendar link left over from before the checks: its owner is not approved.
    world.objects["applicant_calendar_feed"] = CalendarFeed.objects.create(
        buddy=pending.buddy, token="applicant-calendar-token"
    )
    return {
        BUDDY_OTHER_DUO: other_buddy,
        DECLINED_APPLICANT: declined,
        PENDING_APPLICANT: pending,
        OTHER_SCHOOL_STAFF: member(
            UserFactory(email="staff-b@example.org"),
            world.other_school,
            Role.SCHOOL_STAFF,
            is_lead=True,
        ),
        OTHER_COORDINATOR: member(
            UserFactory(email="coordinator-gent@example.org"),
            world.other_programme,
            Role.PROGRAMME_COORDINATOR,
            is_lead=True,
        ),
        OTHER_SUPERVISOR: member(
            UserFactory(email="supervisor-b@example.org"),
            world.other_institution,
            Role.INTERNSHIP_SUPERVISOR,
            is_lead=True,
        ),
        OTHER_CITY_STAFF: member(
            UserFactory(email="city-gent@example.org"),
            City.objects.create(
                name="Stad Gent (test)",
                kind=OrganisationKind.CITY,
                municipality=Municipality.objects.get(nis_code="44021"),
            ),
            Role.CITY_STAFF,
        ),
        OTHER_SERVICE_STAFF: member(
            UserFactory(email="service-b@example.org"),
            world.other_service,
            Role.SERVICE_STAFF,
            is_lead=True,
        ),
        OTHER_REGIONAL: member(
            UserFactory(email="region-ovl@example.org"),
            OrganisationFactory(
                name="Regio Oost-Vlaanderen (test)",
                kind=OrganisationKind.REGION,
                province=Province.objects.get(code="VOV"),
            ),
            Role.REGIONAL_COORDINATOR,
        ),
    }


def _learning_and_network(**context):
    """learning and network: events, modules, practice sheets, proposals, questions."""
    from tests.learning.world import objects as learning_objects
    from tests.network.world import objects as network_objects

    return {**learning_objects(**context), **network_objects(**context)}


def _matching_objects(*, programme, buddy, school):
    """matching: a pending proposal of the world's buddy for a pupil of School A."""
    from tests.matching.helpers import open_proposal

    return {"proposal": open_proposal(programme=programme, buddy=buddy, school=school)}


def _duo(*, programme, buddy, school):
    """trajectories: an active duo (agreements confirmed) with one logged meeting."""
    from django.utils import timezone

    from buddywerk.trajectories import services as duo_services
    from tests.trajectories.factories import TrajectoryFactory

    duo = TrajectoryFactory(
        programme=programme,
        buddy=buddy,
        school=school,
        planned_start=timezone.localdate() - dt.timedelta(days=14),
    )
    meeting = duo_services.meeting_log(
        actor=buddy.user, trajectory=duo, date=timezone.localdate(), duration_minutes=45
    )
    return duo, meeting


def _planned_meeting(duo):
    """trajectories: a meeting the buddy planned ahead (to cancel or move, issue 16)."""
    from django.utils import timezone

    from buddywerk.trajectories import services as duo_services

    return duo_services.meeting_plan(
        actor=duo.buddy.user,
        trajectory=duo,
        date=timezone.localdate() + dt.timedelta(days=7),
        start_time=dt.time(15, 30),
    )


def _buddies_objects(*, programme, coordinator):
    """buddies: a checked import of the programme (for the import pages)."""
    from buddywerk.buddies.models import BuddyImport, ImportStatus
    from tests.buddies.factories import institution

    return {
        "buddy_import": BuddyImport.objects.create(
            programme=programme,
            training_institution=institution(),
            created_by=coordinator,
            filename="studenten.csv",
            file_format="csv",
            status=ImportStatus.CHECKED,
        )
    }


def _followup_objects(*, duo, users):
    """trajectories follow-up: a concern the buddy raised, a kijkwijzer with one action."""
    from tests.followup.world import objects

    return objects(duo=duo, coordinator=users[Role.PROGRAMME_COORDINATOR])


def _expenses_objects(*, duo):
    """expenses: this year's figures and a submitted claim of the buddy with a receipt."""
    from tests.expenses.world import objects

    return objects(duo=duo)


def _internship_objects(*, buddy, users, programme):
    """internships (issue 20): the world buddy studies at Thomas More and shares with it;
    its contact supervisor is the insider; another institution has its own supervisor
    (an outsider); a colleague to revoke, a partnership and an attestation of hours."""
    from buddywerk.internships import services as internship_services
    from buddywerk.internships.models import InstitutionPartnership
    from buddywerk.organisations.models import TrainingInstitution
    from tests.buddies.factories import institution as make_institution

    institution = make_institution()
    other_institution = TrainingInstitution.objects.create(
        name="Arteveldehogeschool (test)", kind=OrganisationKind.TRAINING_INSTITUTION
    )
    users[Role.INTERNSHIP_SUPERVISOR] = member(
        UserFactory(email="supervisor@example.org"),
        institution,
        Role.INTERNSHIP_SUPERVISOR,
        is_lead=True,
    )
    supervisor_colleague = member(
        UserFactory(email="supervisor-colleague@example.org"),
        institution,
        Role.INTERNSHIP_SUPERVISOR,
    )
    internship_services.sharing_consent_give(actor=buddy.user, institution=institution)
    attestation = internship_services.attestation_issue(
        actor=buddy.user, school_year=_school_year_now()
    )
    partnership = InstitutionPartnership.objects.create(
        institution=institution,
        programme=programme,
        since=dt.date(2024, 9, 1),
        student_count=4,
    )
    return {
        "institution": institution,
        "other_institution": other_institution,
        "supervisor_colleague": supervisor_colleague,
        "attestation": attestation,
        "partnership": partnership,
    }


def _school_year_now() -> int:
    from django.utils import timezone

    from buddywerk.reports.periods import school_year_of

    return school_year_of(timezone.localdate())
