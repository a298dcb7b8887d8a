"""The buddy's certificate of participation (issue 5): a PDF (WeasyPrint) that a student
hands to their training institution. It holds the buddy's name, the programme, the period,
the meetings held and their hours, and the events attended; never any pupil data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone

from .enums import MeetingStatus
from .models import Trajectory


@dataclass(frozen=True)
class Certificate:
    buddy_name: str
    programme: str
    start: dt.date
    end: dt.date
    meetings_held: int
    minutes: int
    events_attended: int | None
    issued_on: dt.date

    @property
    def hours(self) -> str:
        """Hours with one decimal, Dutch style (12,5)."""
        return f"{self.minutes / 60:.1f}".replace(".", ",")


def has_certificate(trajectory: Trajectory, *, held: int | None = None) -> bool:
    """A certificate attests meetings held: a duo without one has none to offer (issue 16,
    point 10: no link to an empty certificate). `held`: the count of the duo's meetings
    held, when the caller read it already (the duo's page)."""
    if held is not None:
        return held > 0
    return trajectory.meetings.filter(status=MeetingStatus.HAPPENED).exists()


def certificate_for(trajectory: Trajectory) -> Certificate:
    """What the certificate states, from the duo's meetings: no participant is read."""
    from buddywerk.learning.selectors import attendance_count

    held = Q(status=MeetingStatus.HAPPENED)
    totals = trajectory.meetings.aggregate(
        count=Count("pk", filter=held), minutes=Sum("duration_minutes", filter=held)
    )
    user = trajectory.buddy.user
    return Certificate(
        buddy_name=user.get_full_name() or user.email,
        programme=trajectory.programme.name,
        start=trajectory.planned_start,
        # A running duo's certificate covers the period so far.
        end=trajectory.closed_on or min(timezone.localdate(), trajectory.planned_end),
        meetings_held=totals["count"] or 0,
        minutes=totals["minutes"] or 0,
        events_attended=attendance_count(trajectory.buddy),
        issued_on=timezone.localdate(),
    )


def certificate_pdf(certificate: Certificate) -> bytes:
    from weasyprint import HTML

    html = render_to_string("trajectories/certificate.html", {"certificate": certificate})
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
