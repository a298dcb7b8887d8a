"""The report deadline reminder is written in the transaction that records it, in each
coordinator's language (issue 12, point 6)."""

import datetime as dt

import pytest

from buddywerk.access.models import Role
from buddywerk.mail.models import OutgoingMail
from buddywerk.reports.models import ReportReminder
from buddywerk.reports.services import report_reminders_send
from tests.factories import ProgrammeFactory, UserFactory, member
from tests.mail.helpers import PREFIX, by_recipient, dutch, rolled_back, speaks

pytestmark = pytest.mark.django_db

DUE = "The interim report is due in two weeks"


def test_the_reminder_mail_rolls_back_with_the_reminder_and_speaks_each_language():
    programme = ProgrammeFactory()
    dutch_one = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)
    english = speaks(member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR), "en")
    mails = by_recipient(rolled_back(lambda: report_reminders_send(today=dt.date(2026, 1, 20))))
    assert set(mails) == {dutch_one.email, english.email}
    assert {m.kind for m in mails.values()} == {"reports.interim_reminder"}
    assert mails[english.email].subject == PREFIX + DUE
    assert mails[dutch_one.email].subject == PREFIX + dutch(DUE)
    assert not ReportReminder.objects.exists()
    assert not OutgoingMail.objects.exists()
