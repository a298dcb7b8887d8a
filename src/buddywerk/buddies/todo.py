"""The to-do items of screening (issue 16, point 6): the coordinator's applicants to
screen and extracts that run out within six weeks (or ran out: R2 over time), and the
buddy's own extract to show again. Screening is per programme, so every row is read
through the programme the reader coordinates (or the buddy's own programmes)."""

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from buddywerk.access import policy
from buddywerk.access.models import Role, User
from buddywerk.common.memo import shared
from buddywerk.common.todo import TodoItem, todo_count, todo_rows
from buddywerk.organisations.models import Programme

from .enums import ScreeningStatus
from .models import Buddy
from .rules import extract_last_valid_day

# The reminder's horizon (trajectories.safeguarding_services.EXTRACT_REMINDER_DAYS): six
# weeks before an extract runs out it is time to ask for a new one.
EXTRACT_SOON_DAYS = 42
# add_months(day, m) lies at least 28 * m days after `day`: a cheap bound for the query,
# the exact rule runs in Python on the few rows it lets through.
_MIN_MONTH_DAYS = 28

Membership = Buddy.programmes.through


def screening_figures(user: User) -> dict[str, int]:
    """The buddies of the programmes the user coordinates that the user may see (policy):
    how many applied (to screen), were approved, were approved without an extract seen.
    One query, shared by the home page's figures and to-do item (common.memo.shared)."""

    def read() -> dict[str, int]:
        programmes = policy.organisation_ids(user, Role.PROGRAMME_COORDINATOR)
        visible = policy.buddies_visible_to(user, Buddy.objects.filter(programmes__in=programmes))
        figures: dict[str, int] = Buddy.objects.filter(pk__in=visible.values("pk")).aggregate(
            applied=Count("pk", filter=Q(status=ScreeningStatus.APPLIED)),
            approved=Count("pk", filter=Q(status=ScreeningStatus.APPROVED)),
            no_extract=Count(
                "pk", filter=Q(status=ScreeningStatus.APPROVED, extract_seen_on__isnull=True)
            ),
        )
        return figures

    return shared(("screening-figures", user.pk), read)


def for_coordinator(user: User, today: dt.date | None = None) -> list[TodoItem | None]:
    programme_ids = policy.organisation_ids(user, Role.PROGRAMME_COORDINATOR)
    if not programme_ids:
        return []
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=EXTRACT_SOON_DAYS)
    applicants = screening_figures(user)["applied"]
    months = dict(
        Programme.objects.filter(pk__in=programme_ids).values_list("pk", "extract_valid_months")
    )
    near = Q(pk__in=[])
    for pk, valid_months in months.items():
        bound = horizon - dt.timedelta(days=_MIN_MONTH_DAYS * valid_months - 1)
        near |= Q(programme_id=pk, buddy__extract_seen_on__lte=bound)
    rows = (
        Membership.objects.filter(
            near,
            buddy__status=ScreeningStatus.APPROVED,
            buddy__extract_seen_on__isnull=False,
        )
        .order_by("buddy__extract_seen_on", "id")
        .values_list("programme_id", "programme__uuid", "buddy__uuid", "buddy__extract_seen_on")
    )
    running_out: list[Any] = []
    seen: set[Any] = set()
    for programme_id, programme_uuid, buddy_uuid, seen_on in rows:
        if buddy_uuid in seen or seen_on is None:
            continue
        if extract_last_valid_day(seen_on, months[programme_id]) <= horizon:
            seen.add(buddy_uuid)
            running_out.append((programme_uuid, buddy_uuid))
    return [
        todo_count(
            applicants,
            None,
            label=lambda n: (
                ngettext("%(count)s new buddy to screen", "%(count)s new buddies to screen", n)
                % {"count": n}
            ),
            one=lambda _uuid: reverse("buddies:screening_home"),
            many=reverse("buddies:screening_home"),
        ),
        todo_rows(
            running_out,
            label=lambda n: (
                ngettext(
                    "%(count)s buddy needs a new criminal-record extract soon",
                    "%(count)s buddies need a new criminal-record extract soon",
                    n,
                )
                % {"count": n}
            ),
            one=lambda row: reverse("buddies:screening_detail", args=row),
            many=reverse("buddies:screening_home"),
        ),
    ]


def for_buddy(buddy: Buddy, programmes: list[Programme], today: dt.date) -> list[TodoItem]:
    """Issue 13, point 4: an approved buddy's extract that is missing, ran out or runs out
    soon, per programme. The buddy shows it to the coordinator in person; the item links
    to the profile, where the extract's status is shown."""
    if buddy.status != ScreeningStatus.APPROVED:
        return []
    link = reverse("buddies:profile")
    items: list[TodoItem] = []
    for programme in programmes:
        if buddy.extract_seen_on is None:
            text = gettext(
                "Show your criminal-record extract (model 2) to %(programme)s: you need it "
                "for a duo with a minor."
            ) % {"programme": programme.name}
        else:
            last = extract_last_valid_day(buddy.extract_seen_on, programme.extract_valid_months)
            if last < today:
                text = gettext(
                    "Your criminal-record extract no longer counts for %(programme)s: show a "
                    "new one to your coordinator."
                ) % {"programme": programme.name}
            elif last <= today + dt.timedelta(days=EXTRACT_SOON_DAYS):
                text = gettext(
                    "Your criminal-record extract counts for %(programme)s until %(day)s: "
                    "ask for a new one now."
                ) % {"programme": programme.name, "day": date_format(last, "j F Y")}
            else:
                continue
        items.append(TodoItem(label=text, count=1, link=link))
    return items
