"""Reminders of the funder's report deadlines (R16): the interim report is due on
1 February, the final report on 15 October. Two weeks before each, the coordinators of
every programme get a mail. Running this again the same day (or later) sends nothing new."""

import datetime as dt
from functools import partial

from django.db import transaction

from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.organisations.models import Programme

from . import tasks
from .models import ReportReminder
from .periods import Deadline, deadlines, school_year_of

NOTICE = dt.timedelta(weeks=2)


def due_reminders(today: dt.date) -> list[Deadline]:
    """The deadlines whose reminder is due today: within two weeks and not yet passed."""
    year = school_year_of(today)
    return [
        deadline
        for deadline in deadlines(year - 1) + deadlines(year)
        if deadline.due - NOTICE <= today < deadline.due
    ]


def report_reminders_send(*, today: dt.date) -> int:
    """Record and send the due reminders, one per programme and deadline; returns how many
    were new."""
    sent = 0
    for deadline in due_reminders(today):
        with transaction.atomic():
            done = set(
                ReportReminder.objects.filter(kind=deadline.kind, due_on=deadline.due).values_list(
                    "programme_id", flat=True
                )
            )
            created = []
            for pk in Programme.objects.exclude(pk__in=done).values_list("pk", flat=True):
                reminder, new = ReportReminder.objects.get_or_create(
                    programme_id=pk, kind=deadline.kind, due_on=deadline.due
                )
                if new:
                    created.append(reminder)
            for reminder in created:
                audit_record(
                    actor=None,
                    action=AuditAction.REPORT_REMINDER,
                    target=reminder,
                    detail={"kind": deadline.kind, "due_on": deadline.due.isoformat()},
                )
                transaction.on_commit(
                    partial(
                        tasks.send_report_reminder.enqueue,
                        reminder.programme_id,
                        deadline.kind,
                        deadline.due.isoformat(),
                    )
                )
            sent += len(created)
    return sent
