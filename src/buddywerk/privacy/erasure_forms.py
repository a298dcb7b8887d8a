"""The forms of erasure on request (issue 15 point 4)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from buddywerk.common.plausible import PlausibleDateField
from buddywerk.referrals.forms import style_widgets

from .erasure_models import ErasureAskedBy

CHILD_ASKERS = [
    (value, label) for value, label in ErasureAskedBy.choices if value != ErasureAskedBy.SELF
]


class ErasureRequestForm(forms.Form):
    """Who asked for the erasure and when. No names: the page says whose data it is."""

    asked_by = forms.ChoiceField(
        label=_("Who asked for the erasure?"), choices=CHILD_ASKERS, widget=forms.RadioSelect
    )
    asked_on = PlausibleDateField(label=_("On which day?"), past_years=1, future_years=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ErasureRefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you refuse?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The person who asked reads this. Do not write the child's name."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)
