"""Issue 15 point 2: the two buddy kinds of the schedule the daily purge acts on, with a
fake clock either side of each boundary (the last day kept, the next day gone): a declined
buddy's data, and the extract fact after the buddy leaves. Runs on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from django.utils import timezone

from buddywerk.access.models import Membership, Role, User
from buddywerk.buddies.models import Buddy, BuddyStatusChange, ScreeningStatus
from buddywerk.buddies.services import buddy_decline
from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.privacy import purge
from buddywerk.privacy.buddy_services import declined_buddies_purge, extract_facts_purge
from buddywerk.privacy.models import RetentionOverride
from buddywerk.privacy.plan import purge_plan
from buddywerk.privacy.schedule import DataKind
from buddywerk.trajectories.enums import TrajectoryStatus
from buddywerk.trajectories.models import Trajectory
from tests.factories import BuddyFactory, ProgrammeFactory, member
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db

DECIDED = dt.date(2024, 3, 10)
LEFT = dt.date(2024, 6, 20)
DECLINED_DAYS = 180  # 6 months of 30 days
EXTRACT_DAYS = 90  # 3 months


def _at(day: dt.date, hour: int = 3) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _applicant(programme, *, name: str) -> Buddy:
    buddy = BuddyFactory(
        status=ScreeningStatus.APPLIED,
        programmes=[programme],
        phone="0470 11 22 33",
        extract_seen_on=dt.date(2024, 2, 1),
        user__first_name=name,
    )
    member(buddy.user, programme, Role.BUDDY)
    return buddy


def _decline(buddy: Buddy, programme, day: dt.date) -> None:
    buddy_decline(actor=None, buddy=buddy, programme=programme, reason="Geen plaats in Gent.")
    BuddyStatusChange.objects.filter(buddy=buddy).update(at=_at(day, 14))


def _named(buddy: Buddy) -> bool:
    user = User.objects.get(pk=buddy.user_id)
    return user.is_active and user.first_name != ""


def test_a_declined_applicant_goes_the_day_after_the_last_day_kept():
    programme = ProgrammeFactory()
    buddy = _applicant(programme, name="Jana")
    email = buddy.user.email
    _decline(buddy, programme, DECIDED)
    due = DECIDED + dt.timedelta(days=DECLINED_DAYS)

    assert declined_buddies_purge(now=_at(due - dt.timedelta(days=1), 23)) == 0
    assert _named(buddy)  # the last day kept
    buddy.refresh_from_db()
    assert buddy.decline_reason and buddy.phone

    assert declined_buddies_purge(now=_at(due)) == 1
    user = User.objects.get(pk=buddy.user_id)
    buddy.refresh_from_db()
    assert not user.is_active and email not in user.email and user.first_name == ""
    assert not user.has_usable_password()
    assert buddy.decline_reason == "" and buddy.phone == "" and buddy.extract_seen_on is None
    assert buddy.status == ScreeningStatus.DECLINED  # nothing that names them, the kind stays
    assert not BuddyStatusChange.objects.filter(buddy=buddy).exclude(reason="").exists()
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_ANONYMISE)
    assert event.detail == {"kind": DataKind.DECLINED_BUDDY.value}
    assert declined_buddies_purge(now=_at(due + dt.timedelta(days=1))) == 0  # once


def test_a_declined_applicant_of_another_programme_waits_for_their_own_date():
    shorter, other = ProgrammeFactory(), ProgrammeFactory()
    RetentionOverride.objects.create(programme=shorter, kind=DataKind.DECLINED_BUDDY, days=60)
    early = _applicant(shorter, name="Lotte")
    late = _applicant(other, name="Bram")
    _decline(early, shorter, DECIDED)
    _decline(late, other, DECIDED)

    assert declined_buddies_purge(now=_at(DECIDED + dt.timedelta(days=59))) == 0
    assert _named(early) and _named(late)
    assert declined_buddies_purge(now=_at(DECIDED + dt.timedelta(days=60))) == 1
    assert not _named(early) and _named(late)

    due = DECIDED + dt.timedelta(days=DECLINED_DAYS)
    assert declined_buddies_purge(now=_at(due - dt.timedelta(days=1))) == 0
    assert _named(late)
    assert declined_buddies_purge(now=_at(due)) == 1
    assert not _named(late)


def test_a_reopened_application_is_not_purged():
    programme = ProgrammeFactory()
    buddy = _applicant(programme, name="Mira")
    _decline(buddy, programme, DECIDED)
    Buddy.objects.filter(pk=buddy.pk).update(status=ScreeningStatus.APPLIED)
    assert declined_buddies_purge(now=_at(DECIDED + dt.timedelta(days=400))) == 0
    assert _named(buddy)


def _left_buddy(*, status=ScreeningStatus.APPROVED):
    """A buddy whose last duo closed on LEFT and whose membership ended before."""
    duo = TrajectoryFactory(closed=True)
    Trajectory.objects.filter(pk=duo.pk).update(closed_on=LEFT)
    buddy = duo.buddy
    Buddy.objects.filter(pk=buddy.pk).update(
        status=status,
        extract_seen_on=dt.date(2023, 9, 17),
        extract_dated_on=dt.date(2023, 9, 4),
        extract_reminded_on=dt.date(2024, 5, 1),
    )
    Membership.objects.update_or_create(
        user=buddy.user, organisation=duo.programme, role=Role.BUDDY, defaults={"is_active": False}
    )
    Membership.objects.filter(user=buddy.user).update(updated_at=_at(LEFT - dt.timedelta(days=5)))
    return duo, Buddy.objects.get(pk=buddy.pk)


def test_the_extract_fact_goes_the_day_after_the_last_day_kept():
    duo, buddy = _left_buddy()
    due = LEFT + dt.timedelta(days=EXTRACT_DAYS)

    assert extract_facts_purge(now=_at(due - dt.timedelta(days=1), 23)) == 0
    buddy.refresh_from_db()
    assert buddy.extract_dated_on == dt.date(2023, 9, 4)  # the last day kept

    assert extract_facts_purge(now=_at(due)) == 1
    buddy.refresh_from_db()
    assert buddy.extract_dated_on is None and buddy.extract_reminded_on is None
    # An approved buddy keeps the month the extract was seen: the past "available buddies"
    # figures count them from that month (test_archive_keeps_the_figures.py).
    assert buddy.extract_seen_on == dt.date(2023, 9, 1)
    assert _named(buddy)  # the account itself has its own period
    assert extract_facts_purge(now=_at(due + dt.timedelta(days=1))) == 0  # once


def test_a_buddy_not_approved_loses_the_whole_extract_fact():
    _duo, buddy = _left_buddy(status=ScreeningStatus.SUSPENDED)
    assert extract_facts_purge(now=_at(LEFT + dt.timedelta(days=EXTRACT_DAYS))) == 1
    buddy.refresh_from_db()
    assert (buddy.extract_seen_on, buddy.extract_dated_on) == (None, None)


def test_a_buddy_who_still_serves_or_has_a_running_duo_keeps_the_extract_fact():
    duo, buddy = _left_buddy()
    later = _at(LEFT + dt.timedelta(days=400))
    Membership.objects.filter(user=buddy.user).update(is_active=True)
    assert extract_facts_purge(now=later) == 0  # still a buddy of the programme

    # A new duo starts (R2 wants an extract that is still valid), then the dates are old
    # and the membership ends: the running duo holds the extract fact.
    seen = Buddy.objects.filter(pk=buddy.pk)
    seen.update(extract_seen_on=timezone.localdate())
    running = TrajectoryFactory(buddy=Buddy.objects.get(pk=buddy.pk), programme=duo.programme)
    seen.update(extract_seen_on=dt.date(2023, 9, 17))
    Membership.objects.filter(user=buddy.user).update(is_active=False)
    assert running.status != TrajectoryStatus.CLOSED
    assert extract_facts_purge(now=later) == 0
    buddy.refresh_from_db()
    assert buddy.extract_dated_on == dt.date(2023, 9, 4)


def test_the_dry_run_and_the_purge_event_count_both_kinds():
    programme = ProgrammeFactory()
    declined = _applicant(programme, name="Noor")
    decided = DECIDED + dt.timedelta(days=31)
    _decline(declined, programme, decided)
    _duo, _left = _left_buddy()
    declined_due = decided + dt.timedelta(days=DECLINED_DAYS)
    extract_due = LEFT + dt.timedelta(days=EXTRACT_DAYS)
    assert extract_due < declined_due

    rows = {row.rule.kind: row for row in purge_plan(now=_at(extract_due - dt.timedelta(1)))}
    assert rows[DataKind.EXTRACT_FACT].acted and rows[DataKind.DECLINED_BUDDY].acted
    assert (rows[DataKind.EXTRACT_FACT].now, rows[DataKind.EXTRACT_FACT].soon) == (0, 1)
    assert rows[DataKind.EXTRACT_FACT].next_day == extract_due
    assert rows[DataKind.DECLINED_BUDDY].next_day == declined_due

    rows = {row.rule.kind: row for row in purge_plan(now=_at(declined_due))}
    assert rows[DataKind.EXTRACT_FACT].now == 1 and rows[DataKind.DECLINED_BUDDY].now == 1

    counts = purge.privacy_purge(now=_at(declined_due))
    assert counts is not None
    assert (counts.declined_buddies, counts.extract_facts) == (1, 1)
    event = AuditEvent.objects.get(action=AuditAction.PRIVACY_PURGE)
    assert event.detail["declined_buddies"] == 1 and event.detail["extract_facts"] == 1
    rows = {row.rule.kind: row for row in purge_plan(now=_at(declined_due))}
    assert rows[DataKind.EXTRACT_FACT].now == 0 and rows[DataKind.DECLINED_BUDDY].now == 0
