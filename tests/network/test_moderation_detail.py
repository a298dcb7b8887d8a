"""QA: a proposal without success factors or challenges showed empty figures on the
moderation page; an empty field now reads "–"."""

import re

import pytest
from django.urls import reverse

from buddywerk.network.models import Practice, SubmissionStatus
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


def test_each_decision_is_its_own_post_endpoint(client, django_capture_on_commit_callbacks):
    """Issue 12, point 8: the moderation page only shows; publish, ask for changes and
    reject post to their own endpoints. A no without a reason changes nothing; another
    province's moderator does not find the proposal."""
    submission = PracticeSubmissionFactory(places=[municipality("12025")])

    def url(decision):
        return reverse(f"network:moderation_{decision}", args=[submission.uuid])

    client.force_login(regional_coordinator("VOV"))
    assert client.post(url("reject"), {"reason": "Nee."}).status_code == 404
    client.force_login(regional_coordinator("VAN"))
    assert client.post(url("detail"), {"decision": "reject", "reason": "Nee."}).status_code == 405
    for decision in ("request_changes", "reject"):
        response = client.post(url(decision), {"reason": " "})
        assert response.status_code == 200
        assert response.context["form"].errors["reason"]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("request_changes"), {"reason": "Meer uitleg graag."})
    assert response["Location"] == reverse("network:moderation_queue")
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.CHANGES_REQUESTED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("reject"), {"reason": "Geen buddywerking."})
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.REJECTED
    assert not Practice.objects.exists()
