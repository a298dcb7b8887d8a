"""Step (issue 21, point 3): the mentor Karim and Jonas, whose dream is to become an
electrician, start a duo in Buddy Mechelen; Buddy Mechelen's grant fund of this school
year (Stad Mechelen) pays Jonas's tools. Karim asks the grant, Mo and Paula (two
coordinators: four-eyes) approve it, Paula pays the supplier, and the receipt is still to
come: the grant's page ("Studiebeurzen") shows its due day and the upload form. Only
through the services, as in the other steps."""

import datetime as dt

from buddywerk.buddies.models import Buddy
from buddywerk.funds import services
from buddywerk.funds.models import Grant
from buddywerk.organisations.models import Programme
from buddywerk.referrals.models import Pupil, Referral
from buddywerk.reports.periods import school_year_of
from buddywerk.trajectories.services import trajectory_start

from .. import dates
from ..people import demo_email, person
from .mentors import DREAMER, PROGRAMME


def grants() -> None:
    """Karim (mentor) and Jonas start a duo; Buddy Mechelen's grant fund of this school year
    pays Jonas's tools: requested by Karim, approved by Mo and then Paula, paid to the
    supplier ten days ago, the receipt still to come (the grant's page shows its due day)."""
    programme = Programme.objects.get(name=PROGRAMME)
    if Grant.objects.filter(fund__programme=programme).exists():
        return  # a second run of the demo adds nothing
    today = dates.today()
    coordinator, treasurer = person("coordinator.mechelen"), person("penning.mechelen")
    services.grant_fund_set(
        programme=programme,
        school_year=school_year_of(today),
        amount="2500.00",
        funder="Stad Mechelen",
        actor=coordinator,
    )
    mentor = Buddy.objects.get(user__email=demo_email("mentor.mechelen"))
    referral = Referral.objects.get(
        pupil__first_name=DREAMER.first_name, pupil__last_name=DREAMER.last_name
    )
    pupil = Pupil.objects.get(referrals=referral)
    duo = trajectory_start(
        actor=coordinator,
        programme=programme,
        buddy=mentor,
        referrals=[referral],
        mode="school",
        planned_start=today - dt.timedelta(weeks=3),
        weekly_slot="wed-pm",
        place="Het atelier elektriciteit van de school",
    )
    grant = services.grant_request(
        trajectory=duo,
        pupil=pupil,
        purpose="tools",
        amount="185.00",
        reason="Jonas begint in september aan de opleiding elektriciteit en heeft een eigen "
        "set gereedschap nodig (spanningzoeker, striptang, schroevendraaiers). Zijn ouders "
        "kunnen die niet betalen. Samen met de zorgcoördinator geschreven.",
        actor=mentor.user,
        today=today,
    )
    services.grant_submit(grant=grant, actor=mentor.user)
    services.grant_approve(grant=grant, actor=coordinator)
    services.grant_approve(grant=grant, actor=treasurer)
    services.grant_payment_record(
        grant=grant,
        amount="185.00",
        payee="supplier",
        payee_name="Elektro Mechelen",
        paid_on=today - dt.timedelta(days=10),
        reference="BM-2026-014",
        actor=treasurer,
    )
