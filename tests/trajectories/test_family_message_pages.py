"""Issue 20, point 4, the pages: the coordinator of a family duo's programme records the
family's contact person for short messages or withdraws it; a family programme's
coordinator keeps its message texts per language, with placeholders explained, a preview
and a clear error for an unknown placeholder. Bad input changes nothing; a coordinator of
another programme finds nothing (404); the duo's buddy is refused."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from buddywerk.common.models import AuditEvent
from buddywerk.mail import family_services
from buddywerk.mail.models import FamilyContact, MessageTemplate
from tests.factories import UserFactory, member
from tests.trajectories.factories import TrajectoryFactory, coordinator_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def duo():
    return TrajectoryFactory(family=True)


def _contact_url(duo):
    return reverse("trajectories:family_contact", args=[duo.uuid])


def _outsider():
    """A coordinator of another family programme."""
    return member(UserFactory(), TrajectoryFactory(family=True).programme, "programme_coordinator")


def _good(**changes):
    data = {
        "channel": "sms",
        "phone": "0470 12 34 56",
        "email": "",
        "language": "nl",
        "consent": "on",
        "consent_date": timezone.localdate().isoformat(),
    }
    data.update(changes)
    return data


def test_coordinator_records_changes_and_withdraws_the_contact(client, duo):
    coordinator = coordinator_of(duo)
    client.force_login(coordinator)
    detail = client.get(reverse("trajectories:detail", args=[duo.uuid])).content.decode()
    assert _contact_url(duo) in detail
    assert client.get(_contact_url(duo)).status_code == 200
    response = client.post(_contact_url(duo), _good())
    assert response.status_code == 302
    family = duo.participants.get().family
    contact = FamilyContact.objects.get(family=family)
    assert (contact.channel, contact.phone) == ("sms", "+32470123456")
    # Consent asked earlier, on paper: its day is kept; the channel changes to mail.
    earlier = timezone.localdate() - dt.timedelta(days=3)
    client.post(
        _contact_url(duo),
        _good(channel="mail", phone="", email="gezin@example.org", consent_date=earlier),
    )
    contact.refresh_from_db()
    assert (contact.channel, contact.phone, contact.email) == ("mail", "", "gezin@example.org")
    assert timezone.localdate(contact.consent_at) == earlier
    page = client.get(_contact_url(duo)).content.decode()
    assert "gezin@example.org" in page
    withdraw = reverse("trajectories:family_contact_withdraw", args=[duo.uuid])
    assert client.post(withdraw).status_code == 302
    assert not FamilyContact.objects.filter(family=family).exists()
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("family_contact.save") == 2
    assert actions.count("family_contact.delete") == 1


def test_bad_contact_input_changes_nothing(client, duo):
    client.force_login(coordinator_of(duo))
    family = duo.participants.get().family
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for data in (
        _good(consent=""),  # no consent
        _good(phone="12"),
        _good(channel="mail", email="geen-adres"),
        _good(language="ar"),  # the programme keeps no Arabic texts
        _good(consent_date=tomorrow.isoformat()),
        _good(channel="fax"),
    ):
        response = client.post(_contact_url(duo), data)
        assert response.status_code == 200, data
        assert response.context["form"].errors, data
    assert "Vraag eerst" in client.post(_contact_url(duo), _good(consent="")).content.decode()
    assert not FamilyContact.objects.filter(family=family).exists()
    assert not AuditEvent.objects.filter(action="family_contact.save").exists()


def test_outsiders_buddies_and_closed_duos_reach_no_contact_page(client, duo):
    coordinator = coordinator_of(duo)
    client.force_login(coordinator)
    client.post(_contact_url(duo), _good())
    withdraw = reverse("trajectories:family_contact_withdraw", args=[duo.uuid])
    for user in (_outsider(), duo.buddy.user):
        client.force_login(user)
        assert client.get(_contact_url(duo)).status_code == 404
        assert client.post(_contact_url(duo), _good(phone="0470 99 99 99")).status_code == 404
        assert client.post(withdraw).status_code == 404
    contact = FamilyContact.objects.get()
    assert contact.phone == "+32470123456"
    # The buddy sees no link on the duo's page either.
    detail = client.get(reverse("trajectories:detail", args=[duo.uuid])).content.decode()
    assert _contact_url(duo) not in detail
    # A closed duo is no longer a way in (the contact goes with the privacy purge).
    closed = TrajectoryFactory(family=True, closed=True)
    client.force_login(coordinator_of(closed))
    assert client.get(_contact_url(closed)).status_code == 404
    with pytest.raises(PermissionDenied):
        family_services.family_contact_save(
            actor=coordinator_of(closed),
            family=closed.participants.get().family,
            channel="sms",
            phone="0470123456",
            consent=True,
        )


def _texts_url(programme):
    return reverse("trajectories:message_template_edit", args=[programme.uuid])


def test_coordinator_previews_and_saves_a_text_in_a_new_language(client, duo):
    client.force_login(coordinator_of(duo))
    listing = client.get(reverse("trajectories:message_template_list")).content.decode()
    assert _texts_url(duo.programme) in listing
    page = client.get(_texts_url(duo.programme)).content.decode()
    # The placeholders explained in plain Dutch, the built-in Dutch text with example values.
    assert "de dag van de afspraak" in page and "14/03/2027" in page
    assert "Stadsbibliotheek" in page
    text = "Demain {date} à {time}: rendez-vous avec votre buddy, {place}."
    data = {"kind": "meeting_reminder", "language": "fr", "text": text}
    preview = client.post(_texts_url(duo.programme), {**data, "preview": "1"})
    assert preview.status_code == 200
    assert preview.context["preview"] == (
        "Demain 14/03/2027 à 16:00: rendez-vous avec votre buddy, Stadsbibliotheek."
    )
    assert not MessageTemplate.objects.exists()
    assert client.post(_texts_url(duo.programme), data).status_code == 302
    saved = MessageTemplate.objects.get()
    assert (saved.language, saved.text) == ("fr", text)
    assert AuditEvent.objects.filter(action="message_template.save").count() == 1
    # French is now a language the programme offers: the contact page lists it.
    contact_page = client.get(_contact_url(duo)).content.decode()
    assert 'value="fr"' in contact_page
    edit = client.get(_texts_url(duo.programme), {"kind": "meeting_reminder", "language": "fr"})
    assert edit.context["form"].initial["text"] == text


def test_unknown_placeholder_is_refused_with_a_clear_dutch_error(client, duo):
    client.force_login(coordinator_of(duo))
    url = _texts_url(duo.programme)
    for button in ({"preview": "1"}, {}):
        response = client.post(
            url, {"kind": "date_changed", "language": "nl", "text": "Dag {naam}, {date}", **button}
        )
        assert response.status_code == 200
        assert "{naam}" in " ".join(response.context["form"].errors["text"])
        assert "Het bericht kan {naam} niet invullen" in response.content.decode()
    for text in ("Om {time:d}", "Om {date", "x" * 321, "  "):
        response = client.post(url, {"kind": "date_changed", "language": "nl", "text": text})
        assert response.status_code == 200 and response.context["form"].errors["text"]
    assert not MessageTemplate.objects.exists()


def test_template_pages_refuse_outsiders_and_buddies(client, duo):
    url = _texts_url(duo.programme)
    data = {"kind": "date_changed", "language": "en", "text": "Moved: {date}"}
    client.force_login(_outsider())
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    client.force_login(duo.buddy.user)
    assert client.get(reverse("trajectories:message_template_list")).status_code == 403
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    assert not MessageTemplate.objects.exists()
