"""`{{ number|phone }}`: a stored E.164 phone number (common/plausible.py) as people
write it: "0470 12 34 56" for Belgium, "+31 6 12345678" for elsewhere. A number stored
before numbers were normalised is shown as it was typed."""

from django import template

from buddywerk.common.plausible import phone_display

register = template.Library()


@register.filter
def phone(value: str | None) -> str:
    return phone_display(value or "")
