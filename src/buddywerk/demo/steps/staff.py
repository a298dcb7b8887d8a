"""Step: the staff accounts the platform admin (or a school's care coordinator) creates."""

from buddywerk.access.models import Role
from buddywerk.access.services import membership_grant, user_create
from buddywerk.organisations.models import Organisation, School, Service
from buddywerk.organisations.services import school_staff_invite, service_staff_invite

from ..people import ACCOUNTS, existing, person, sign_in_ready


def staff() -> None:
    """You can sign in as every staff account of the README (password Buddywerk-demo-2026,
    two-factor code from `buddywerk demo-code EMAIL`). The funder, the regional
    coordinator of Antwerpen, Stijn of the city of Mechelen, the coordinators of Buddy
    Mechelen and Gezinsbuddy Gent get their account and role from the platform admin (the
    admin's "add user" and "add membership": `user_create`, `membership_grant`); Olga of
    the reception service Onthaalbureau Gent is invited as its staff (service_staff) by
    the platform admin on the service's page (`service_staff_invite`); the teacher Lars is
    invited by his school's care coordinator (`school_staff_invite`). Each chose the demo
    password from the mail they got."""
    admin = person("admin")
    for spec in ACCOUNTS:
        if existing(spec.local) is not None:
            continue  # the admin (platform step), the care coordinators (schools step)
        if spec.role == Role.INTERNSHIP_SUPERVISOR:
            continue  # invited in the internships step, once the students share
        service = Service.objects.filter(name=spec.organisation).first()
        if spec.role == Role.SERVICE_STAFF and service is not None:
            # Issue 20: the platform admin invites the service's staff on its page.
            membership = service_staff_invite(
                actor=admin,
                service=service,
                email=spec.email,
                first_name=spec.first_name,
                last_name=spec.last_name,
                is_lead=spec.is_lead,
            )
            sign_in_ready(membership.user)
            continue
        school = School.objects.filter(name=spec.organisation).first()
        if school is not None:
            lead = next(a for a in ACCOUNTS if a.organisation == spec.organisation and a.is_lead)
            membership = school_staff_invite(
                actor=person(lead.local),
                school=school,
                email=spec.email,
                first_name=spec.first_name,
                last_name=spec.last_name,
            )
            sign_in_ready(membership.user)
            continue
        user = user_create(
            actor=admin,
            email=spec.email,
            password=None,
            first_name=spec.first_name,
            last_name=spec.last_name,
        )
        membership_grant(
            actor=admin,
            user=user,
            organisation=Organisation.objects.get(name=spec.organisation),
            role=spec.role,
            is_lead=spec.is_lead,
        )
        sign_in_ready(user)
