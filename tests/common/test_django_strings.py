"""QA: the empty choice of a select ("- Select an option -", new in Django 6.1) showed in
English on Dutch pages (new event, new duo)."""

import pytest
from django.db.models.fields import BLANK_CHOICE_LABEL
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_the_empty_choice_of_a_select_is_dutch():
    with translation.override("nl-be"):
        assert str(BLANK_CHOICE_LABEL) == "- Kies een optie -"
    with translation.override("en"):
        assert str(BLANK_CHOICE_LABEL) == "- Select an option -"
