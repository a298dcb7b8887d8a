"""Two buddy kinds of the retention schedule (issue 15 point 2), acted on by the daily run.

- A declined buddy (`DataKind.DECLINED_BUDDY`): the period runs from the programme's
  decision (the last move of the screening log to "declined"; that row names the deciding
  programme, whose shorter period counts). On the due day the application and the account
  are anonymised as an inactive account is (`account_anonymise`), the reasons written in
  the screening log are emptied and the extract fact goes. The funder's figures count only
  approved buddies, so nothing in a past figure moves; a duo the buddy had keeps the kind
  and the training institution the report groups by.
- The extract fact after the buddy leaves (`DataKind.EXTRACT_FACT`): a buddy has left when
  no buddy membership is active and no duo of theirs runs; the period runs from the later
  of the last duo's closing day and the last membership's end (its `updated_at`), with the
  longest period of the buddy's programmes (each programme the buddy served may keep it
  that long). On the due day the extract's date and the reminder go. The day the extract
  was seen goes too, except for an approved buddy: the past "available buddies" figures
  count an approved buddy from the period in which the extract was seen, so only its month
  stays (the first day of that month; the report's periods are whole months, so every
  figure stays the same, and an earlier day never makes an extract look valid longer).

Both are held like an account (R18): a duo that runs, is paused for safeguarding or has a
concern that is not closed keeps the data until it is closed. The data is kept up to and
including the day before the due day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from buddywerk.access.models import Membership, Role, User
from buddywerk.buddies.enums import ScreeningStatus
from buddywerk.buddies.models import Buddy, BuddyStatusChange
from buddywerk.buddies.signals import buddies_written
from buddywerk.reports import input_version
from buddywerk.trajectories.models import Trajectory

from .account_services import account_anonymise, account_held
from .models import RetentionOverride
from .schedule import RULES, DataKind

ANONYMISED = "gewist-"  # account_anonymise's address: an account already anonymised


def _days(kind: DataKind, programmes: list[int]) -> int:
    """The schedule's period, or per programme its shorter one; the longest of them."""
    base = RULES[kind.value].period_days
    overrides = dict(
        RetentionOverride.objects.filter(kind=kind.value, programme__in=programmes).values_list(
            "programme_id", "days"
        )
    )
    if not programmes:
        return base
    return max(min(base, overrides.get(pk, base)) for pk in programmes)


def declined_dues() -> list[tuple[int, dt.date]]:
    """Per declined buddy not yet anonymised: (user id, the day their data goes)."""
    decisions: dict[int, tuple[dt.datetime | None, int | None]] = {}
    for buddy, moved, deciding in (
        BuddyStatusChange.objects.filter(
            to_status=ScreeningStatus.DECLINED, buddy__status=ScreeningStatus.DECLINED
        )
        .order_by("at", "pk")
        .values_list("buddy_id", "at", "programme_id")
    ):
        decisions[buddy] = (moved, deciding)  # the last decision wins
    result = []
    for pk, user_id, screened_at in (
        Buddy.objects.filter(status=ScreeningStatus.DECLINED)
        .exclude(user__email__startswith=ANONYMISED)
        .values_list("pk", "user_id", "screened_at")
    ):
        decided: tuple[dt.datetime | None, int | None] = (screened_at, None)
        at, programme = decisions.get(pk, decided)
        if at is None:
            continue  # no decision day known: nothing to count from
        days = _days(DataKind.DECLINED_BUDDY, [programme] if programme else [])
        result.append((user_id, timezone.localdate(at) + dt.timedelta(days=days)))
    return result


def declined_buddies_purge(*, now: dt.datetime) -> int:
    """Anonymise every declined buddy whose day has come (the daily run, as the system)."""
    today = timezone.localdate(now)
    count = 0
    for user_id, due in sorted(declined_dues()):
        if due > today or account_held(user_id):
            continue
        with transaction.atomic():
            user = User.objects.select_for_update().get(pk=user_id)
            buddy = Buddy.objects.get(user=user)
            if buddy.status != ScreeningStatus.DECLINED:
                continue  # reopened since the plan was made
            account_anonymise(user=user, kind=DataKind.DECLINED_BUDDY, now=now)
            # Not counted in any figure (the report counts approved buddies only).
            Buddy.objects.filter(pk=buddy.pk).update(extract_seen_on=None)
            input_version.bump_buddies([buddy.pk])  # the funder's report (issue 17, point 4)
            BuddyStatusChange.objects.filter(buddy=buddy).update(reason="")
        count += 1
    return count


def _with_extract() -> Q:
    return (
        Q(extract_dated_on__isnull=False)
        | Q(extract_reminded_on__isnull=False)
        | (Q(extract_seen_on__isnull=False) & ~Q(status=ScreeningStatus.APPROVED))
        | (Q(extract_seen_on__isnull=False) & ~Q(extract_seen_on__day=1))
    )


def _serving() -> QuerySet[Membership, Any]:
    """The users with a buddy membership that still runs: they have not left."""
    return Membership.objects.filter(role=Role.BUDDY, is_active=True).values("user_id")


def extract_dues() -> list[tuple[int, int, dt.date]]:
    """Per buddy who left and still holds more of the extract fact than the figures need:
    (buddy id, user id, the day it goes)."""
    buddies: dict[int, int] = {
        pk: user_id
        for pk, user_id in Buddy.objects.filter(_with_extract())
        .exclude(user_id__in=_serving())
        .values_list("pk", "user_id")
    }
    if not buddies:
        return []
    programmes: dict[int, list[int]] = defaultdict(list)
    for buddy, programme in Buddy.programmes.through.objects.filter(
        buddy_id__in=buddies
    ).values_list("buddy_id", "programme_id"):
        programmes[buddy].append(programme)
    ends: dict[int, list[dt.date]] = defaultdict(list)
    running: set[int] = set()
    for buddy, closed_on in Trajectory.objects.filter(buddy__in=buddies).values_list(
        "buddy_id", "closed_on"
    ):
        if closed_on is None:
            running.add(buddy)
        else:
            ends[buddy].append(closed_on)
    users = {user_id: pk for pk, user_id in buddies.items()}
    for user_id, ended in Membership.objects.filter(
        user_id__in=users, role=Role.BUDDY, is_active=False
    ).values_list("user_id", "updated_at"):
        ends[users[user_id]].append(timezone.localdate(ended))
    result = []
    for pk, user_id in buddies.items():
        if pk in running or not ends[pk]:
            continue  # a duo runs, or nothing says when the buddy left
        days = _days(DataKind.EXTRACT_FACT, programmes[pk])
        result.append((pk, user_id, max(ends[pk]) + dt.timedelta(days=days)))
    return result


def extract_facts_purge(*, now: dt.datetime) -> int:
    """Clear the extract fact of every buddy who left and whose day has come."""
    today = timezone.localdate(now)
    count = 0
    for pk, user_id, due in sorted(extract_dues()):
        if due > today or account_held(user_id):
            continue
        with transaction.atomic():
            buddy = Buddy.objects.select_for_update().get(pk=pk)
            if _serving().filter(user_id=user_id).exists():
                continue  # came back since the plan was made
            seen = buddy.extract_seen_on
            if seen is not None and buddy.status == ScreeningStatus.APPROVED:
                seen = seen.replace(day=1)  # the month the past figures need
            else:
                seen = None
            Buddy.objects.filter(pk=pk).update(
                extract_seen_on=seen, extract_dated_on=None, extract_reminded_on=None
            )
            input_version.bump_buddies([pk])  # the funder's report (issue 17, point 4)
            buddies_written.send(sender=Buddy, buddy_ids=[pk])  # matching's input
        count += 1
    return count
