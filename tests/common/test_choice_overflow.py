"""Issue 16, point 1: a choice by a number no column holds is a field error, not a 500."""

import pytest
from django import forms

from buddywerk.organisations.models import School
from tests.factories import SchoolFactory

HUGE = "99999999999999999999"


class _Pick(forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.all())
    schools = forms.ModelMultipleChoiceField(queryset=School.objects.all())


@pytest.mark.django_db
def test_a_number_beyond_any_column_is_not_a_choice():
    school = SchoolFactory()
    form = _Pick(data={"school": HUGE, "schools": [str(school.pk), HUGE]})
    assert not form.is_valid()
    assert form.errors["school"][0].startswith("Selecteer een geldige keuze")
    assert "schools" in form.errors


@pytest.mark.django_db
def test_a_real_choice_still_holds():
    school = SchoolFactory()
    form = _Pick(data={"school": str(school.pk), "schools": [str(school.pk)]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["school"] == school
