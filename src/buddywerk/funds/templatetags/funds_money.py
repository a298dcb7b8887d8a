from decimal import Decimal

from django import template

from buddywerk.funds.financial import Amount, amount_text, euro_text

register = template.Library()


@register.filter
def euro(value: Decimal) -> str:
    """An exact amount in Belgian notation: "€ 1.234,50"."""
    return euro_text(value)


@register.filter
def shown_euro(value: Amount | None) -> str:
    """A published amount of the financial report: exact, a band ("€ 500 - € 1.000") or
    hidden ("x")."""
    return "x" if value is None else amount_text(value)
