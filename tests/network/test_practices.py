"""Proposals of practice sheets: submission with email confirmation, moderation (publish,
ask for changes, reject), kept versions, the regional scope, bad input."""

import io
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from buddywerk.access.models import Role
from buddywerk.common.models import AuditEvent
from buddywerk.geo.models import Province
from buddywerk.network import services
from buddywerk.network.models import (
    Practice,
    PracticeSubmission,
    PracticeVersion,
    SubmissionStatus,
)
from buddywerk.organisations.models import OrganisationKind
from tests.factories import OrganisationFactory, UserFactory, member
from tests.network.factories import PracticeFactory, PracticeSubmissionFactory, municipality

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_url(settings):
    """Links in mail are built on SITE_URL, never on the request's host."""
    settings.SITE_URL = "https://buddywerk.test"


def regional_coordinator(code="VAN"):
    region = OrganisationFactory(
        kind=OrganisationKind.REGION, province=Province.objects.get(code=code)
    )
    return member(UserFactory(), region, Role.REGIONAL_COORDINATOR)


def platform_admin():
    umbrella = OrganisationFactory(kind=OrganisationKind.UMBRELLA)
    return member(UserFactory(is_staff=True), umbrella, Role.PLATFORM_ADMIN)


def form_data(**overrides):
    data = {
        "title": "Huiswerkbuddy Lier",
        "organisation_name": "Vzw De Brug",
        "summary": "Studenten helpen kinderen elke week met hun huiswerk.",
        "goals": "Huiswerk maken\nZelfvertrouwen",
        "target_group": "Kinderen van het lager onderwijs",
        "places": ["12021"],
        "categories": [str(pk) for pk in _category_ids()],
        "submitter_name": "Ilse Indiener",
        "submitter_email": "ilse@example.org",
    }
    data.update(overrides)
    return data


def _category_ids():
    from buddywerk.network.models import PracticeCategory

    return PracticeCategory.objects.filter(slug="huiswerkbegeleiding").values_list("pk", flat=True)


def png(size=(20, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "orange").save(buffer, "PNG")
    return buffer.getvalue()


def test_submit_confirm_and_publish_by_the_regional_coordinator(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/network/practices/new/", form_data())
    assert response.status_code == 200
    submission = PracticeSubmission.objects.get()
    assert submission.status == SubmissionStatus.UNCONFIRMED
    assert len(mail.outbox) == 1
    link = re.search(
        r"https://buddywerk\.test(/network/practices/confirm/\S+/)", mail.outbox[0].body
    )
    assert link, mail.outbox[0].body
    # Opening the link confirms nothing; the button does.
    assert client.get(link.group(1)).status_code == 200
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.UNCONFIRMED
    client.post(link.group(1))
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    assert not Practice.objects.exists()

    coordinator = regional_coordinator("VAN")  # Lier lies in the province of Antwerp
    client.force_login(coordinator)
    assert "Huiswerkbuddy Lier" in client.get("/network/moderation/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/network/moderation/{submission.uuid}/publish/", {"reason": ""})
    practice = Practice.objects.get()
    assert response.status_code == 302
    assert practice.title == "Huiswerkbuddy Lier"
    assert [p.nis_code for p in practice.places.all()] == ["12021"]
    assert practice.versions.get().number == 1
    assert "is gepubliceerd" in mail.outbox[-1].subject
    assert AuditEvent.objects.filter(action="practice.publish", actor=coordinator).exists()
    assert client.get(f"/network/practices/{practice.uuid}/").status_code == 200


def test_every_published_version_is_kept():
    admin = platform_admin()
    first = PracticeSubmissionFactory(title="Tandem Gent")
    practice = services.practice_submission_publish(actor=admin, submission=first)
    change = PracticeSubmissionFactory(practice=practice, title="Tandem Gent (vernieuwd)")
    services.practice_submission_publish(actor=admin, submission=change)
    practice.refresh_from_db()
    assert practice.title == "Tandem Gent (vernieuwd)"
    assert practice.version == 2
    versions = PracticeVersion.objects.filter(practice=practice).order_by("number")
    assert [v.content["title"] for v in versions] == ["Tandem Gent", "Tandem Gent (vernieuwd)"]
    assert versions[0].content["places"] == ["44021"]


def test_ask_for_changes_then_resubmit_then_reject(django_capture_on_commit_callbacks):
    admin = platform_admin()
    submission = PracticeSubmissionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_submission_request_changes(
            actor=admin,
            submission=submission,
            reason="Voeg een contactpersoon toe.",
        )
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.CHANGES_REQUESTED
    assert "Voeg een contactpersoon toe." in mail.outbox[-1].body
    assert f"/network/practices/proposals/{submission.token}/edit/" in mail.outbox[-1].body
    services.practice_submission_resubmit(
        token=submission.token,
        fields={"contact_name": "Jan Contact"},
        relations={"places": [municipality()], "categories": list(submission.categories.all())},
    )
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    assert submission.contact_name == "Jan Contact"
    services.practice_submission_reject(
        actor=admin, submission=submission, reason="Dit is geen buddywerking."
    )
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.REJECTED
    assert [t.to_status for t in submission.transitions.all()] == [
        "changes_requested",
        "submitted",
        "rejected",
    ]
    with pytest.raises(ValidationError):  # a rejected proposal is final
        services.practice_submission_publish(actor=admin, submission=submission)
    assert not Practice.objects.exists()


def test_reject_needs_a_reason():
    submission = PracticeSubmissionFactory()
    with pytest.raises(ValidationError):
        services.practice_submission_reject(
            actor=platform_admin(), submission=submission, reason="  "
        )
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED


def test_regional_coordinator_moderates_only_their_province(client):
    gent_submission = PracticeSubmissionFactory(places=[municipality("44021")])
    antwerp = regional_coordinator("VAN")
    with pytest.raises(PermissionDenied):
        services.practice_submission_publish(actor=antwerp, submission=gent_submission)
    client.force_login(antwerp)
    assert client.get(f"/network/moderation/{gent_submission.uuid}/").status_code == 404
    assert gent_submission.title not in client.get("/network/moderation/").content.decode()
    assert not Practice.objects.exists()


def test_unconfirmed_proposals_are_not_moderated(client):
    submission = PracticeSubmissionFactory(status=SubmissionStatus.UNCONFIRMED, confirmed_at=None)
    client.force_login(platform_admin())
    assert client.get(f"/network/moderation/{submission.uuid}/").status_code == 404


@pytest.mark.parametrize(
    "field",
    ["title", "summary", "goals", "target_group", "organisation_name", "submitter_name"],
)
def test_markup_in_any_text_field_is_refused(client, field):
    value = "<script>alert('x')</script> Een buddy helpt kinderen met huiswerk."
    response = client.post("/network/practices/new/", form_data(**{field: value}))
    assert response.status_code == 200
    assert "Gebruik gewone tekst zonder HTML-tags" in response.content.decode()
    assert "<script>alert" not in response.content.decode()
    assert not PracticeSubmission.objects.exists()
    assert not mail.outbox


def test_photo_of_20_mb_is_refused(client):
    big = SimpleUploadedFile("groot.jpg", b"\xff\xd8\xff" + b"0" * (20 * 1024 * 1024), "image/jpeg")
    response = client.post(
        "/network/practices/new/", {**form_data(photo_alt="Een foto"), "photo": big}
    )
    body = response.content.decode()
    assert "Kies een foto van hoogstens 5,0" in body
    assert not PracticeSubmission.objects.exists()


def test_a_file_that_is_not_an_image_is_refused(client):
    fake = SimpleUploadedFile("foto.jpg", b"%PDF-1.4 not an image", "image/jpeg")
    response = client.post(
        "/network/practices/new/", {**form_data(photo_alt="Een foto"), "photo": fake}
    )
    assert response.status_code == 200
    assert "Dit bestand is geen foto die we kunnen lezen" in response.content.decode()
    assert not PracticeSubmission.objects.exists()


def test_photo_needs_alt_text_and_a_good_one_is_kept(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("gezin.png", png(), "image/png")
    response = client.post("/network/practices/new/", {**form_data(), "photo": photo})
    assert "Beschrijf de foto" in response.content.decode()
    assert not PracticeSubmission.objects.exists()
    photo = SimpleUploadedFile("gezin.png", png(), "image/png")
    client.post(
        "/network/practices/new/",
        {**form_data(photo_alt="Een buddy en een gezin in het park"), "photo": photo},
    )
    submission = PracticeSubmission.objects.get()
    assert submission.photo.name.endswith(".png")


def test_propose_a_change_to_a_published_sheet(client):
    practice = PracticeFactory(title="Buddy Mechelen")
    response = client.get(f"/network/practices/{practice.uuid}/change/")
    assert 'value="Buddy Mechelen"' in response.content.decode()
    client.post(
        f"/network/practices/{practice.uuid}/change/",
        form_data(title="Buddy Mechelen", places=["12025"]),
    )
    assert PracticeSubmission.objects.get().practice == practice


def test_moderation_queue_query_count(client, django_assert_max_num_queries):
    client.force_login(platform_admin())
    for _ in range(3):
        PracticeSubmissionFactory()
    with django_assert_max_num_queries(12):
        assert client.get("/network/moderation/").status_code == 200
    for _ in range(8):
        PracticeSubmissionFactory()
    with django_assert_max_num_queries(12):
        body = client.get("/network/moderation/").content.decode()
    assert body.count("/network/moderation/") >= 11


def test_a_sheet_of_a_programme_on_buddywerk_links_to_it(client):
    from tests.factories import ProgrammeFactory

    programme = ProgrammeFactory(name="Buddy Mechelen")
    practice = PracticeFactory(title="Buddy Mechelen (fiche)", programme=programme)
    html = client.get(reverse("network:practice_detail", args=[practice.uuid])).content.decode()
    assert f'href="{reverse("organisations:programme_detail", args=[programme.uuid])}"' in html
    alone = PracticeFactory(title="Een andere praktijk")
    html = client.get(reverse("network:practice_detail", args=[alone.uuid])).content.decode()
    assert "/programmes/" not in html.split("<main", 1)[1].split("</main>", 1)[0]
