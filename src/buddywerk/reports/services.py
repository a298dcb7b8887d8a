"""Reminders of the funder's report deadlines (R16): the interim report is due on
1 February, the final report on 15 October. Two weeks before each, the coordinators of
every programme get a mail, written to the outbox in the transaction that records the
reminder. Running this again the same day (or later) sends nothing new."""

import datetime as dt

from django.db import transaction

from buddywerk.access.models import Membership, Role
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.mail.compose import mail_to_users
from buddywerk.organisations.models import Programme

from .models import ReportReminder
from .periods import FINAL, Deadline, deadlines, school_year_label, school_year_of

NOTICE = dt.timedelta(weeks=2)


def due_reminders(today: dt.date) -> list[Deadline]:
    """The deadlines whose reminder is due today: within two weeks and not yet passed."""
    year = school_year_of(today)
    return [
        deadline
        for deadline in deadlines(year - 1) + deadlines(year)
        if deadline.due - NOTICE <= today < deadline.due
    ]


def report_reminder_mail(*, programme: Programme, kind: str, due: dt.date) -> None:
    """Tell the programme's coordinators, each in their language, that a report (`kind`:
    interim or final) is due on `due`; in the caller's transaction."""
    year = school_year_of(due) - (1 if kind == FINAL else 0)
    coordinators = (
        Membership.objects.active()
        .filter(organisation=programme, role=Role.PROGRAMME_COORDINATOR)
        .select_related("user")
        .order_by("pk")
    )
    mail_to_users(
        users=[membership.user for membership in coordinators],
        template="reports/email/reminder",
        kind=f"reports.{kind}_reminder",
        context={
            "programme": programme,
            "final": kind == FINAL,
            "due": due,
            "school_year": school_year_label(year),
        },
    )


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
                report_reminder_mail(
                    programme=reminder.programme, kind=deadline.kind, due=deadline.due
                )
            sent += len(created)
    return sent
