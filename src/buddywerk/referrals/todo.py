"""The coordinator's to-do items of the queue (issue 16, point 6): new referrals to decide
on, and accepted referrals that wait for a buddy (no open proposal)."""

from django.urls import reverse
from django.utils.translation import ngettext

from buddywerk.access import policy
from buddywerk.access.models import Role, User
from buddywerk.common.todo import TodoItem, todo_count

from .enums import ReferralStatus
from .selectors import queue_figures


def for_coordinator(user: User) -> list[TodoItem | None]:
    if not policy.organisation_ids(user, Role.PROGRAMME_COORDINATOR):
        return []
    # Both items in one query, with the home page's queue figures.
    items = queue_figures(user=user)
    return [
        todo_count(
            *items.to_decide,
            label=lambda n: (
                ngettext(
                    "%(count)s new referral to decide on", "%(count)s new referrals to decide on", n
                )
                % {"count": n}
            ),
            one=lambda uuid: reverse("referrals:decide", args=[uuid]),
            many=reverse("referrals:queue") + f"?status={ReferralStatus.SUBMITTED.value}",
        ),
        todo_count(
            *items.no_buddy,
            label=lambda n: (
                ngettext(
                    "%(count)s referral waits for a buddy",
                    "%(count)s referrals wait for a buddy",
                    n,
                )
                % {"count": n}
            ),
            one=lambda uuid: reverse("matching:referral_suggestions", args=[uuid]),
            many=reverse("matching:home"),
        ),
    ]
