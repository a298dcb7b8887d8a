"""The to-do items of the follow-up (issue 16, point 6): the buddy's relationship survey
about 30 days in, the tandem notes the school has not answered yet (R11), and the
check-ins the coordinator owes a duo (twice in the first month, then monthly)."""

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Subquery, prefetch_related_objects
from django.urls import reverse
from django.utils.translation import ngettext

from buddywerk.access import policy
from buddywerk.access.models import User
from buddywerk.common import clock
from buddywerk.common.todo import TodoItem, todo_item, todo_rows
from buddywerk.trajectories.enums import LOGGING_STATUSES, Side
from buddywerk.trajectories.selectors import running_duos_coordinated, trajectories_visible

from .health import checkin_schedule
from .models import CheckIn, RelationshipSurvey, SurveyMoment, SurveyRespondent, TandemNote
from .selectors import SURVEY_DUE_AFTER_DAYS

LIST = "trajectories:list"


def for_buddy(user: User, today: dt.date | None = None) -> list[TodoItem | None]:
    """Running duos of the buddy that are 30 days old without the buddy's 30-day survey."""
    today = clock.today(today)
    due = (
        trajectories_visible(user=user)
        .filter(
            buddy__user_id=user.pk,
            status__in=LOGGING_STATUSES,
            planned_start__lte=today - dt.timedelta(days=SURVEY_DUE_AFTER_DAYS),
        )
        .exclude(
            Exists(
                RelationshipSurvey.objects.filter(
                    trajectory=OuterRef("pk"),
                    respondent=SurveyRespondent.BUDDY,
                    moment=SurveyMoment.DAY_30,
                )
            )
        )
        .order_by("planned_start", "id")
        .values_list("uuid", flat=True)
    )
    return [
        todo_item(
            due,
            label=lambda n: (
                ngettext(
                    "%(count)s short survey about your duo to fill in",
                    "%(count)s short surveys about your duos to fill in",
                    n,
                )
                % {"count": n}
            ),
            one=lambda uuid: reverse(
                "followup:survey_create", args=[uuid, SurveyRespondent.BUDDY.value]
            ),
            many=reverse(LIST),
        )
    ]


def for_school(user: User) -> list[TodoItem | None]:
    """Tandem threads of the school's running duos whose last note is the buddy's: the
    school's answer is due (R11: info and feedback on both sides)."""
    last_side = Subquery(
        TandemNote.objects.filter(trajectory=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values("side")[:1]
    )
    unanswered = (
        trajectories_visible(user=user)
        .filter(school_id__in=policy.referrer_organisation_ids(user), status__in=LOGGING_STATUSES)
        .annotate(last_side=last_side)
        .filter(last_side=Side.BUDDY)
        .order_by("planned_start", "id")
        .values_list("uuid", flat=True)
    )
    return [
        todo_item(
            unanswered,
            label=lambda n: (
                ngettext(
                    "%(count)s tandem note from a buddy waits for your answer",
                    "%(count)s tandem notes from buddies wait for your answer",
                    n,
                )
                % {"count": n}
            ),
            one=lambda uuid: reverse("followup:tandem", args=[uuid]),
            many=reverse(LIST),
        )
    ]


def for_coordinator(user: User, today: dt.date | None = None) -> list[TodoItem | None]:
    """Running duos of the programme where a check-in is due now or was missed: the same
    schedule as the follow-up overview, in two queries (the duos, their check-in days) that
    the home page's "active duos" figure shares."""
    duos = running_duos_coordinated(user=user)
    if not duos:
        return []
    checkins = CheckIn.objects.only("id", "trajectory_id", "date")
    prefetch_related_objects(duos, Prefetch("checkins", queryset=checkins))
    today = clock.today(today)
    due: list[Any] = []
    for duo in duos:
        schedule = checkin_schedule(
            start=duo.planned_start,
            today=today,
            dates=[c.date for c in duo.checkins.all()],
            end=duo.planned_end,
        )
        if schedule.due_now or schedule.missed:
            due.append(duo.uuid)
    return [
        todo_rows(
            due,
            label=lambda n: (
                ngettext("%(count)s duo is due a check-in", "%(count)s duos are due a check-in", n)
                % {"count": n}
            ),
            one=lambda uuid: reverse("followup:checkin_create", args=[uuid]),
            many=reverse("followup:overview"),
        )
    ]
