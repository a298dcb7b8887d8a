"""The forms of the grant and finance pages: what the person types. The rules (amounts in
euro, the fund's balance, four-eyes, receipt types) are the services'; amounts are text
here so that "12,50" and "12.50" both reach `services.euro`."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from buddywerk.common import clock
from buddywerk.common.plausible import PlausibleDateField
from buddywerk.referrals.forms import style_widgets
from buddywerk.reports.periods import school_year_of

from .models import REASON_MAX, BudgetCategory, CostCategory, GrantPurpose, Payee


def _amount(label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Amount (euro)"),
        max_length=20,
        help_text=_("For example 45,50."),
    )


def school_year_choices() -> list[tuple[int, str]]:
    """Last, this and next school year ("2026-2027")."""
    year = school_year_of(clock.today())
    return [(y, f"{y}-{y + 1}") for y in (year - 1, year, year + 1)]


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class GrantRequestForm(StyledForm):
    pupil = forms.TypedChoiceField(label=_("Pupil"), coerce=int)
    purpose = forms.ChoiceField(
        label=_("What is the grant for?"), choices=GrantPurpose.choices, widget=forms.RadioSelect
    )
    amount = _amount()
    reason = forms.CharField(
        label=_("Why does the pupil need it?"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Write it with the school's care coordinator: what the pupil wants to reach and "
            "how this helps. Only the programme, the school and you read it."
        ),
    )
    care_coordinator = forms.TypedChoiceField(
        label=_("Written with (care coordinator of the school)"),
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(
        self,
        *args: Any,
        pupils: list[tuple[int, str]],
        care_coordinators: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["pupil"]).choices = pupils
        cast("forms.ChoiceField", self.fields["care_coordinator"]).choices = [
            ("", _("Nobody of the school")),
            *care_coordinators,
        ]


class RefuseForm(StyledForm):
    reason = forms.CharField(
        label=_("Why is the grant refused?"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The requester reads this reason."),
    )


class PaymentForm(StyledForm):
    amount = _amount()
    payee = forms.ChoiceField(label=_("Paid to"), choices=Payee.choices, widget=forms.RadioSelect)
    payee_name = forms.CharField(
        label=_("Name of the supplier"),
        max_length=200,
        required=False,
        help_text=_("Only for a supplier; a parent's name stays out of the accounts."),
    )
    paid_on = PlausibleDateField(label=_("Paid on"), past_years=1, future_years=0)
    reference = forms.CharField(label=_("Payment reference"), max_length=100)


class ReceiptForm(StyledForm):
    file = forms.FileField(
        label=_("Receipt"), help_text=_("A PDF, JPEG or PNG file of at most 10 MB.")
    )


class FundForm(StyledForm):
    school_year = forms.TypedChoiceField(label=_("School year"), coerce=int)
    amount = _amount(_("Grant fund (euro)"))
    funder = forms.CharField(label=_("Funder"), max_length=200)
    receipt_days = forms.IntegerField(
        label=_("Days to hand in a receipt"),
        min_value=1,
        max_value=365,
        initial=60,
        help_text=_("After the full payment, the receipt is due within this many days."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ChoiceField", self.fields["school_year"])
        field.choices = school_year_choices()
        field.initial = school_year_of(clock.today())


class BudgetForm(StyledForm):
    school_year = forms.TypedChoiceField(label=_("School year"), coerce=int)
    category = forms.ChoiceField(label=_("Category"), choices=BudgetCategory.choices)
    amount = _amount(_("Budget (euro)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ChoiceField", self.fields["school_year"])
        field.choices = school_year_choices()
        field.initial = school_year_of(clock.today())


class FundingForm(StyledForm):
    funder = forms.CharField(label=_("Funder"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    amount = _amount()
    received_on = PlausibleDateField(label=_("Received on"), past_years=2, future_years=0)


class CostForm(StyledForm):
    category = forms.ChoiceField(label=_("Category"), choices=CostCategory.choices)
    description = forms.CharField(label=_("What was it for?"), max_length=300)
    amount = _amount()
    spent_on = PlausibleDateField(label=_("Spent on"), past_years=2, future_years=0)
    receipt = forms.FileField(
        label=_("Receipt"), help_text=_("A PDF, JPEG or PNG file of at most 10 MB.")
    )
