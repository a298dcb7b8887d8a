"""The programme's retention page: one field per period it may shorten."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from buddywerk.common.plausible import PlausibleIntegerField, lazy_interpolate

from .schedule import OVERRIDABLE, period_text


class RetentionForm(forms.Form):
    """Blank keeps the schedule's period; a number of days keeps the data shorter."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for rule in OVERRIDABLE:
            # A programme can only keep data shorter than the schedule (the service's rule).
            shorter = lazy_interpolate(
                _("Choose from 1 day to %(limit)s: a programme can only keep data shorter."),
                limit=period_text(rule.period_days),
            )
            self.fields[rule.kind.value] = PlausibleIntegerField(
                label=rule.data,
                required=False,
                min_value=1,
                max_value=rule.period_days,
                error_messages={"min_value": shorter, "max_value": shorter},
                help_text=_("In days. Empty: %(period)s, as the schedule says.")
                % {"period": period_text(rule.period_days)},
                widget=forms.NumberInput(attrs={"class": "form-control"}),
            )
