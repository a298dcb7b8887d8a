"""The demo world: a school-buddy programme in Mechelen, a family-buddy programme in Gent,
schools with real names and postcodes, buddies of every kind, pupils and families, and
one account per role. School numbers and people are invented; places and programmes are
real (data/SOURCES.md).

The world is built by the ordered STEPS below, one module each in demo/steps/. Every step
does what people do in the application, through the same services (a buddy registers on
the public form and a coordinator screens them; a school refers a pupil and the programme
triages; a coordinator starts a duo and the buddy logs the meetings), so every row has its
transition log and audit trail. The demo data lives here only: no app holds demo data of
its own (tests/demo/test_static.py).

To add a step (e.g. a suspended buddy, a withdrawn consent):
1. Write `demo/steps/<name>.py` with one public function `<name>()` whose docstring says
   what a new user will find (who signs in, on which page) and names any reference data
   it creates directly.
2. Go through the services, with the person who would act as `actor` (`people.person`);
   past dates through the services' fake clock (`now=`/`today=`, see `demo.dates`). Where
   a service has no clock and the story needs a past date, give the service a
   keyword-only `now`/`today` argument rather than writing rows. Only reference data
   without a service (geography, vocabularies, academy modules, local services) is
   created directly, and tests/demo/test_static.py holds the list of models that have a
   service.
3. Make it idempotent: look up the step's own natural keys (an email address, a pupil's
   school and name, a title) and call nothing when they exist, so `buddywerk demo` run
   twice changes nothing (tests/demo/test_world.py counts every table).
4. Add it to STEPS after the steps whose rows it needs.
"""

from collections.abc import Callable

from django.db import transaction

from .people import (
    ACCOUNTS,
    BUDDIES,
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    DemoAccount,
    DemoBuddy,
    demo_email,
    enrol_totp,
)
from .steps.academy import academy
from .steps.buddies import buddies
from .steps.closed_duos import closed_duos
from .steps.consent import consent
from .steps.duos import duos
from .steps.erasure import erasure
from .steps.events import events
from .steps.expenses import expenses
from .steps.followup import followup
from .steps.grants import grants
from .steps.group_activities import group_activities
from .steps.internships import internships
from .steps.local_services import local_services
from .steps.matching import matching
from .steps.mentors import mentors
from .steps.organisations import organisations
from .steps.platform import platform
from .steps.practices import practices
from .steps.qualitative import qualitative
from .steps.questions import questions
from .steps.referrals import referrals
from .steps.safeguarding import safeguarding
from .steps.schools import schools
from .steps.screening import screening
from .steps.staff import staff

__all__ = [
    "ACCOUNTS",
    "BUDDIES",
    "DEMO_DOMAIN",
    "DEMO_PASSWORD",
    "DEMO_TOTP_SECRET",
    "STEPS",
    "DemoAccount",
    "DemoBuddy",
    "build_world",
    "demo_email",
    "enrol_totp",
]

STEPS: list[Callable[[], None]] = [
    platform,
    organisations,
    schools,
    staff,
    buddies,
    screening,
    referrals,
    consent,
    erasure,
    duos,
    closed_duos,
    safeguarding,
    # after the duos: Buddy Mechelen began requiring modules once its first duos ran, so
    # they started without (issue 13: the modules come before a buddy's FIRST duo)
    academy,
    matching,
    followup,
    # after the duos' meetings: a buddy claims the allowance of their meeting days
    expenses,
    events,
    practices,
    questions,
    local_services,
    # after the duos, meetings and events: the students' hours and internship files
    internships,
    # issue 20: a family programme's group activity, after the family duos run
    group_activities,
    # after the duos and meetings: the report's figures beside the answers
    qualitative,
    # issue 21: a mentor and a pupil's dream, after the figures so that they stay as they were
    mentors,
    # the mentor's duo with the dreamer, and a study grant awaiting its receipt
    grants,
]


@transaction.atomic
def build_world() -> None:
    """Run every step in order, in one transaction: the demo is built whole or not at all."""
    for step in STEPS:
        step()
