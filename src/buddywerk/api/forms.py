"""The form that makes a personal API token."""

from datetime import timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from buddywerk.common import clock
from buddywerk.common.plausible import PlausibleDateField

from .models import ApiScope


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("Which software uses it, for example “Smartschool koppeling”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What the token may do"),
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    expires_on = PlausibleDateField(
        label=_("Valid until"),
        help_text=_("At most one year from today."),
        past_years=0,
        future_years=1,
    )
    allowed_ips = forms.CharField(
        label=_("Only from these addresses (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("IP addresses or networks, one per line, for example 192.0.2.0/24."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = clock.today() + timedelta(days=90)

    def address_list(self) -> list[str]:
        text: str = self.cleaned_data.get("allowed_ips") or ""
        return [part.strip() for part in text.replace(",", "\n").splitlines() if part.strip()]
