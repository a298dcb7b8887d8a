from django import template

from buddywerk.privacy.schedule import period_text

register = template.Library()


@register.filter
def period(days: int) -> str:
    """A retention period in words ("12 months", "5 years")."""
    return period_text(days)
