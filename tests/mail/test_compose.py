"""The one way to write a mail (mail.compose): rendered in the recipient's language, the
subject prefixed and on one line, the secret-link flag kept, links built on SITE_URL; the
SITE_URL checks; and no code path that takes the site's address from anywhere else."""

import ast
from pathlib import Path

import pytest
from django.test import Client

from buddywerk.mail.checks import site_url_is_an_origin, site_url_is_https
from buddywerk.mail.compose import mail_language, mail_to_address, mail_to_users, site_url
from buddywerk.mail.models import OutgoingMail
from tests.factories import UserFactory
from tests.mail.helpers import PREFIX, dutch, rolled_back, speaks

SRC = Path(__file__).resolve().parents[2] / "src" / "buddywerk"

pytestmark = pytest.mark.django_db  # the shared cache fixture uses the database


def test_each_user_gets_the_mail_in_their_own_language(settings):
    settings.SITE_URL = "https://buddywerk.test/"
    english = speaks(UserFactory(first_name="Emma"), "en")
    flemish = UserFactory(first_name="Jan")

    def write():
        mail_to_users(
            users=[english, flemish],
            template="trajectories/email/urgent_concern",
            kind="trajectories.urgent_concern",
            context={"link": site_url("/duos/x/")},
            sensitive=True,
        )

    written = {m.to: m for m in rolled_back(write)}
    assert written[english.email].subject == PREFIX + "Urgent concern in one of your duos"
    assert written[flemish.email].subject == PREFIX + dutch("Urgent concern in one of your duos")
    assert written[english.email].body.startswith("Hello Emma,")
    assert written[flemish.email].body.startswith(dutch("Hello %(name)s,") % {"name": "Jan"})
    assert all("https://buddywerk.test/duos/x/" in m.body for m in written.values())
    assert all(m.sensitive and m.kind == "trajectories.urgent_concern" for m in written.values())
    assert not OutgoingMail.objects.exists()


def test_an_address_without_an_account_gets_the_chosen_language_or_the_sites():
    english = mail_to_address(
        to="a@example.org",
        language="en",
        template="organisations/email/registration_received",
        kind="organisations.registration_received",
        context={"school_number": "012345"},
    )
    unknown = mail_to_address(
        to="b@example.org",
        language="fr",  # not offered: the site's language
        template="organisations/email/registration_received",
        kind="organisations.registration_received",
        context={"school_number": "012345"},
    )
    subject = "We received the registration of your school"
    assert english.subject == PREFIX + subject
    assert unknown.subject == PREFIX + dutch(subject)
    assert "\n" not in english.subject and "  " not in english.subject
    assert not english.sensitive
    assert mail_language(None) == mail_language("xx") == "nl-be"


@pytest.mark.parametrize(
    ("value", "errors"),
    [
        ("https://buddywerk.example.be", []),
        ("https://buddywerk.example.be/", []),
        ("http://127.0.0.1:8001", []),
        ("buddywerk.example.be", ["buddywerk.E001"]),
        ("https://buddywerk.example.be/app/", ["buddywerk.E001"]),
        ("ftp://buddywerk.example.be", ["buddywerk.E001"]),
        ("https://", ["buddywerk.E001"]),
    ],
)
def test_site_url_must_be_an_origin(settings, value, errors):
    settings.SITE_URL = value
    assert [m.id for m in site_url_is_an_origin()] == errors


@pytest.mark.parametrize(
    ("value", "warnings"),
    [
        ("https://buddywerk.example.be", []),
        ("http://buddywerk.example.be", ["buddywerk.W001"]),
        ("https://localhost", ["buddywerk.W001"]),
        ("http://127.0.0.1:8000", ["buddywerk.W001"]),
    ],
)
def test_check_deploy_wants_the_public_https_address(settings, value, warnings):
    settings.SITE_URL = value
    assert [m.id for m in site_url_is_https()] == warnings


def test_allauth_mail_is_stored_during_the_request_in_the_accounts_language(
    settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://buddywerk.test"
    english = speaks(UserFactory(email="emma@example.org"), "en")
    UserFactory(email="jan@example.org")
    # Nothing after the request's commits runs: the row is written by the request itself.
    with django_capture_on_commit_callbacks(execute=False):
        for email in (english.email, "jan@example.org"):
            # A Dutch page and a forged (allowed) host: neither changes the mail.
            Client(HTTP_ACCEPT_LANGUAGE="nl-BE", HTTP_HOST="localhost").post(
                "/accounts/password/reset/", {"email": email}
            )
    mails = {m.to: m for m in OutgoingMail.objects.filter(kind="account.password_reset_key")}
    assert set(mails) == {english.email, "jan@example.org"}
    assert all(m.sent_at is None and m.sensitive for m in mails.values())
    assert mails[english.email].subject == PREFIX + "Password Reset Email"
    assert mails["jan@example.org"].subject == PREFIX + dutch("Password Reset Email")
    for mail in mails.values():
        assert "https://buddywerk.test/accounts/password/reset/key/" in mail.body
        assert "localhost" not in mail.body


def _python_files():
    return sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


def test_only_settings_and_entry_points_read_the_environment():
    allowed = {
        "settings.py",
        "common/env.py",
        # entry points, which run before the settings are loaded
        "cli.py",
        "cli_help.py",
        "wsgi.py",
        "asgi.py",
        "common/gunicorn_conf.py",
        # hands its own environment on to pg_dump/pg_restore, reads no setting from it
        "common/backup.py",
    }
    readers = sorted(
        str(path.relative_to(SRC))
        for path in _python_files()
        if ("os.environ" in path.read_text() or "getenv" in path.read_text())
        and str(path.relative_to(SRC)) not in allowed
    )
    assert readers == []


def test_no_code_passes_the_sites_address_around():
    """No parameter or argument named base_url: every link in mail is built on SITE_URL.
    (WeasyPrint's own `base_url`, where a PDF finds its images, is not a mail link.)"""
    weasyprint = {
        "reports/exports.py",
        "reports/views.py",
        "reports/qualitative_export.py",
        "reports/qualitative_views.py",
    }
    found = []
    for path in _python_files():
        name = str(path.relative_to(SRC))
        if name in weasyprint:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.arg | ast.keyword) and node.arg == "base_url":
                found.append(f"{name}:{node.lineno}")
    assert found == []
