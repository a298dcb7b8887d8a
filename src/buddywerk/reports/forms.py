"""The report's scope and period, read from the query string so a report is a shareable
link (GET)."""

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buddywerk.access import policy
from buddywerk.common.plausible import PlausibleDateField
from buddywerk.geo.models import Municipality, Province, Region
from buddywerk.organisations.models import Programme

from . import periods
from .figures import Report, Scope, build_report, with_display

ALL = "all"
MUNICIPALITY = "municipality:"
MAX_DAYS = 3 * 366


def _attrs(attrs: dict[str, Any]) -> str:
    """Django's django/forms/widgets/attrs.html, in Python."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """A select rendered in Python into the same HTML as Django's templates (select.html,
    select_option.html, attrs.html): the report's area lists every municipality to a
    funder, some 300 options, which took half of the page's time through a template each
    (issue 17, point 4). tests/reports/test_views.py compares both renderings."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group_name for group_name, _options, _index in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        parts = [format_html('<select name="{}"', widget["name"]), _attrs(widget["attrs"]), ">"]
        for _group, options, _index in widget["optgroups"]:
            for option in options:
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',
                        str(option["value"]),
                        mark_safe(_attrs(option["attrs"])),  # noqa: S308 - escaped above
                        option["label"],
                    )
                )
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part escaped by format_html


class ReportForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"), widget=QuickSelect)
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[
            (periods.INTERIM, _("Interim report (1 September - 31 December)")),
            (periods.FINAL, _("Final report (the whole school year)")),
            (periods.CUSTOM, _("Other dates")),
        ],
        initial=periods.INTERIM,
    )
    school_year = forms.TypedChoiceField(
        label=pgettext_lazy("report period", "School year"), coerce=int
    )
    # Figures go back to the school years a report covers, not to 1900.
    start = PlausibleDateField(label=_("From"), required=False, past_years=10, future_years=1)
    end = PlausibleDateField(label=_("To"), required=False, past_years=10, future_years=1)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        choices: list[tuple[str, Any]] = []
        if policy.report_sees_everything(user):
            choices.append((ALL, _("Flanders and Brussels")))
            provinces = Province.objects.filter(region__in=[Region.FLANDERS, Region.BRUSSELS])
        else:
            provinces = Province.objects.filter(code__in=policy.regional_province_codes(user))
        choices += [(f"province:{p.code}", p.name) for p in provinces.order_by("name")]
        self.programmes = {
            p.pk: p
            for p in policy.report_programmes_of(user, Programme.objects.all())
            .select_related("province")
            .order_by("name")
        }
        choices += [(f"programme:{pk}", p.name) for pk, p in self.programmes.items()]
        # Issue 14, point 3: the municipalities the policy opens to the user.
        self.municipalities = {
            m.nis_code: m
            for m in policy.report_municipalities_of(
                user, Municipality.objects.select_related("province")
            ).order_by("name")
        }
        choices += [
            (f"{MUNICIPALITY}{code}", _("%(name)s (municipality)") % {"name": m.name})
            for code, m in self.municipalities.items()
        ]
        self._choice_field("area").choices = choices
        self.provinces = {p.code: p for p in provinces}
        this_year = periods.school_year_of(timezone.localdate())
        self._choice_field("school_year").choices = [
            (year, periods.school_year_label(year)) for year in range(this_year, this_year - 6, -1)
        ]
        if not self.is_bound:
            self.fields["area"].initial = choices[0][0] if choices else None
        # Issue 16, point 10: the report's selects and dates look like every other form's.
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
            self.fields["school_year"].initial = this_year

    def bind(self, data: Any) -> "ReportForm":
        """This unbound form bound to `data`, as `ReportForm(data, user=...)` would be,
        without building its choices again (the areas: a query per kind of place)."""
        if self.is_bound:
            raise ValueError("The form is bound already.")
        self.data, self.is_bound, self._errors = data, True, None
        getattr(self, "_bound_fields_cache", {}).clear()  # no BoundField of the unbound form
        return self

    def _choice_field(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period") == periods.CUSTOM:
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(_("Give a start date and an end date."))
            if end < start:
                raise forms.ValidationError(_("The end date comes before the start date."))
            if (end - start).days > MAX_DAYS:
                raise forms.ValidationError(_("Choose a period of at most three years."))
            if (
                data.get("area")
                and self.is_restricted()
                and not periods.whole_months(periods.Period(start, end))
            ):
                # docs/reports.md, "Differencing": two periods a day apart would single out
                # what happened on that day.
                raise forms.ValidationError(
                    _(
                        "Choose whole months: from the first day of a month to the last day "
                        "of a month. Small numbers are protected that way."
                    )
                )
        return data

    def is_restricted(self) -> bool:
        """The chosen area's report is suppressed for this user (R16): whole months only."""
        scope = self.get_scope()
        return policy.report_is_suppressed(
            self.user,
            province=scope.province.code if scope.province else None,
            programme=scope.programme,
            municipality=scope.municipality.pk if scope.municipality else None,
        )

    def hides_municipality(self) -> bool:
        """The query names a municipality the user may not open (the report answers 404:
        its figures do not exist for them)."""
        area = str(self.data.get("area", ""))
        return area.startswith(MUNICIPALITY) and (
            area.removeprefix(MUNICIPALITY) not in self.municipalities
        )

    def get_scope(self) -> Scope:
        area = self.cleaned_data["area"]
        if area.startswith("province:"):
            return Scope(province=self.provinces[area.split(":", 1)[1]])
        if area.startswith("programme:"):
            return Scope(programme=self.programmes[int(area.split(":", 1)[1])])
        if area.startswith(MUNICIPALITY):
            return Scope(municipality=self.municipalities[area.removeprefix(MUNICIPALITY)])
        return Scope()

    def get_period(self) -> periods.Period:
        data = self.cleaned_data
        if data["period"] == periods.CUSTOM:
            return periods.Period(data["start"], data["end"])
        if data["period"] == periods.FINAL:
            return periods.final(data["school_year"])
        return periods.interim(data["school_year"])


def default_query(
    user: Any, today: dt.date | None = None, *, form: ReportForm | None = None
) -> dict[str, str]:
    """The report a user sees first: the interim report of the current school year of their
    first area. `form`: the user's unbound form, when the caller has built it already."""
    form = form if form is not None else ReportForm(user=user)
    choices = cast(list[tuple[str, str]], form._choice_field("area").choices)
    year = periods.school_year_of(today or timezone.localdate())
    return {
        "area": choices[0][0] if choices else ALL,
        "period": periods.INTERIM,
        "school_year": str(year),
    }


def report_as_seen(form: ReportForm) -> Report:
    """The report of a valid form as its user may see it: suppressed (bands of five) when
    `policy.report_is_suppressed` says so for the user and the chosen area. The one path of
    the page, its exports and the API (the open data asks it as an anonymous user)."""
    return with_display(
        build_report(form.get_scope(), form.get_period()), suppress=form.is_restricted()
    )
