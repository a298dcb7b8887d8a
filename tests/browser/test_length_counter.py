"""Issue 16, point 4: the practice form states each text limit in its hint, and the small
script static/js/counter.js shows a live counter under the field (an enhancement: the
limit and its check hold without it)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_description_counts_its_characters_while_typing(journey):
    journey.visit("/network/practices/new/")
    page = journey.page
    description = page.locator("#id_description")
    counter = page.locator("#id_description_counter")
    expect(counter).to_have_text("0 van 3000 tekens")
    description.fill("Huiswerk")
    expect(counter).to_have_text("8 van 3000 tekens")
    expect(page.get_by_text("Hoogstens 3000 tekens.")).to_be_visible()
    journey.check()
