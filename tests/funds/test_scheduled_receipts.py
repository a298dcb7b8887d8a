"""`buddywerk run-scheduled` runs the grant receipts check (issue 21, point 3): the
requester is reminded a week before the receipt's due day and the coordinators are told
the day after it; running again tells nobody twice."""

import datetime as dt

import pytest
from django.core.management import call_command

from buddywerk.common.models import AuditEvent
from buddywerk.mail.models import OutgoingMail
from tests.funds.world import make_world

pytestmark = pytest.mark.django_db

PAID_ON = dt.date(2026, 10, 1)  # fund.receipt_days (60) later: due on 30 November


def _run(capsys, moment):
    call_command("run_scheduled", "--now", moment)
    return [line for line in capsys.readouterr().out.splitlines() if "grant-receipts" in line]


def test_the_scheduler_reminds_then_flags_each_grant_once(capsys, settings):
    w = make_world()
    grant = w.paid("80.00", on=PAID_ON)
    assert grant.receipt_due_on == dt.date(2026, 11, 30)
    assert _run(capsys, "2026-11-24T08:00:00+01:00") == ["grant-receipts: ok reminded=1 flagged=0"]
    assert _run(capsys, "2026-11-25T08:00:00+01:00") == ["grant-receipts: ok reminded=0 flagged=0"]
    grant.refresh_from_db()
    assert grant.reminded_on == dt.date(2026, 11, 24)
    assert _run(capsys, "2026-12-01T08:00:00+01:00") == ["grant-receipts: ok reminded=0 flagged=1"]
    assert _run(capsys, "2026-12-02T08:00:00+01:00") == ["grant-receipts: ok reminded=0 flagged=0"]
    grant.refresh_from_db()
    assert grant.overdue_on == dt.date(2026, 12, 1)
    assert AuditEvent.objects.filter(action="grant.overdue").count() == 1
    assert OutgoingMail.objects.filter(kind="funds.receipt_overdue").count() >= 1
