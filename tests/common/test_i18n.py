"""The interface language: Dutch (nl-BE) by default, English complete, a language switch
for everyone; allauth's own Dutch under nl-BE (issue 2, point 6)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from buddywerk.access.models import Role
from buddywerk.organisations.models import OrganisationKind
from tests.common.auth import main_text, post_login
from tests.factories import (
    BuddyFactory,
    OrganisationFactory,
    ProgrammeFactory,
    SchoolFactory,
    UserFactory,
    member,
)

PROJECT_PO = Path(settings.SRC_DIR) / "locale" / "nl_BE" / "LC_MESSAGES" / "django.po"


def _dutch_texts() -> set[str]:
    """The longer Dutch translations of the project catalogue (short ones such as
    "Buddy" or "Online" are the same in English)."""
    texts = set()
    for entry in PROJECT_PO.read_text(encoding="utf-8").split("\n\n")[1:]:
        match = re.search(r'^msgstr ((?:".*"\n?)+)', entry, re.M)
        if match:
            text = "".join(re.findall(r'"(.*)"', match.group(1)))
            if len(text) > 12 and "%(" not in text:
                texts.add(text)
    return texts


@pytest.mark.django_db  # the autouse cache fixture uses the database cache
def test_dutch_is_the_default_and_english_the_other_language():
    assert settings.LANGUAGE_CODE == "nl-be"
    assert [code for code, _name in settings.LANGUAGES] == ["nl-be", "en"]


@pytest.mark.django_db
def test_pages_are_dutch_by_default():
    response = Client().get("/accounts/login/")
    assert response["Content-Language"] == "nl-be"
    assert '<html lang="nl-be">' in response.content.decode()
    text = main_text(response)
    assert "Meld je aan met je e-mailadres en je wachtwoord." in text  # ours
    # allauth's own Dutch (its catalogue is "nl"; Django falls back from nl_BE to nl).
    assert "Wachtwoord vergeten?" in text
    assert "E-mailadres" in text


@pytest.mark.django_db
def test_a_browser_asking_for_english_gets_english():
    response = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"
    assert "Forgot your password?" in main_text(response)


@pytest.mark.django_db
def test_language_switch_for_anonymous_users():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    text = main_text(client.get("/accounts/login/"))
    assert "Sign in with your email address and your password." in text
    assert "Forgot your password?" in text
    client.post("/i18n/setlang/", {"language": "nl-be", "next": "/"})
    assert "Wachtwoord vergeten?" in main_text(client.get("/accounts/login/"))


@pytest.mark.django_db
def test_language_switch_for_signed_in_users_keeps_them_signed_in():
    UserFactory(email="ann@example.org")
    client = Client()
    post_login(client, "ann@example.org")
    assert "Welkom" in main_text(client.get("/"))
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert "Welcome" in main_text(home)
    assert '<html lang="en">' in home.content.decode()


@pytest.mark.django_db
def test_language_switch_refuses_an_unknown_language_and_a_foreign_next():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert '<html lang="nl-be">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_language_switch_is_on_every_page():
    html = Client().get("/accounts/login/").content.decode()
    assert 'action="/i18n/setlang/"' in html
    assert '<option value="en" lang="en">English</option>' in html


@pytest.mark.django_db
def test_english_pages_carry_no_dutch_from_our_catalogue():
    """English is complete: no Dutch text of ours on the English pages of each role."""
    dutch = _dutch_texts()
    assert len(dutch) > 50
    school = SchoolFactory()
    programme = ProgrammeFactory()
    buddy = UserFactory(email="buddy@example.org")
    BuddyFactory(user=buddy, programmes=[programme])
    users = [
        member(buddy, programme, Role.BUDDY),
        member(UserFactory(), school, Role.SCHOOL_STAFF),
        member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR),
        member(
            UserFactory(is_staff=True),
            OrganisationFactory(kind=OrganisationKind.UMBRELLA),
            Role.PLATFORM_ADMIN,
        ),
        member(UserFactory(), OrganisationFactory(kind=OrganisationKind.FUNDER), Role.FUNDER),
    ]
    pages = ["/", "/privacy/", "/no-such-page/", "/accounts/2fa/"]
    for user in users:
        client = Client()
        client.force_login(user)
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        for path in pages:
            html = client.get(path).content.decode()
            found = [text for text in dutch if text in html]
            assert not found, f"{path} as {user.email}: {found}"
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="en")
    for path in ["/", "/accounts/login/", "/accounts/password/reset/", "/privacy/"]:
        html = anonymous.get(path).content.decode()
        found = [text for text in dutch if text in html]
        assert not found, f"{path} as anonymous: {found}"
