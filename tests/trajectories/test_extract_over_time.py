"""Issue 13, point 2, over time: the reminder six weeks before an extract runs out (mailed
once, listed in the screening queue), and the scheduled cascade on the day it runs out
(duos with a minor pause; a duo with adults only goes on). Boundaries: the extract's last
valid day and the day after; 42 days before the last day and 43."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.buddies import rules
from buddywerk.buddies import services as buddy_services
from buddywerk.common.scheduler import run_scheduled
from buddywerk.mail.models import OutgoingMail
from buddywerk.matching.enums import ProposalStatus
from buddywerk.trajectories.enums import SafeguardingStep, TrajectoryStatus
from buddywerk.trajectories.models import TrajectoryTransition
from buddywerk.trajectories.safeguarding_check import safeguarding_findings
from buddywerk.trajectories.safeguarding_services import (
    extract_reminders_send,
    extracts_expire,
)
from tests.factories import BuddyFactory, ProgrammeFactory, SchoolFactory, UserFactory, member
from tests.matching.helpers import open_proposal
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db

REMINDER = "buddies.extract_runs_out"


def _buddy_with_duos():
    """A buddy with a pupil's duo (a minor) and an adults-only family duo in one programme
    each, plus an open proposal for a pupil; the extract was seen 30 days ago."""
    today = timezone.localdate()
    buddy = BuddyFactory(capacity=4, extract_seen_on=today - dt.timedelta(days=30))
    pupil_duo = TrajectoryFactory(buddy=buddy)
    adult_duo = TrajectoryFactory(buddy=buddy, adult=True)
    proposal = open_proposal(programme=pupil_duo.programme, buddy=buddy, school=SchoolFactory())
    last = rules.buddy_extract_valid_until(buddy, pupil_duo.programme)
    assert last == rules.buddy_extract_valid_until(buddy, adult_duo.programme)
    return buddy, pupil_duo, adult_duo, proposal, last


def test_on_the_last_valid_day_nothing_pauses_and_the_day_after_the_duo_with_a_minor_does():
    buddy, pupil_duo, adult_duo, proposal, last = _buddy_with_duos()
    assert extracts_expire(today=last) == []
    pupil_duo.refresh_from_db()
    assert pupil_duo.status == TrajectoryStatus.ACTIVE
    paused = extracts_expire(today=last + dt.timedelta(days=1))
    assert [d.pk for d in paused] == [pupil_duo.pk]
    pupil_duo.refresh_from_db()
    adult_duo.refresh_from_db()
    assert pupil_duo.status == TrajectoryStatus.PAUSED and pupil_duo.paused_for_safeguarding
    log = TrajectoryTransition.objects.filter(trajectory=pupil_duo).latest("pk")
    assert log.reason == str(SafeguardingStep.EXTRACT_EXPIRED.label) and log.actor is None
    # adults only: no extract needed, the duo goes on
    assert adult_duo.status == TrajectoryStatus.ACTIVE and not adult_duo.paused_for_safeguarding
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    mails = OutgoingMail.objects.filter(kind="trajectories.safeguarding_paused")
    assert mails.exists()
    assert all("uittreksel" not in (m.subject + m.body).lower() for m in mails)
    # the pass runs every 15 minutes: the next run changes nothing
    assert extracts_expire(today=last + dt.timedelta(days=2)) == []


def test_the_checker_finds_nothing_once_the_scheduled_run_paused_the_duo():
    buddy, pupil_duo, adult_duo, proposal, last = _buddy_with_duos()
    after = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time(9)))
    # without the pass, the checker would see an active duo with a minor and no extract
    assert [f.kind for f in safeguarding_findings(now=after)] == ["minor_without_extract"]
    results = {r.name: r for r in run_scheduled(now=after)}
    assert results["extract-expiry"].ok and "paused=1" in results["extract-expiry"].summary
    assert results["check-safeguarding"].summary == "findings=0"
    pupil_duo.refresh_from_db()
    assert pupil_duo.status == TrajectoryStatus.PAUSED


def test_the_buddy_is_reminded_once_six_weeks_before_and_not_a_day_earlier():
    buddy, _pupil_duo, _adult_duo, _proposal, last = _buddy_with_duos()
    OutgoingMail.objects.all().delete()
    assert extract_reminders_send(today=last - dt.timedelta(days=43)) == 0
    assert extract_reminders_send(today=last - dt.timedelta(days=42)) == 1
    mail = OutgoingMail.objects.get(kind=REMINDER)
    assert mail.to == buddy.user.email
    assert "uittreksel" in mail.subject.lower()
    # once: the next runs send nothing more
    assert extract_reminders_send(today=last - dt.timedelta(days=41)) == 0
    assert extract_reminders_send(today=last) == 0
    assert OutgoingMail.objects.filter(kind=REMINDER).count() == 1
    buddy.refresh_from_db()
    assert buddy.extract_reminded_on == last - dt.timedelta(days=42)


def test_a_new_extract_makes_a_new_reminder_possible():
    programme = ProgrammeFactory()
    coordinator = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR, is_lead=True)
    today = timezone.localdate()
    # the extract counts until 20 days from now
    seen = rules.add_months(today + dt.timedelta(days=21), -36)
    buddy = BuddyFactory(programmes=[programme], extract_seen_on=seen)
    assert extract_reminders_send(today=today) == 1
    buddy_services.buddy_record_extract(
        actor=coordinator, buddy=buddy, programme=programme, seen_on=today, dated_on=today
    )
    assert extract_reminders_send(today=today) == 0  # the new one runs out in 36 months
    buddy.refresh_from_db()
    later = rules.buddy_extract_valid_until(buddy, programme) - dt.timedelta(days=10)
    assert extract_reminders_send(today=later) == 1


def test_the_screening_queue_lists_the_extracts_running_out_within_six_weeks(client):
    programme = ProgrammeFactory()
    coordinator = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR, is_lead=True)
    today = timezone.localdate()
    soon = BuddyFactory(
        programmes=[programme],
        extract_seen_on=rules.add_months(today + dt.timedelta(days=42), -36),  # last: +41
    )
    later = BuddyFactory(
        programmes=[programme],
        extract_seen_on=rules.add_months(today + dt.timedelta(days=44), -36),  # last: +43
    )
    client.force_login(coordinator)
    page = client.get(reverse("buddies:screening_queue", args=[programme.uuid]))
    assert page.status_code == 200
    section = page.content.decode().split('data-testid="extracts-running-out"')[1]
    section = section.split("</section>")[0]
    assert "binnen 6 weken verlopen" in page.content.decode()
    assert str(soon.uuid) in section
    assert str(later.uuid) not in section


def test_the_pass_locks_only_the_duo_it_pauses():
    """The pass runs every 15 minutes; it must not hold every running duo meanwhile (a buddy
    logging a meeting waits for the duo's lock). It locks one row, the duo it pauses."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _, pupil_duo, _, _, last = _buddy_with_duos()
    others = [TrajectoryFactory() for _ in range(3)]  # running, extracts still valid
    with CaptureQueriesContext(connection) as queries:
        paused = extracts_expire(today=last + dt.timedelta(days=1))
    assert [d.pk for d in paused] == [pupil_duo.pk]
    locks = [
        q["sql"]
        for q in queries.captured_queries
        if "FOR UPDATE" in q["sql"] and 'FROM "trajectories_trajectory"' in q["sql"]
    ]
    if connection.features.has_select_for_update:
        assert locks
        row = rf'"trajectories_trajectory"\."id" = {pupil_duo.pk}\b'
        assert all(re.search(row, sql) for sql in locks)
        assert all(duo.pk != pupil_duo.pk for duo in others)


def test_the_reminder_pass_locks_only_the_buddy_it_reminds():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    buddy, _, _, _, last = _buddy_with_duos()
    fresh = BuddyFactory(extract_seen_on=last)  # approved, nothing runs out soon
    with CaptureQueriesContext(connection) as queries:
        assert extract_reminders_send(today=last - dt.timedelta(days=42)) == 1
    locks = [
        q["sql"]
        for q in queries.captured_queries
        if "FOR UPDATE" in q["sql"] and 'FROM "buddies_buddy"' in q["sql"]
    ]
    if connection.features.has_select_for_update:
        assert locks
        assert all(re.search(rf'"buddies_buddy"\."id" = {buddy.pk}\b', sql) for sql in locks)
        assert fresh.pk != buddy.pk
