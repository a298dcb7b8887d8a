"""Issue 16, point 5: plausible input only, on every form of the project.

Every form class under buddywerk (found by walking the package, so a new form is walked
without being listed here) is built; each of its date, number and phone fields:
- has a range: a date field a `DateRange` of at most ten years either way, a number field
  both a lower and an upper bound, a phone field the `PhoneNumberField`;
- refuses, as an error on that field, any value outside that range that hypothesis
  draws (0001-01-01, 9999-12-31, 1999 for an event, -1, 10**20, "abc" for a phone), with
  no exception (a server error in a view). A refused form saves nothing: views call their
  service only for a valid form (tests/access/test_every_state.py sends the same kind of
  values through every POST form of every page and fails on any 500).
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import buddywerk
from buddywerk.common import clock
from buddywerk.common.plausible import (
    DateRange,
    PhoneNumberField,
    phone_normalise,
)

pytestmark = pytest.mark.django_db

# The widest range any date of any form may have: no form takes a date more than ten
# years back or ahead (an event in 1999, an extract of 1900, availability until 9999).
MAX_YEARS = 10
# Modules that start a server when imported; they hold no forms.
SERVER_ENTRY_POINTS = {"asgi", "wsgi", "gunicorn_conf"}
RANGE_CODES = {"implausible_date", "min_value", "max_value", "invalid_phone"}


def _all_form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(buddywerk.__path__, "buddywerk."):
        if ".migrations" in module.name or ".management" in module.name:
            continue
        if module.name.rsplit(".", 1)[-1] in SERVER_ENTRY_POINTS:
            continue
        importlib.import_module(module.name)

    def below(cls: type) -> list[type]:
        found = []
        for sub in cls.__subclasses__():
            found += [sub, *below(sub)]
        return found

    classes = {
        cls
        for cls in below(forms.BaseForm)
        if cls.__module__.startswith("buddywerk.") and not inspect.isabstract(cls)
    }
    return sorted(classes, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


FORM_CLASSES = _all_form_classes()


def _arguments() -> dict[str, object]:
    """What forms take besides their data, by keyword name: the least that builds them.
    A form with a keyword not listed here fails the walk, to be added here."""
    from buddywerk.learning.models import Registration
    from buddywerk.organisations.models import Programme, School
    from tests.factories import UserFactory

    return {
        "programmes": Programme.objects.all(),
        "schools": School.objects.all(),
        "choose_school": True,
        "referrers": None,
        "user": UserFactory(),
        "today": clock.today(),
        "participants": [("p", "P")],
        "buddy": True,
        "criteria": [],
        "respondent": "buddy",
        "registrations": Registration.objects.none(),
        "questions": [],
        "organisations": School.objects.all(),
        "audiences": ["buddies"],
        "kind": "role_model",
        "tags": [],
        "pupils": [(1, "P")],
        "care_coordinators": [],
        "languages": [("nl", "Nederlands")],
        "duos": [],
        "givers": ["parent", "guardian"],
    }


def _build(
    cls: type[forms.BaseForm], data: dict[str, str] | None, arguments: dict
) -> forms.BaseForm:
    needed = {
        name: arguments[name]
        for name, parameter in inspect.signature(cls.__init__).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
        and parameter.default is inspect.Parameter.empty
    }
    if cls.__name__ in {"UserAddForm", "UserChangeForm"}:  # the admin's forms of a user
        return cls(data)
    return cls(data, **needed) if data is not None else cls(**needed)


def _kind(name: str, field: forms.Field) -> str | None:
    if isinstance(field, forms.DateField | forms.DateTimeField):
        return "date"
    if isinstance(field, forms.IntegerField | forms.FloatField | forms.DecimalField):
        if isinstance(field, forms.TypedChoiceField):
            return None
        return "number"
    if "phone" in name:
        return "phone"
    return None


def _date_text(day: dt.date, field: forms.Field) -> str:
    text = f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
    return f"{text} 10:00" if isinstance(field, forms.DateTimeField) else text


def _out_of_range(kind: str, field: forms.Field) -> st.SearchStrategy[str]:
    if kind == "date":
        date_range = next(v for v in field.validators if isinstance(v, DateRange))
        first, last = date_range.bounds()
        before = st.dates(max_value=first - dt.timedelta(days=1))
        after = st.dates(min_value=last + dt.timedelta(days=1))
        return st.one_of(before, after).map(lambda day: _date_text(day, field))
    if kind == "number":
        below = st.integers(max_value=int(field.min_value) - 1)
        above = st.integers(min_value=int(field.max_value) + 1)
        return st.one_of(below, above, st.sampled_from([-1, 10**20])).map(str)
    # Text that no country's phone plan knows: letters, or a few digits.
    return st.one_of(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz !?", min_size=1, max_size=30).filter(
            str.strip
        ),
        st.from_regex(r"\A[0-9]{1,4}\Z"),
        st.sampled_from(["99999999999999999999", "+32 0", "0000000000"]),
    )


def _fields(form: forms.BaseForm) -> dict[str, str]:
    return {name: kind for name, field in form.fields.items() if (kind := _kind(name, field))}


def test_the_walk_finds_the_forms_of_every_app():
    apps = {cls.__module__.split(".")[1] for cls in FORM_CLASSES}
    assert {"buddies", "referrals", "trajectories", "followup", "learning", "network"} <= apps
    assert len(FORM_CLASSES) > 50


@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=lambda cls: cls.__qualname__)
def test_every_date_number_and_phone_field_has_a_range(form_class):
    form = _build(form_class, None, _arguments())
    problems = []
    for name, kind in _fields(form).items():
        field = form.fields[name]
        if kind == "date":
            ranges = [v for v in field.validators if isinstance(v, DateRange)]
            if not ranges:
                problems.append(f"{name}: a date without a plausible range")
            elif max(ranges[0].past_years, ranges[0].future_years) > MAX_YEARS:
                problems.append(f"{name}: a range of more than {MAX_YEARS} years")
        elif kind == "number" and (field.min_value is None or field.max_value is None):
            problems.append(f"{name}: a number without a lower and an upper bound")
        elif kind == "phone" and not isinstance(field, PhoneNumberField):
            problems.append(f"{name}: a phone number that is not a PhoneNumberField")
    assert not problems, f"{form_class.__module__}.{form_class.__qualname__}: {problems}"


@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=lambda cls: cls.__qualname__)
def test_out_of_range_values_are_a_field_error(form_class):
    arguments = _arguments()
    empty = _build(form_class, None, arguments)
    fields = _fields(empty)
    if not fields:
        return

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def refused(data):
        name = data.draw(st.sampled_from(sorted(fields)), label="field")
        value = data.draw(_out_of_range(fields[name], empty.fields[name]), label="value")
        form = _build(form_class, {name: value}, arguments)
        assert not form.is_valid()
        codes = {error.code for error in form.errors.as_data().get(name, [])}
        assert codes & RANGE_CODES, (name, value, form.errors.get(name))

    refused()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0470 12 34 56", "+32470123456"),
        ("03 555 12 34", "+3235551234"),
        ("+32 9 223 45 67", "+3292234567"),
        ("0032 470 12 34 56", "+32470123456"),
        ("+31 6 12345678", "+31612345678"),
    ],
)
def test_a_phone_number_is_stored_as_e164(typed, stored):
    assert phone_normalise(typed) == stored
    field = PhoneNumberField(required=False)
    assert field.clean(typed) == stored
    assert field.clean("") == ""


def test_out_of_range_messages_are_dutch():
    form = _build(
        next(cls for cls in FORM_CLASSES if cls.__name__ == "ExtractForm"),
        {"seen_on": "1900-01-01"},
        {},
    )
    assert not form.is_valid()
    assert "Kies een datum tussen" in str(form.errors["seen_on"])


@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=lambda cls: cls.__qualname__)
def test_no_hint_calls_a_required_field_optional(form_class):
    form = _build(form_class, None, _arguments())
    for name, field in form.fields.items():
        hint = f"{field.label} {field.help_text}".lower()
        if "optional" in hint or "mag leeg blijven" in hint or "optioneel" in hint:
            assert not field.required, f"{form_class.__qualname__}.{name}: {hint}"
