"""Template tags of the duo follow-up: the open-concerns panel of the coordinator's home."""

from typing import Any

from django import template

from buddywerk.access import policy
from buddywerk.trajectories.selectors import open_concerns_for

register = template.Library()

# The home page lists this many open concerns, then says how many more there are.
HOME_CONCERNS = 10


@register.inclusion_tag("followup/partials/open_concerns.html", takes_context=True)
def open_concerns_panel(context: dict[str, Any]) -> dict[str, Any]:
    """Open concerns of the user's programmes (two queries), for programme coordinators
    only; other users get nothing."""
    user = context["request"].user
    if not policy.can_see_open_concerns(user):
        return {"show": False}
    concerns = list(open_concerns_for(user)[: HOME_CONCERNS + 1])
    more = 0
    if len(concerns) > HOME_CONCERNS:
        more = open_concerns_for(user).count() - HOME_CONCERNS
        concerns = concerns[:HOME_CONCERNS]
    return {"show": True, "concerns": concerns, "more": more}
