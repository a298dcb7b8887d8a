"""The to-do items of duos (issue 16, point 6): agreements to confirm (R9), meetings to
log, the school's insurance to confirm (R10) and the coordinator's open concerns. Each
starts from the policy's duo queryset and then narrows it to the reader's own side: a
buddy's own duos, the school's own duos, the programme's own duos."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from buddywerk.access import policy
from buddywerk.access.models import User
from buddywerk.common.todo import TodoItem, todo_count, todo_item, todo_rows

from .enums import LOGGING_STATUSES, MeetingStatus, TrajectoryStatus
from .models import Meeting, Trajectory
from .selectors import coordinated_programme_ids, open_concerns_summary, trajectories_visible


def _detail(uuid: Any) -> str:
    return reverse("trajectories:detail", args=[uuid])


LIST = "trajectories:list"


def _agreements_label(n: int) -> str:
    return ngettext(
        "%(count)s duo waits for you to confirm the agreements",
        "%(count)s duos wait for you to confirm the agreements",
        n,
    ) % {"count": n}


def _own_as_buddy(user: User) -> QuerySet[Trajectory]:
    return trajectories_visible(user=user).filter(buddy__user_id=user.pk)


def _own_as_school(user: User) -> QuerySet[Trajectory]:
    return trajectories_visible(user=user).filter(
        school_id__in=policy.referrer_organisation_ids(user)
    )


def for_buddy(user: User) -> list[TodoItem | None]:
    """Agreements the buddy has not confirmed yet, and planned meetings whose day has
    passed (log what happened, or that it was cancelled)."""
    duos = _own_as_buddy(user)
    agreements = (
        duos.filter(
            status=TrajectoryStatus.PLANNED,
            agreement__isnull=False,
            agreement__buddy_confirmed_at__isnull=True,
        )
        .order_by("planned_start", "id")
        .values_list("uuid", flat=True)
    )
    to_log = (
        Meeting.objects.filter(
            trajectory__in=duos.filter(status__in=LOGGING_STATUSES),
            status=MeetingStatus.PLANNED,
            date__lt=timezone.localdate(),
        )
        .order_by("date", "id")
        .values_list("trajectory__uuid", "uuid")
    )
    return [
        todo_item(agreements, label=_agreements_label, one=_detail, many=reverse(LIST)),
        todo_item(
            to_log,
            label=lambda n: (
                ngettext("%(count)s meeting to log", "%(count)s meetings to log", n) % {"count": n}
            ),
            one=lambda row: reverse("trajectories:meeting_edit", args=row),
            many=reverse(LIST),
        ),
    ]


def for_school(user: User) -> list[TodoItem | None]:
    """Agreements the school has not confirmed yet, and volunteers at school whose cover
    by the school's insurance the school still has to confirm (R10)."""
    duos = _own_as_school(user)
    agreements = (
        duos.filter(
            status=TrajectoryStatus.PLANNED,
            agreement__isnull=False,
            agreement__school_confirmed_at__isnull=True,
        )
        .order_by("planned_start", "id")
        .values_list("uuid", flat=True)
    )
    # R10 is decided by one pure function (insurance.py), not in SQL: read the few duos
    # that could need it, in one query.
    unconfirmed = (
        duos.exclude(status=TrajectoryStatus.CLOSED)
        .filter(school_insurance_confirmed_at__isnull=True)
        .select_related("buddy")
        .only(
            "uuid",
            "internship",
            "mode",
            "coupled_by",
            "school_insurance_confirmed_at",
            "buddy__kind",
        )
        .order_by("planned_start", "id")
    )
    insurance = [duo.uuid for duo in unconfirmed if duo.awaits_school_insurance]
    return [
        todo_item(agreements, label=_agreements_label, one=_detail, many=reverse(LIST)),
        todo_rows(
            insurance,
            label=lambda n: (
                ngettext(
                    "%(count)s buddy at school waits for your school to confirm its insurance",
                    "%(count)s buddies at school wait for your school to confirm its insurance",
                    n,
                )
                % {"count": n}
            ),
            one=_detail,
            many=reverse(LIST),
        ),
    ]


def for_coordinator(user: User) -> list[TodoItem | None]:
    """Open concerns of the programme's duos (they escalate after two working days); the
    home page lists them under the figures."""
    if not coordinated_programme_ids(user):
        return []
    concerns = open_concerns_summary(user)
    first = concerns.first[0] if concerns.first else None
    return [
        todo_count(
            concerns.total,
            first,
            label=lambda n: (
                ngettext(
                    "%(count)s concern waits for someone to take it up",
                    "%(count)s concerns wait for someone to take them up",
                    n,
                )
                % {"count": n}
            ),
            one=lambda concern: reverse(
                "trajectories:concern_detail", args=[concern.trajectory.uuid, concern.uuid]
            ),
            many=reverse("home") + "#panel-open-concerns",
        )
    ]
