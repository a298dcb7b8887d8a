"""The forms of the expense pages: what the person types. The rules are the services'."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from buddywerk.common import clock
from buddywerk.common.dates import date_text
from buddywerk.common.plausible import PlausibleDateField
from buddywerk.organisations.models import Programme
from buddywerk.referrals.forms import style_widgets

from .models import ClaimKind, LineCategory

MONTHS_BACK = 12


def recent_months(today: dt.date) -> list[tuple[str, str]]:
    """This month and the eleven before it, newest first ("2026-12", "december 2026")."""
    first = today.replace(day=1)
    months = []
    for _i in range(MONTHS_BACK):
        months.append((f"{first:%Y-%m}", date_text(first).split(" ", 1)[1]))
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return months


class ClaimOpenForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), empty_label=None
    )
    month = forms.ChoiceField(label=_("Month"))
    kind = forms.ChoiceField(
        label=_("How do you want your costs paid back?"),
        choices=ClaimKind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "The fixed allowance is a fixed amount per meeting day, without receipts. Real "
            "costs are paid back with a receipt. In one calendar year you choose one of "
            "the two; kilometres can be added to either."
        ),
    )
    holder_name = forms.CharField(label=_("Name of the account holder"), max_length=70)
    iban = forms.CharField(
        label=_("IBAN"), max_length=42, help_text=_("For example BE68 5390 0754 7034.")
    )

    def __init__(
        self,
        *args: Any,
        programmes: QuerySet[Programme] | None = None,
        today: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Programme]", self.fields["programme"])
        field.queryset = programmes if programmes is not None else Programme.objects.none()
        month = cast("forms.ChoiceField", self.fields["month"])
        month.choices = recent_months(clock.today(today))
        style_widgets(self)

    def clean_month(self) -> dt.date:
        year, month = self.cleaned_data["month"].split("-")
        return dt.date(int(year), int(month), 1)


class LineForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What do you claim?"), choices=LineCategory.choices, widget=forms.RadioSelect
    )
    date = PlausibleDateField(label=_("Day"), past_years=1, future_years=0)
    km = forms.DecimalField(
        label=_("Kilometres"),
        required=False,
        min_value=Decimal("0.1"),
        max_value=Decimal("5000"),
        decimal_places=1,
        help_text=_("Only for travel: the distance there and back."),
    )
    amount = forms.DecimalField(
        label=_("Amount in euro"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("10000"),
        decimal_places=2,
        help_text=_("Not for travel: the kilometres make the amount."),
    )
    description = forms.CharField(label=_("What for"), max_length=140, required=False)
    receipt = forms.FileField(
        label=_("Receipt"),
        required=False,
        help_text=_("A photo or PDF of the receipt, at most 10 MB. Needed for real costs."),
    )

    def __init__(self, *args: Any, kind: str = ClaimKind.ALLOWANCE, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = cast("forms.ChoiceField", self.fields["category"])
        excluded = (
            LineCategory.REAL_COST if kind == ClaimKind.ALLOWANCE else LineCategory.ALLOWANCE_DAY
        )
        category.choices = [c for c in LineCategory.choices if c[0] != excluded]
        self.fields["date"].widget.attrs["inputmode"] = "numeric"
        self.fields["km"].widget.attrs["inputmode"] = "decimal"
        self.fields["amount"].widget.attrs["inputmode"] = "decimal"
        style_widgets(self)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you refuse: the buddy reads it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class PayForm(forms.Form):
    reference = forms.CharField(
        label=_("Payment reference"),
        max_length=35,
        help_text=_("The reference of the transfer, as your bank shows it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ExportForm(forms.Form):
    file_format = forms.ChoiceField(
        label=_("File"),
        choices=[
            ("xml", _("SEPA transfer file for the bank (pain.001)")),
            ("csv", _("Spreadsheet (CSV)")),
        ],
        widget=forms.RadioSelect,
    )
    debtor_name = forms.CharField(label=_("Name of the programme's account"), max_length=70)
    debtor_iban = forms.CharField(label=_("IBAN of the programme's account"), max_length=42)
    debtor_bic = forms.RegexField(
        label=_("BIC of the programme's bank"),
        regex=r"^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$",
        required=False,
        max_length=11,
        help_text=_("Optional: most Belgian banks find it from the IBAN."),
    )
    execution_date = PlausibleDateField(label=_("Pay on"), past_years=0, future_years=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Calendar year"), min_value=2020, max_value=2100)
    day_ceiling = forms.DecimalField(
        label=_("Fixed allowance: maximum per day (euro)"),
        min_value=Decimal("0"),
        max_value=Decimal("1000"),
        decimal_places=2,
    )
    year_ceiling = forms.DecimalField(
        label=_("Fixed allowance: maximum per year (euro)"),
        min_value=Decimal("0"),
        max_value=Decimal("100000"),
        decimal_places=2,
    )
    km_rate = forms.DecimalField(
        label=_("Rate per kilometre (euro)"),
        min_value=Decimal("0"),
        max_value=Decimal("5"),
        decimal_places=4,
    )
    km_ceiling_with_allowance = forms.IntegerField(
        label=_("Kilometres per year beside the fixed allowance"), min_value=0, max_value=100000
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where the figures come from (the FOD Sociale Zekerheid's publication)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)
