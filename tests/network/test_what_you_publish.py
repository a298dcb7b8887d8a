"""Issue 16, point 4: what a moderator publishes is what they saw. The moderation page
shows every field that goes online (description, contact, website, photo and its alt
text, every facet), as the published sheet will show it; every text of a proposal has a
length limit, enforced on submission and stated in its hint."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from buddywerk.common.plausible import phone_display
from buddywerk.network.models import TEXT_LIMITS, Practice, PracticeSubmission
from tests.network.factories import PracticeSubmissionFactory, domain, municipality, target
from tests.network.test_practices import form_data, png, regional_coordinator

pytestmark = pytest.mark.django_db

PUBLIC_VALUES = {
    "title": "Leesbuddy Lier",
    "organisation_name": "Vzw Leesplezier",
    "summary": "Vrijwilligers lezen elke week voor met kinderen uit de lagere school.",
    "description": "Een lange beschrijving over de werking in Lier en omgeving.",
    "goals": "Leesplezier\nWoordenschat",
    "target_group": "Kinderen van zes tot twaalf",
    "success_factors": "Vaste buddy\nKorte lijnen",
    "challenges": "Vrijwilligers vinden",
    "contact_name": "Lotte Contactpersoon",
    "contact_email": "lotte@leesplezier.example",
    "contact_phone": "+32 3 555 12 34",
    "website": "https://leesplezier.example/lier",
    "photo_alt": "Twee kinderen lezen met een buddy",
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _article(html: str) -> str:
    return re.search(r"<article.*?</article>", html, re.S).group(0)


def _full_submission() -> PracticeSubmission:
    submission = PracticeSubmissionFactory(places=[municipality("12021")], **PUBLIC_VALUES)
    submission.policy_domains.set([domain()])
    submission.target_groups.set([target()])
    submission.photo.save("lezen.png", ContentFile(png()), save=True)
    return submission


def test_the_moderation_page_shows_every_public_field(client):
    submission = _full_submission()
    client.force_login(regional_coordinator("VAN"))
    page = client.get(reverse("network:moderation_detail", args=[submission.uuid]))
    article = _article(page.content.decode())
    for name, value in PUBLIC_VALUES.items():
        if name == "contact_phone":
            value = phone_display(value)  # "03 555 12 34", as people write it
        for line in value.splitlines():
            assert line in article, (name, line)
    for facet in (domain(), target(), municipality("12021")):
        assert facet.name in article
    assert reverse("network:moderation_photo", args=[submission.uuid]) in article


def test_the_published_sheet_is_the_sheet_the_moderator_saw(client):
    submission = _full_submission()
    moderator = regional_coordinator("VAN")
    client.force_login(moderator)
    seen = _article(
        client.get(reverse("network:moderation_detail", args=[submission.uuid])).content.decode()
    )
    client.post(reverse("network:moderation_publish", args=[submission.uuid]), {"reason": ""})
    practice = Practice.objects.get()
    client.logout()
    published = _article(
        client.get(reverse("network:practice_detail", args=[practice.uuid])).content.decode()
    )

    def same(html: str) -> str:
        html = re.sub(r'src="[^"]*"', 'src=""', html)  # each page serves the photo itself
        return re.sub(r"<figcaption.*?</figcaption>", "", html, flags=re.S)

    assert same(published) == same(seen)


def test_the_moderation_page_says_which_public_fields_are_empty(client):
    submission = PracticeSubmissionFactory(places=[municipality("12021")])
    client.force_login(regional_coordinator("VAN"))
    article = _article(
        client.get(reverse("network:moderation_detail", args=[submission.uuid])).content.decode()
    )
    assert "Geen foto." in article
    assert "Geen contactgegevens" in article


@pytest.mark.parametrize("field", sorted(TEXT_LIMITS))
def test_a_text_over_its_limit_is_refused_on_submission(client, field):
    limit = TEXT_LIMITS[field]
    response = client.post("/network/practices/new/", form_data(**{field: "a" * (limit + 1)}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not PracticeSubmission.objects.exists()
    # At the limit it is taken.
    client.post("/network/practices/new/", form_data(**{field: "a" * limit}))
    assert PracticeSubmission.objects.count() == 1


def test_the_model_refuses_a_text_over_its_limit_for_every_service():
    submission = PracticeSubmissionFactory(places=[municipality("12021")])
    submission.description = "a" * (TEXT_LIMITS["description"] + 1)
    with pytest.raises(ValidationError) as error:
        submission.full_clean()
    assert "description" in error.value.error_dict


def test_every_limit_is_in_the_hint_and_marked_for_the_counter(client):
    body = client.get("/network/practices/new/").content.decode()
    assert "js/counter.js" in body
    for field, limit in {**TEXT_LIMITS, "title": 160, "summary": 300}.items():
        tag = re.search(rf'<(?:textarea|input)[^>]*name="{field}"[^>]*>', body).group(0)
        assert f'maxlength="{limit}"' in tag, field
        assert "data-bw-counter" in tag, field
        assert f"Hoogstens {limit} tekens." in body, field
