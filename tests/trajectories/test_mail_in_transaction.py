"""Concern and reminder mails are written by the services, in their transaction, in each
recipient's language, with the duo's link built on SITE_URL (issue 12, point 6)."""

import datetime as dt

import pytest

from buddywerk.access.models import Role
from buddywerk.mail.models import OutgoingMail
from buddywerk.trajectories import concern_services
from buddywerk.trajectories.models import Concern, TrajectoryReminder
from buddywerk.trajectories.reminders import send_due_reminders
from tests.factories import UserFactory, member
from tests.mail.helpers import PREFIX, by_recipient, dutch, rolled_back, speaks
from tests.trajectories.factories import TrajectoryFactory, coordinator_of

pytestmark = pytest.mark.django_db

URGENT = "Urgent concern in one of your duos"


def test_an_urgent_concern_mail_rolls_back_with_the_concern_and_speaks_each_language(settings):
    settings.SITE_URL = "https://buddywerk.test"
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)  # Dutch
    care = speaks(member(UserFactory(), duo.school, Role.SCHOOL_STAFF, is_lead=True), "en")

    def raise_concern():
        concern_services.concern_raise(
            actor=duo.buddy.user, trajectory=duo, urgency="urgent", text="Blauwe plekken."
        )

    mails = by_recipient(rolled_back(raise_concern))
    assert set(mails) == {coordinator.email, care.email}
    assert {m.kind for m in mails.values()} == {"trajectories.urgent_concern"}
    assert mails[care.email].subject == PREFIX + URGENT
    assert mails[coordinator.email].subject == PREFIX + dutch(URGENT)
    assert all(f"https://buddywerk.test/duos/{duo.uuid}/" in m.body for m in mails.values())
    assert not Concern.objects.exists()
    assert not OutgoingMail.objects.exists()


def test_a_reminder_and_its_mail_are_one_write():
    start = dt.date(2026, 1, 5)
    duo = TrajectoryFactory(planned_start=start, planned_end=start + dt.timedelta(weeks=12))
    speaks(duo.buddy.user, "en")
    (written,) = rolled_back(lambda: send_due_reminders(today=start + dt.timedelta(days=14)))
    assert (written.kind, written.to) == ("trajectories.no_meeting_buddy", duo.buddy.user.email)
    assert written.subject == PREFIX + "No meeting logged for two weeks"
    assert not TrajectoryReminder.objects.exists()
    assert not OutgoingMail.objects.exists()
    run = send_due_reminders(today=start + dt.timedelta(days=14))
    assert (run.created, run.enqueued) == (1, 1)
    reminder = TrajectoryReminder.objects.get()
    assert reminder.sent_at is not None
    assert OutgoingMail.objects.get().to == duo.buddy.user.email
