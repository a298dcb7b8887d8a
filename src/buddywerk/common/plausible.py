"""Plausible input only (issue 16, point 5): one set of form fields for dates, numbers and
phone numbers, used by every form, so a value no person means is a field error in Dutch,
never a stored row or a server error.

- `PlausibleDateField` / `PlausibleDateTimeField`: a date within `past_years` before and
  `future_years` after today (the site's today, `common/clock.py`). The range is checked
  on the server (`DateRange`) and offered to the browser as the input's min and max.
- `PlausibleIntegerField`: a whole number with both a lower and an upper bound, always.
- `PhoneNumberField`: a Belgian number ("0470 12 34 56", "03 555 12 34") or an
  international one with its country code ("+31 6 1234 5678"), checked with the
  maintained `phonenumbers` library and stored as E.164 ("+32470123456").
- `year_range`: the bounds of a year field relative to this year (birth years).

tests/common/test_plausible_forms.py walks every form class of the project and feeds each
date, number and phone field values outside its range (a property-based test), so a new
form without these fields fails there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import phonenumbers
from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import formats, timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from . import clock

PHONE_REGION = "BE"


def _years_from(day: dt.date, years: int) -> dt.date:
    """`day` moved by `years` (29 February becomes 28 February where needed)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@deconstructible
class DateRange:
    """A validator: the date (or the local date of a moment) lies within `past_years`
    before and `future_years` after today. `past_years=0` or `future_years=0` make today
    the bound."""

    code = "implausible_date"

    def __init__(self, *, past_years: int, future_years: int) -> None:
        if past_years < 0 or future_years < 0:
            raise ValueError("A date range counts years back and forward from today.")
        self.past_years = past_years
        self.future_years = future_years

    def bounds(self, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
        day = clock.today(today)
        return _years_from(day, -self.past_years), _years_from(day, self.future_years)

    def __call__(self, value: dt.date | dt.datetime | None) -> None:
        if value is None:
            return
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        first, last = self.bounds()
        if first <= value <= last:
            return
        params = {
            "first": formats.date_format(first, "j F Y"),
            "last": formats.date_format(last, "j F Y"),
        }
        if self.future_years == 0:
            message = _("Choose a date between %(first)s and today: not in the future.")
        elif self.past_years == 0:
            message = _("Choose a date between today and %(last)s: not in the past.")
        else:
            message = _("Choose a date between %(first)s and %(last)s.")
        raise ValidationError(message, code=self.code, params=params)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateRange) and (self.past_years, self.future_years) == (
            other.past_years,
            other.future_years,
        )

    def __hash__(self) -> int:
        return hash((self.past_years, self.future_years))


class _RangeInput:
    """A date or datetime input whose min and max follow today (read at render time, so
    a long-running server does not offer yesterday's range)."""

    date_range: DateRange | None = None
    bound_format = "%Y-%m-%d"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> Any:
        context = super().get_context(name, value, attrs)  # type: ignore[misc]
        if self.date_range is not None:
            first, last = self.date_range.bounds()
            widget_attrs = context["widget"]["attrs"]
            widget_attrs.setdefault("min", first.strftime(self.bound_format))
            widget_attrs.setdefault("max", last.strftime(self.bound_format))
        return context


class PlausibleDateInput(_RangeInput, forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PlausibleDateTimeInput(_RangeInput, forms.DateTimeInput):
    input_type = "datetime-local"
    bound_format = "%Y-%m-%dT00:00"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _range_widget(kind: type[_RangeInput], kwargs: dict[str, Any], date_range: DateRange) -> Any:
    # The attrs of a widget the form passes are kept (classes, autocomplete); the input is
    # always a fresh one of ours, since forms share widget instances between fields.
    given = kwargs.pop("widget", None)
    attrs = dict(getattr(given, "attrs", None) or {})
    attrs.pop("type", None)
    widget = kind(attrs=attrs)  # type: ignore[call-arg]
    widget.date_range = date_range
    return widget


class _DayRangeField(forms.Field):
    """A field whose day lies within `past_years` before and `future_years` after today:
    the range validates it and gives its input (a `range_input`) its min and max."""

    range_input: type[_RangeInput]

    def __init__(self, *, past_years: int, future_years: int, **kwargs: Any) -> None:
        self.date_range = DateRange(past_years=past_years, future_years=future_years)
        kwargs["widget"] = _range_widget(self.range_input, kwargs, self.date_range)
        super().__init__(**kwargs)
        self.validators.append(self.date_range)

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        result = super().__deepcopy__(memo)
        result.widget.date_range = result.date_range
        return result


class PlausibleDateField(_DayRangeField, forms.DateField):
    """A date field that refuses dates no person means (1999 for a meeting, 0001-01-01,
    9999-12-31): within `past_years` before and `future_years` after today."""

    range_input = PlausibleDateInput


class PlausibleDateTimeField(_DayRangeField, forms.DateTimeField):
    """A moment whose day lies within `past_years` before and `future_years` after today."""

    range_input = PlausibleDateTimeInput


class PlausibleIntegerField(forms.IntegerField):
    """A whole number with both bounds (a number without an upper bound overflows the
    database column, or means nothing: 99999 minutes of homework). One Dutch message
    names the range."""

    def __init__(self, *, min_value: int, max_value: int, **kwargs: Any) -> None:
        if min_value > max_value:
            raise ValueError("min_value above max_value")
        # Interpolated when shown, so the message follows the page's language.
        message = lazy_interpolate(
            _("Type a whole number from %(min)s to %(max)s."), min=min_value, max=max_value
        )
        errors = {"min_value": message, "max_value": message, "invalid": message}
        errors.update(kwargs.pop("error_messages", None) or {})
        super().__init__(min_value=min_value, max_value=max_value, error_messages=errors, **kwargs)


def lazy_interpolate(message: Any, **params: Any) -> Any:
    """`message % params`, translated when it is shown rather than when it is made."""
    return lazy(lambda: str(message) % params, str)()


def year_range(*, min_age: int, max_age: int, today: dt.date | None = None) -> tuple[int, int]:
    """The birth years of someone `min_age` to `max_age` years old this year."""
    year = clock.today(today).year
    return year - max_age, year - min_age


def phone_normalise(value: str) -> str:
    """`value` as E.164 ("+32470123456"); ValidationError when it is no phone number in
    Belgium or, with its country code, elsewhere."""
    text = value.strip()
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _(
                "Type a Belgian phone number (for example 0470 12 34 56) or an international "
                "one with + and the country code (for example +31 6 12345678)."
            ),
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(value: str) -> str:
    """An E.164 number as people write it: national for Belgium, else international."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_valid_number(number):
        return value  # stored before numbers were checked: as it was typed
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 32
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


class PhoneNumberField(forms.CharField):
    """A phone number in Belgian or international format, cleaned to E.164."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", _("For example 0470 12 34 56, or +31 6 12345678."))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "tel")
        self.widget.attrs.setdefault("autocomplete", "tel")

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        return phone_normalise(text)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith("+"):
            return phone_display(value)
        return value


def model_number_bounds(form: forms.BaseForm, *, default_max: int = 32767) -> None:
    """Give each whole-number field of a ModelForm the bounds its model field validates
    (MinValueValidator / MaxValueValidator), checked by the form and offered to the
    browser, so an out-of-range number is a field error before the model is touched; a
    model field without an upper bound gets `default_max` (a small integer column)."""
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is None:
        return
    for name, field in form.fields.items():
        if not isinstance(field, forms.IntegerField) or isinstance(field, PlausibleIntegerField):
            continue
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a form field of its own, not the model's
            continue
        lows = [field.min_value] if isinstance(field.min_value, int) else []
        highs = [field.max_value] if isinstance(field.max_value, int) else []
        for validator in model_field.validators:
            limit = getattr(validator, "limit_value", None)
            if not isinstance(limit, int):  # a callable limit is not a form bound
                continue
            if isinstance(validator, MinValueValidator):
                lows.append(limit)
            elif isinstance(validator, MaxValueValidator):
                highs.append(limit)
        low = max(lows, default=0)
        high = min(highs, default=default_max)
        plausible = PlausibleIntegerField(
            min_value=low,
            max_value=high,
            required=field.required,
            label=field.label,
            help_text=field.help_text,
            initial=field.initial,
            widget=field.widget,
        )
        form.fields[name] = plausible


def needed_when(field: forms.Field, condition: Any) -> None:
    """Mark a field the form leaves empty but the service needs in one case (`condition`,
    e.g. "needed when the meeting took place"): templates show the condition instead of
    "optional" (trajectories/partials/field.html), so no hint calls it optional."""
    field.required_when = condition  # type: ignore[attr-defined]
