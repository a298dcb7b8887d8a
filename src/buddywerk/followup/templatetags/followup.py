"""Template tags of the duo follow-up: the open-concerns panel of the coordinator's home,
with the lead's concerns open for more than 30 days."""

from typing import Any

from django import template

from buddywerk.access import policy
from buddywerk.common.rows import first_rows
from buddywerk.trajectories.selectors import (
    HOME_CONCERNS,
    for_home,
    open_concerns_summary,
    stale_concerns_for,
)

register = template.Library()


@register.inclusion_tag("followup/partials/open_concerns.html", takes_context=True)
def open_concerns_panel(context: dict[str, Any]) -> dict[str, Any]:
    """Open concerns of the user's programmes (the query the home page's figures and to-do
    item share), for programme coordinators only; other users get nothing."""
    user = context["request"].user
    if not policy.can_see_open_concerns(user):
        return {"show": False, "show_stale": False}
    summary = open_concerns_summary(user)
    more = max(summary.total - HOME_CONCERNS, 0)
    panel: dict[str, Any] = {"show": True, "concerns": summary.first, "more": more}
    # Issue 13, point 5: the lead also sees every concern not closed after 30 days.
    panel["show_stale"] = policy.can_see_stale_concerns(user)
    if panel["show_stale"]:
        stale, count = first_rows(for_home(stale_concerns_for(user)), HOME_CONCERNS)
        panel["stale"], panel["stale_more"] = stale, max(count - HOME_CONCERNS, 0)
    return panel
