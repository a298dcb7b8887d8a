"""Template tags of the duo follow-up: the open-concerns panel of the coordinator's home,
with the lead's concerns open for more than 30 days."""

from typing import Any

from django import template
from django.db.models import QuerySet

from buddywerk.access import policy
from buddywerk.trajectories.models import Concern
from buddywerk.trajectories.selectors import open_concerns_for, stale_concerns_for

register = template.Library()

# The home page lists this many open concerns, then says how many more there are.
HOME_CONCERNS = 10


@register.inclusion_tag("followup/partials/open_concerns.html", takes_context=True)
def open_concerns_panel(context: dict[str, Any]) -> dict[str, Any]:
    """Open concerns of the user's programmes (two queries), for programme coordinators
    only; other users get nothing."""
    user = context["request"].user
    if not policy.can_see_open_concerns(user):
        return {"show": False, "show_stale": False}
    concerns, more = _first(open_concerns_for(user))
    panel: dict[str, Any] = {"show": True, "concerns": concerns, "more": more}
    # Issue 13, point 5: the lead also sees every concern not closed after 30 days.
    panel["show_stale"] = policy.can_see_stale_concerns(user)
    if panel["show_stale"]:
        panel["stale"], panel["stale_more"] = _first(stale_concerns_for(user))
    return panel


def _first(qs: QuerySet[Concern]) -> tuple[list[Concern], int]:
    """The first HOME_CONCERNS rows, and how many more there are (a count only then)."""
    rows = list(qs[: HOME_CONCERNS + 1])
    if len(rows) <= HOME_CONCERNS:
        return rows, 0
    return rows[:HOME_CONCERNS], qs.count() - HOME_CONCERNS
