"""The public registration in steps: data kept on errors, R1 refusals store nothing, the
whole journey creates the buddy."""

import pytest
from django.core import mail
from django.urls import reverse

from buddywerk.access.models import User
from buddywerk.buddies.models import Buddy
from buddywerk.buddies.views import SESSION_KEY
from tests.buddies.factories import institution
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def step(n):
    return reverse("buddies:register_step", args=[n])


STEP1 = {"kind": "student", "field_of_study": "teacher_training", "on_internship": "no"}
STEP3 = {
    "languages": ["nl", "ar"],
    "competences": ["maths"],
    "school_levels": ["primary"],
    "meeting_modes": ["school"],
}
STEP4 = {
    "slots": ["wed-pm"],
    "home_postcode": "2800",
    "travel_radius_km": "10",
    "capacity": "1",
    "available_from": "2026-02-01",
}


def fill(client, until):
    STEP1["training_institution"] = institution().pk
    data = {1: STEP1, 2: {"accept": "on"}, 3: STEP3, 4: STEP4}
    for n in range(1, until + 1):
        response = client.post(step(n), data[n])
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"] == step(n + 1)


def test_later_steps_need_earlier_ones(client):
    assert client.get(step(4))["Location"] == step(1)
    assert client.get(step(1)).status_code == 200


def test_declaration_is_required(client):
    fill(client, 1)
    response = client.post(step(2), {})
    assert response.status_code == 200
    assert "uittreksel uit het strafregister model 2" in response.content.decode()
    assert client.get(step(3))["Location"] == step(2)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"slots": []}, "Vink minstens één moment"),
        ({"capacity": "0"}, "Kies 1, 2 of 3"),
        ({"capacity": "4"}, "Kies 1, 2 of 3"),
        ({"travel_radius_km": "-5"}, "minstens 1 km"),
        ({"travel_radius_km": "10000"}, "hoogstens 100 km"),
        ({"home_postcode": "9999"}, "Deze postcode kennen we niet"),
    ],
)
def test_bad_input_on_step_4_keeps_what_was_typed(client, change, message):
    fill(client, 3)
    data = {**STEP4, **change}
    response = client.post(step(4), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    # What was typed is still there, in the page and in the session.
    assert 'value="2026-02-01"' in html
    assert client.session[SESSION_KEY]["data"]["4"]["available_from"] == ["2026-02-01"]
    assert client.get(step(5))["Location"] == step(4)
    # Coming back to the step shows the same input.
    assert 'value="2026-02-01"' in client.get(step(4)).content.decode()
    assert Buddy.objects.count() == 0


def test_not_eligible_is_told_why_and_nothing_is_kept(client):
    response = client.post(step(1), {"kind": "teacher", "teaching_qualification": "none"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "onderwijsbekwaamheid" in html or "bekwaamheidsbewijs" in html
    assert SESSION_KEY not in client.session
    assert User.objects.count() == 0


def test_missing_kind_questions_are_field_errors(client):
    response = client.post(step(1), {"kind": "student"})
    html = response.content.decode()
    assert "Kies wat je studeert" in html
    assert 'value="student"' in html and "checked" in html


def test_whole_journey(client, django_capture_on_commit_callbacks):
    programme = ProgrammeFactory(name="Buddy Mechelen")
    ProgrammeFactory(name="Closed", accepts_buddies=False)
    fill(client, 4)
    html = client.get(step(5)).content.decode()
    assert "Buddy Mechelen" in html and "Closed" not in html
    assert client.post(step(5), {"programmes": [programme.pk]})["Location"] == step(6)
    account = {
        "first_name": "Sara",
        "last_name": "Peeters",
        "email": "Sara@Example.org",
        "password1": "Een-lang-wachtwoord-2026",
        "password2": "Een-lang-wachtwoord-2026",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(step(6), account)
    assert response["Location"] == reverse("buddies:register_done")
    buddy = Buddy.objects.get(user__email="sara@example.org")
    assert buddy.slots == ["wed-pm"] and buddy.languages == ["ar", "nl"]
    assert buddy.home_postcode_id == "2800" and buddy.travel_radius_km == 10
    assert list(buddy.programmes.all()) == [programme]
    assert len(mail.outbox) == 1
    assert SESSION_KEY not in client.session


def test_password_mismatch_keeps_other_steps(client):
    programme = ProgrammeFactory()
    fill(client, 4)
    client.post(step(5), {"programmes": [programme.pk]})
    response = client.post(
        step(6),
        {
            "first_name": "Sara",
            "last_name": "P",
            "email": "s@example.org",
            "password1": "Een-lang-wachtwoord-2026",
            "password2": "Anders-wachtwoord-2026",
        },
    )
    assert response.status_code == 200
    assert "niet hetzelfde" in response.content.decode()
    assert client.session[SESSION_KEY]["valid"] == [1, 2, 3, 4, 5]
    assert User.objects.count() == 0


def test_a_known_address_is_not_revealed(client, django_capture_on_commit_callbacks):
    """Account enumeration: a registration with an address that has an account gets the
    same answer as a new one; nothing is stored, and the owner of the address is mailed."""
    programme = ProgrammeFactory(name="Buddy Mechelen")
    owner = User.objects.create_user(email="sara@example.org", password="Iets-anders-2026-x")
    fill(client, 4)
    client.post(step(5), {"programmes": [programme.pk]})
    account = {
        "first_name": "Sara",
        "last_name": "Peeters",
        "email": "SARA@example.org",
        "password1": "Een-lang-wachtwoord-2026",
        "password2": "Een-lang-wachtwoord-2026",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(step(6), account)
    assert response.status_code == 302
    assert response["Location"] == reverse("buddies:register_done")
    assert SESSION_KEY not in client.session
    assert not Buddy.objects.exists()
    owner.refresh_from_db()
    assert owner.check_password("Iets-anders-2026-x")  # the visitor's password is not set
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["sara@example.org"]
    assert "/accounts/password/reset/" in sent.body
    assert "/accounts/confirm-email/" not in sent.body


def test_from_a_programme_page_that_programme_is_ticked(client):
    programme = ProgrammeFactory(name="Buddy Mechelen")
    other = ProgrammeFactory(name="Buddy Rumst")
    page = client.get(reverse("organisations:programme_detail", args=[programme.uuid]))
    link = f"{reverse('buddies:register_start')}?programme={programme.uuid}"
    assert f'href="{link}"' in page.content.decode()
    assert client.get(link)["Location"] == step(1)
    fill(client, 4)
    form = client.get(step(5)).context["form"]
    assert list(form["programmes"].value()) == [programme.pk]
    assert other in form.fields["programmes"].queryset
    # Nonsense in the query string is ignored.
    assert client.get(f"{reverse('buddies:register_start')}?programme=x")["Location"] == step(1)
