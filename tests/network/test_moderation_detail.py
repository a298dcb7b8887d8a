"""QA: a proposal without success factors or challenges showed empty figures on the
moderation page; an empty field now reads "–"."""

import re

import pytest
from django.urls import reverse

from tests.network.factories import PracticeSubmissionFactory, municipality
from tests.network.test_practices import regional_coordinator

pytestmark = pytest.mark.django_db


def test_empty_fields_of_a_proposal_show_a_dash(client):
    submission = PracticeSubmissionFactory(
        places=[municipality("12025")], success_factors="", challenges=""
    )
    client.force_login(regional_coordinator("VAN"))
    page = client.get(reverse("network:moderation_detail", args=[submission.uuid])).content
    values = re.findall(r"<dd[^>]*>(.*?)</dd>", page.decode(), re.S)
    assert values and all(value.strip() for value in values), values
    assert values.count("–") >= 2
