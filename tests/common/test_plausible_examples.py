"""Issue 16, point 5, the examples of the issue, each on the form where it was possible:
an event in 1999, an extract dated 1900, availability from year 1 to 9999, a birth year
outside school ages, a consent date before the pupil's birth, a phone number in no
numbering plan, and a hint calling a field optional that the service needs. The
property-based walk over every form is tests/common/test_plausible_forms.py."""

import datetime as dt

import pytest
from django.template.loader import render_to_string

from buddywerk.buddies.forms import AccountForm, ExtractForm, WhenWhereForm
from buddywerk.common import clock
from buddywerk.learning.forms import EventForm
from buddywerk.organisations.models import Programme, School
from buddywerk.referrals.forms import PupilReferralForm
from buddywerk.trajectories.forms import MeetingForm
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def codes(form, name):
    form.is_valid()
    return {error.code for error in form.errors.as_data().get(name, [])}


def test_no_event_in_1999():
    form = EventForm({"starts_at": "1999-05-01 19:00"}, user=UserFactory())
    assert codes(form, "starts_at") == {"implausible_date"}
    assert "Kies een datum tussen" in form.errors["starts_at"][0]


def test_no_extract_dated_1900():
    form = ExtractForm({"seen_on": clock.today().isoformat(), "dated_on": "1900-01-01"})
    assert codes(form, "dated_on") == {"implausible_date"}
    assert not codes(form, "seen_on")


def test_no_availability_from_year_1_to_9999():
    form = WhenWhereForm({"available_from": "0001-01-01", "available_until": "9999-12-31"})
    assert codes(form, "available_from") == {"implausible_date"}
    assert codes(form, "available_until") == {"implausible_date"}


def test_a_date_input_offers_its_range_to_the_browser():
    html = str(ExtractForm()["seen_on"])
    today = clock.today()
    assert f'max="{today.isoformat()}"' in html
    assert f'min="{today.replace(year=today.year - 1).isoformat()}"' in html


def _pupil_form(**data):
    return PupilReferralForm(
        data, schools=School.objects.all(), programmes=Programme.objects.all(), choose_school=True
    )


def test_a_birth_year_outside_school_ages_is_refused():
    year = clock.today().year
    form = _pupil_form(birth_year=str(year - 40))
    assert codes(form, "birth_year") == {"min_value"}
    assert "geef een geboortejaar van" in form.errors["birth_year"][0]
    assert codes(_pupil_form(birth_year=str(year + 1)), "birth_year") == {"max_value"}
    assert not codes(_pupil_form(birth_year=str(year - 10)), "birth_year")


@pytest.mark.parametrize("typed", ["abc", "12", "0470 12", "+99 123", "9" * 20])
def test_a_phone_number_in_no_numbering_plan_is_refused(typed):
    form = AccountForm({"phone": typed})
    assert codes(form, "phone") == {"invalid_phone"}
    assert "Belgisch telefoonnummer" in form.errors["phone"][0]


def test_a_phone_number_is_kept_as_e164():
    form = AccountForm({"phone": "0470 12 34 56"})
    form.is_valid()
    assert form.cleaned_data["phone"] == "+32470123456"
    form = AccountForm({"phone": ""})
    form.is_valid()
    assert form.cleaned_data["phone"] == ""


def test_no_hint_calls_a_field_optional_that_the_service_needs():
    """The meeting form leaves the duration and the reason for cancelling empty, but the
    service needs one of them (meeting_log): the hint says when, not "optional"."""
    form = MeetingForm()
    for name, needed in (
        ("duration_minutes", "nodig als het contactmoment plaatsvond"),
        ("cancel_reason", "nodig als het contactmoment niet doorging"),
    ):
        html = render_to_string("trajectories/partials/field.html", {"field": form[name]})
        assert needed in html
        assert "mag leeg blijven" not in html
    html = render_to_string("trajectories/partials/field.html", {"field": form["note"]})
    assert "mag leeg blijven" in html  # a note is really optional


def test_the_date_range_moves_with_today():
    field = ExtractForm.base_fields["seen_on"]
    first, last = field.date_range.bounds(dt.date(2030, 3, 1))
    assert (first, last) == (dt.date(2029, 3, 1), dt.date(2030, 3, 1))
    leap = field.date_range.bounds(dt.date(2028, 2, 29))
    assert leap == (dt.date(2027, 2, 28), dt.date(2028, 2, 29))
