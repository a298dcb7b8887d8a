"""Reminders two weeks before each report deadline (1 February, 15 October), once."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from buddywerk.access.models import Role
from buddywerk.reports.models import ReportReminder
from buddywerk.reports.services import due_reminders, report_reminders_send
from tests.factories import ProgrammeFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def test_due_reminders_window():
    assert due_reminders(dt.date(2026, 1, 17)) == []
    assert [d.kind for d in due_reminders(dt.date(2026, 1, 18))] == ["interim"]
    assert [d.kind for d in due_reminders(dt.date(2026, 1, 31))] == ["interim"]
    assert due_reminders(dt.date(2026, 2, 1)) == []
    final = due_reminders(dt.date(2026, 10, 1))
    assert [(d.kind, d.due) for d in final] == [("final", dt.date(2026, 10, 15))]
    assert final[0].period.start == dt.date(2025, 9, 1)


def test_reminders_are_mailed_once(django_capture_on_commit_callbacks):
    programme = ProgrammeFactory(name="Buddy Lier")
    coordinator = member(
        UserFactory(email="coord@example.org"), programme, Role.PROGRAMME_COORDINATOR
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert report_reminders_send(today=dt.date(2026, 1, 20)) == 1
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "1 februari 2026" in mail.outbox[0].body
    assert "Buddy Lier" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert report_reminders_send(today=dt.date(2026, 1, 21)) == 0
    assert len(mail.outbox) == 1
    assert ReportReminder.objects.count() == 1


def test_command(django_capture_on_commit_callbacks, capsys):
    ProgrammeFactory()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("report_reminders", "--today", "2026-10-05")
    assert "1" in capsys.readouterr().out
    call_command("report_reminders", "--today", "2026-10-05")
    assert ReportReminder.objects.count() == 1
