"""The period of the coverage map: a report period (reports/periods.py), chosen in a GET
form so the map, its table and its CSV are a shareable link and need no JavaScript.

Only the report's presets (the interim period and the whole school year of the last six
school years): whole months, the only periods a restricted report answers (docs/reports.md,
"Differencing"), so a reader in bands cannot single out a day by comparing two periods."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buddywerk.reports import periods

SCHOOL_YEARS = 6


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[
            (periods.FINAL, _("The whole school year")),
            (periods.INTERIM, _("1 September - 31 December (interim report)")),
        ],
    )
    school_year = forms.TypedChoiceField(
        label=pgettext_lazy("report period", "School year"), coerce=int
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        this_year = periods.school_year_of(today)
        cast(forms.ChoiceField, self.fields["school_year"]).choices = [
            (year, periods.school_year_label(year))
            for year in range(this_year, this_year - SCHOOL_YEARS, -1)
        ]
        self.fields["period"].initial = periods.FINAL
        self.fields["school_year"].initial = this_year
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select")

    def chosen(self) -> tuple[str, int]:
        """(kind, school year): the valid choice, else the whole current school year."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["period"], self.cleaned_data["school_year"]
        return periods.FINAL, periods.school_year_of(self.today)

    def query(self) -> dict[str, str]:
        """The choice as query parameters for the map's links (empty: the default)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {
            "period": self.cleaned_data["period"],
            "school_year": str(self.cleaned_data["school_year"]),
        }


def period_of(kind: str, school_year: int) -> periods.Period:
    return periods.interim(school_year) if kind == periods.INTERIM else periods.final(school_year)


def period_form(data: Any, today: dt.date) -> PeriodForm:
    """Bound only when the query string asks for a period."""
    bound = "period" in data or "school_year" in data
    return PeriodForm(data if bound else None, today=today)
