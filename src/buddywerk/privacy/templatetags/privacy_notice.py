from django import template

from buddywerk.privacy.register import Activity, notices

register = template.Library()


@register.simple_tag
def privacy_notices() -> list[tuple[str, str, list[Activity], str]]:
    """The privacy notice per audience, drawn from the schedule (privacy/register.py)."""
    return notices()
