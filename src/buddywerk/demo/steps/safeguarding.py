"""Step: safeguarding over the life of a duo (issue 13). Buddy Mechelen has one buddy whose
extract runs out within six weeks (reminded, and listed at the top of the screening queue),
and one buddy suspended after a signal, whose duo is paused by the programme."""

import datetime as dt

from buddywerk.buddies.models import BuddyKind, ScreeningStatus
from buddywerk.buddies.rules import add_months
from buddywerk.buddies.services import buddy_suspend
from buddywerk.organisations.models import Programme
from buddywerk.trajectories.safeguarding_services import extract_reminders_send

from .. import dates
from ..people import person
from .buddies import PROFILES, kind_fields, register, screen
from .duos import DemoDuo, _running, participants_of

PROGRAMME = "Buddy Mechelen"
EXPIRING = "buddy.mechelen.verloopt"
SUSPENDED = "buddy.mechelen.geschorst"
# The extract runs out this many days from today (within the six weeks of the reminder).
EXPIRES_IN_DAYS = 25
SUSPENDED_DUO = DemoDuo(
    buddy=SUSPENDED,
    staff="zorg.busleyden",
    pupils=[("Noor", "Peeters", 3)],
    school_number="900002",
    weeks_ago=4,
    slot="mon-pm",
    place="Lokaal A0.12",
    wellbeing=(3, 3),
    notes=("We lazen samen een strip; Noor koos zelf het boek.",),
)
SUSPENSION_REASON = (
    "Signaal van de school over een bericht buiten de afspraken om; we spreken eerst met de buddy."
)


def safeguarding() -> None:
    """Vera Verloopt's extract (buddy.mechelen.verloopt) runs out in 25 days: she got the
    reminder, and coordinator.mechelen sees her in the screening queue. Stan Stil
    (buddy.mechelen.geschorst) was suspended after a signal: his duo at Busleyden is paused
    by the programme (zorg.busleyden sees the pause, not the reason)."""
    programme = Programme.objects.get(name=PROGRAMME)
    today = dates.today()
    expiring = register(
        local=EXPIRING,
        first_name="Vera",
        last_name="Verloopt",
        programme=programme,
        postcode="2800",
        profile={**PROFILES["buddy.student"], **kind_fields(BuddyKind.TEACHER, programme)},
        days_ago=400,
    )
    if expiring is not None:
        # seen so that the last valid day (the day before the same date 36 months on) is
        # EXPIRES_IN_DAYS from today
        seen_on = add_months(today + dt.timedelta(days=EXPIRES_IN_DAYS + 1), -36)
        screen(
            expiring,
            programme,
            status=ScreeningStatus.APPROVED,
            extract_seen_days_ago=(today - seen_on).days,
        )
        extract_reminders_send(today=today)
    suspended = register(
        local=SUSPENDED,
        first_name="Stan",
        last_name="Stil",
        programme=programme,
        postcode="2800",
        profile={**PROFILES["buddy.student"], **kind_fields(BuddyKind.STUDENT, programme)},
        days_ago=60,
    )
    if suspended is None:
        return
    screen(suspended, programme, status=ScreeningStatus.APPROVED, extract_seen_days_ago=50)
    referrals = participants_of(SUSPENDED_DUO)
    if referrals is not None:
        _running(SUSPENDED_DUO, referrals)
    buddy_suspend(
        actor=person("coordinator.mechelen"),
        buddy=suspended,
        programme=programme,
        reason=SUSPENSION_REASON,
    )
