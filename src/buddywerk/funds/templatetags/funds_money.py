from decimal import Decimal

from django import template

from buddywerk.funds.financial import euro_text

register = template.Library()


@register.filter
def euro(value: Decimal) -> str:
    """An exact amount in Belgian notation: "€ 1.234,50"."""
    return euro_text(value)
