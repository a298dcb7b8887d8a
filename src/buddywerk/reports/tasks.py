"""Background work of the reports app: the deadline reminder mail (sent after commit)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from buddywerk.mail.outbox import mail_enqueue


@task
def send_report_reminder(programme_id: int, kind: str, due_on: str) -> None:
    """Tell the programme's coordinators that a report is due in two weeks."""
    from buddywerk.access.models import Membership, Role
    from buddywerk.organisations.models import Programme

    from .periods import FINAL, school_year_label, school_year_of

    programme = Programme.objects.get(pk=programme_id)
    due = dt.date.fromisoformat(due_on)
    year = school_year_of(due) - (1 if kind == FINAL else 0)
    coordinators = (
        Membership.objects.active()
        .filter(organisation_id=programme_id, role=Role.PROGRAMME_COORDINATOR)
        .select_related("user")
    )
    for membership in coordinators:
        user = membership.user
        context = {
            "programme": programme,
            "final": kind == FINAL,
            "due": due,
            "school_year": school_year_label(year),
        }
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            subject = render_to_string("reports/email/reminder_subject.txt", context)
            body = render_to_string("reports/email/reminder_body.txt", context)
        mail_enqueue(
            to=user.email,
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
            body=body,
            kind=f"reports.{kind}_reminder",
        )
