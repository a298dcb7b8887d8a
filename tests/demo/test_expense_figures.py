"""The demo's Belgian volunteer figures (issue 21, point 4): only the 2025 amounts per day
and per year are verified (€ 42,31 and € 1.692,51); every other figure says in its source
that it is not verified and was entered by the platform admin."""

from decimal import Decimal

import pytest

from buddywerk.demo.steps.expenses import FIGURES, NOT_VERIFIED

pytestmark = pytest.mark.django_db


def test_only_the_2025_day_and_year_amounts_are_presented_as_verified():
    by_year = {row[0]: row for row in FIGURES}
    _y, day, per_year, _rate, _km, source = by_year[2025]
    assert (day, per_year) == (Decimal("42.31"), Decimal("1692.51"))
    assert "€ 42,31 per dag en € 1.692,51 per jaar (nagekeken)" in source
    for year, *_figures, source in FIGURES:
        # The km rate and the km beside the allowance are never presented as fact.
        assert "Kilometertarief" in source and NOT_VERIFIED in source, year
        if year != 2025:
            assert source.count(NOT_VERIFIED) >= 2, year  # the amounts too
