"""Photos of practice sheets are served through the application (the media folder is not
served in the demo or in production), with a photo content type; a proposal's photo only
to its moderators."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.network.factories import PracticeFactory, PracticeSubmissionFactory, municipality
from tests.network.test_practices import png, regional_coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def with_photo(obj, name="gezin.png"):
    obj.photo.save(name, ContentFile(png()), save=False)
    obj.photo_alt = "Een buddy en een gezin in het park"
    obj.save()
    return obj


def test_a_published_photo_is_served_to_anyone_with_its_alt_text(client):
    practice = with_photo(PracticeFactory(title="Gezinsbuddy Gent"))
    page = client.get(reverse("network:practice_detail", args=[practice.uuid])).content.decode()
    url = reverse("network:practice_photo", args=[practice.uuid])
    assert f'src="{url}"' in page
    assert 'alt="Een buddy en een gezin in het park"' in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == png()
    response.close()


def test_no_photo_or_a_missing_file_is_404(client):
    practice = PracticeFactory()
    assert client.get(reverse("network:practice_photo", args=[practice.uuid])).status_code == 404
    gone = with_photo(PracticeFactory())
    gone.photo.storage.delete(gone.photo.name)
    assert client.get(reverse("network:practice_photo", args=[gone.uuid])).status_code == 404


def test_a_proposal_photo_only_for_its_moderators(client):
    submission = with_photo(PracticeSubmissionFactory(places=[municipality("12025")]))
    url = reverse("network:moderation_photo", args=[submission.uuid])
    response = client.get(url)
    assert response.status_code == 302  # to the sign-in page
    client.force_login(regional_coordinator("VOV"))  # East Flanders: not their province
    assert client.get(url).status_code == 404
    client.force_login(regional_coordinator("VAN"))
    page = client.get(reverse("network:moderation_detail", args=[submission.uuid]))
    assert f'src="{url}"' in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    response.close()


def test_the_change_form_links_the_current_photo_where_it_is_served(client):
    practice = with_photo(PracticeFactory(title="Gezinsbuddy Gent"))
    html = client.get(reverse("network:practice_propose_change", args=[practice.uuid])).content
    html = html.decode()
    assert f'href="{reverse("network:practice_photo", args=[practice.uuid])}"' in html
    assert "/media/" not in html
    submission = with_photo(
        PracticeSubmissionFactory(status="changes_requested", moderation_reason="Meer uitleg.")
    )
    html = client.get(
        reverse("network:practice_submission_edit", args=[submission.token])
    ).content.decode()
    assert 'name="photo"' in html
    assert "/media/" not in html and "moderation" not in html
