"""Reminders about duos (issue 5): so that following up a duo is impossible to forget.

- No meeting logged for 14 days: the buddy first; the programme's coordinators
  `COORDINATOR_DELAY_DAYS` later if still nothing was logged.
- The planned end is within two weeks: the buddy and the coordinators, with a prompt to
  plan the goodbye meeting (closure is planned, not a surprise).

`send_due_reminders(today=...)` is the one entry point (`buddywerk run-scheduled` calls it,
and `buddywerk trajectory-reminders` alone). It is idempotent: each reminder is a
TrajectoryReminder row, unique per duo, kind, recipient and the date it is about. In the
same transaction its mail is written to the outbox (mail/outbox.py) and `sent_at` is set;
the outbox sends it after the commit and retries it while SMTP is down. Nothing is lost
and nothing is sent twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone

from buddywerk.access.models import Membership, Role
from buddywerk.mail.compose import mail_to_users, site_url

from .enums import MeetingStatus, TrajectoryStatus
from .models import GOODBYE_PROMPT_DAYS, ReminderKind, Trajectory, TrajectoryReminder

NO_MEETING_DAYS = 14
COORDINATOR_DELAY_DAYS = 5
# Unsent reminders older than this are not retried any more (the next reminder takes over).
RETRY_DAYS = 7


@dataclass(frozen=True)
class ReminderRun:
    created: int
    enqueued: int  # reminders whose mail this run wrote to the outbox


def _coordinators_by_programme(programme_ids: set[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    rows = (
        Membership.objects.active()
        .filter(organisation_id__in=programme_ids, role=Role.PROGRAMME_COORDINATOR)
        .values_list("organisation_id", "user_id")
        .order_by("user_id")
    )
    for programme_id, user_id in rows:
        found[programme_id].append(user_id)
    return found


def due_reminders(*, today: dt.date) -> list[tuple[int, str, int, dt.date]]:
    """(trajectory id, kind, recipient user id, about) of every reminder due today, in a
    fixed number of queries."""
    running = list(
        Trajectory.objects.filter(status=TrajectoryStatus.ACTIVE)
        .annotate(
            last_logged=Max("meetings__date", filter=~Q(meetings__status=MeetingStatus.PLANNED))
        )
        .values(
            "pk", "programme_id", "buddy__user_id", "planned_start", "planned_end", "last_logged"
        )
    )
    coordinators = _coordinators_by_programme({row["programme_id"] for row in running})
    due: list[tuple[int, str, int, dt.date]] = []
    for row in running:
        pk, buddy_user = row["pk"], row["buddy__user_id"]
        coordinator_ids = coordinators.get(row["programme_id"], [])
        since = row["last_logged"] or row["planned_start"]
        quiet_days = (today - since).days
        if quiet_days >= NO_MEETING_DAYS:
            due.append((pk, ReminderKind.NO_MEETING_BUDDY, buddy_user, since))
        if quiet_days >= NO_MEETING_DAYS + COORDINATOR_DELAY_DAYS:
            due.extend(
                (pk, ReminderKind.NO_MEETING_COORDINATOR, user_id, since)
                for user_id in coordinator_ids
            )
        end = row["planned_end"]
        if today <= end <= today + dt.timedelta(days=GOODBYE_PROMPT_DAYS):
            due.extend(
                (pk, ReminderKind.END_NEAR, user_id, end)
                for user_id in [buddy_user, *coordinator_ids]
            )
    return due


def reminder_mail(*, reminder: TrajectoryReminder) -> None:
    """Write the mail of one reminder to its recipient, in their language, in the caller's
    transaction. No pupil's name in the subject or the body."""
    trajectory = reminder.trajectory
    mail_to_users(
        users=[reminder.recipient],
        template=f"trajectories/email/{reminder.kind}",
        kind=f"trajectories.{reminder.kind}",
        context={
            "kind": reminder.kind,
            "about": reminder.about,
            "school": trajectory.school.name,
            "programme": trajectory.programme.name,
            "duo_url": site_url(reverse("trajectories:detail", args=[trajectory.uuid])),
        },
    )


def reminder_hand_over(*, reminder_id: int) -> bool:
    """Mark one unsent reminder sent and write its mail, in the caller's transaction. Only
    the run whose UPDATE marks it writes the mail (two runs at once may hold the same id);
    False when it was sent already or is gone."""
    marked = TrajectoryReminder.objects.filter(pk=reminder_id, sent_at__isnull=True).update(
        sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
    )
    if not marked:
        return False
    reminder_mail(
        reminder=TrajectoryReminder.objects.select_related(
            "recipient", "trajectory__school", "trajectory__programme"
        ).get(pk=reminder_id)
    )
    return True


def send_due_reminders(*, today: dt.date | None = None) -> ReminderRun:
    """Record every reminder due `today` (once), and write the mail of every unsent one, new
    or left over from an older release that mailed after the commit, in one transaction."""
    today = today or timezone.localdate()
    created = mailed = 0
    with transaction.atomic():
        for trajectory_id, kind, recipient_id, about in due_reminders(today=today):
            _reminder, was_created = TrajectoryReminder.objects.get_or_create(
                trajectory_id=trajectory_id, kind=kind, recipient_id=recipient_id, about=about
            )
            created += was_created
        pending = list(
            TrajectoryReminder.objects.filter(
                sent_at__isnull=True,
                trajectory__status=TrajectoryStatus.ACTIVE,
                created_at__gte=timezone.now() - dt.timedelta(days=RETRY_DAYS),
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for reminder_id in pending:
            mailed += reminder_hand_over(reminder_id=reminder_id)
    return ReminderRun(created=created, enqueued=mailed)
