"""Public forms cannot be used to send mail (issue 11, point 7): the practice proposal, the
buddy registration and the school registration are limited per client address and per
recipient address on the shared cache, have a honeypot, put no free text of an unconfirmed
submitter into a mail, and unconfirmed submissions are removed after a week."""

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from buddywerk.access.models import Membership, User
from buddywerk.buddies.models import Buddy
from buddywerk.common.models import AuditEvent
from buddywerk.network.models import PracticeSubmission, SubmissionStatus
from buddywerk.organisations.models import School
from tests.buddies.test_registration import fill, step
from tests.factories import ProgrammeFactory, SchoolFactory
from tests.network.test_practices import form_data

pytestmark = pytest.mark.django_db

RECIPIENT_NL = "We stuurden vandaag al enkele mails naar dit e-mailadres"
IP_NL = "Er werden in korte tijd veel formulieren verstuurd vanaf jouw internetverbinding"
SPAM = "Win een iPhone op http://oplichter.example"


# --- The three forms, each submitted the way a visitor does ------------------------------


def _practice(client, email, ip, title=SPAM, **extra):
    return client.post(
        "/network/practices/new/",
        form_data(submitter_email=email, submitter_name=SPAM, title=title, **extra),
        REMOTE_ADDR=ip,
    )


def _school(client, email, ip, number="012345", **extra):
    data = {
        "school_number": number,
        "name": SPAM,
        "level": "primary",
        "street": "Kerkstraat 12",
        "postcode": "2800",
        "registrant_name": SPAM,
        "registrant_email": email,
        **extra,
    }
    return client.post(reverse("organisations:school_register"), data, REMOTE_ADDR=ip)


def _buddy(client, email, ip, **extra):
    programme = ProgrammeFactory()
    fill(client, 4)
    client.post(step(5), {"programmes": [programme.pk]})
    account = {
        "first_name": SPAM[:30],
        "last_name": "Peeters",
        "email": email,
        "password1": "Een-lang-wachtwoord-2026",
        "password2": "Een-lang-wachtwoord-2026",
        **extra,
    }
    return client.post(step(6), account, REMOTE_ADDR=ip)


def _stored(kind):
    return {
        "practice": PracticeSubmission.objects.count,
        "school": School.objects.count,
        "buddy": Buddy.objects.count,
    }[kind]()


FORMS = {"practice": _practice, "school": _school, "buddy": _buddy}


def _submit(kind, email, ip, capture, n=0):
    """One visitor's submission; `n` gives a school a number of its own and a practice a
    title of its own (the same proposal or registration sent again is one: see below)."""
    kwargs: dict = {}
    if kind == "school":
        kwargs = {"number": f"0123{n:02d}"}
    elif kind == "practice":
        kwargs = {"title": f"{SPAM} {n}"}
    with capture(execute=True):
        return FORMS[kind](Client(), email, ip, **kwargs)


SUCCESS = {
    "practice": "network/practice_submitted.html",
    "school": "organisations/school_register_done.html",
    "buddy": "buddies/register_done.html",
}


def _accepted(kind, response):
    """The visitor sees the success page (the practice form renders it, the others redirect)."""
    if kind == "practice":
        return response.status_code == 200 and SUCCESS[kind] in [t.name for t in response.templates]
    done = {"school": "organisations:school_register_done", "buddy": "buddies:register_done"}
    return response.status_code == 302 and response["Location"] == reverse(done[kind])


# --- Limits -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", FORMS)
def test_the_fourth_submission_to_one_address_is_refused(kind, django_capture_on_commit_callbacks):
    """Three mails a day to one address at most, whoever sends the forms and from where."""
    for n in range(3):
        response = _submit(
            kind,
            "doelwit@example.org",
            f"198.51.100.{n + 1}",
            django_capture_on_commit_callbacks,
            n,
        )
        assert _accepted(kind, response), (n, response.status_code)
    stored, sent = _stored(kind), len(mail.outbox)
    assert sent == 3
    response = _submit(
        kind, "DOELWIT@example.org", "198.51.100.9", django_capture_on_commit_callbacks, 9
    )
    assert response.status_code == 429
    assert RECIPIENT_NL in response.content.decode()
    assert _stored(kind) == stored and len(mail.outbox) == sent


@pytest.mark.parametrize("kind", FORMS)
def test_the_address_limit_refuses_the_next_submission_from_one_connection(
    kind, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_FORM_LIMITS = {"ip": "3/h", "recipient": "3/d"}
    for n in range(3):
        response = _submit(
            kind, f"persoon{n}@example.org", "192.0.2.66", django_capture_on_commit_callbacks, n
        )
        assert _accepted(kind, response), n
    stored, sent = _stored(kind), len(mail.outbox)
    response = _submit(
        kind, "nog-iemand@example.org", "192.0.2.66", django_capture_on_commit_callbacks, 9
    )
    assert response.status_code == 429
    assert IP_NL in response.content.decode()
    assert _stored(kind) == stored and len(mail.outbox) == sent
    # Another connection is not affected.
    response = _submit(
        kind, "nog-iemand@example.org", "203.0.113.5", django_capture_on_commit_callbacks, 10
    )
    assert _accepted(kind, response)


def test_limits_are_shared_between_the_forms(django_capture_on_commit_callbacks):
    _submit("practice", "doelwit@example.org", "198.51.100.1", django_capture_on_commit_callbacks)
    _submit("school", "doelwit@example.org", "198.51.100.2", django_capture_on_commit_callbacks, 1)
    _submit("buddy", "doelwit@example.org", "198.51.100.3", django_capture_on_commit_callbacks)
    response = _submit(
        "practice", "doelwit@example.org", "198.51.100.4", django_capture_on_commit_callbacks, 1
    )
    assert response.status_code == 429 and len(mail.outbox) == 3


def test_a_refused_submission_does_not_count(django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    """Bad input stores and sends nothing, so it does not use up the limit."""
    SchoolFactory(school_number="012300")  # every try below is refused: already registered
    for _ in range(4):
        response = _submit("school", "doelwit@example.org", "198.51.100.1", capture, 0)
        assert response.status_code == 200
        assert "Er is al een school met dit instellingsnummer" in response.content.decode()
    assert mail.outbox == []
    response = _submit("school", "doelwit@example.org", "198.51.100.1", capture, 1)
    assert _accepted("school", response)


# --- Sent twice (issue 16, point 2) ------------------------------------------------------
# No account, so no one-time token: the natural key decides. A registration still waiting
# for the same school and address, or a proposal with the same address and title within the
# hour, is the same one: the visitor sees the usual answer with a message, nothing is stored
# or mailed again, and the resend does not use up the address's limit.

ALREADY_SENT = "al verstuurd"


@pytest.mark.parametrize("kind", ["practice", "school"])
def test_a_public_form_sent_twice_makes_one_record_and_one_mail(
    kind, django_capture_on_commit_callbacks
):
    client = Client()
    kwargs = {"number": "0123 45"} if kind == "school" else {}
    with django_capture_on_commit_callbacks(execute=True):
        first = FORMS[kind](client, "juf@example.org", "198.51.100.1", **kwargs)
    assert _accepted(kind, first)
    assert _stored(kind) == 1 and len(mail.outbox) == 1
    for email in ["juf@example.org", "Juf@Example.org"]:
        with django_capture_on_commit_callbacks(execute=True):
            again = FORMS[kind](client, email, "198.51.100.1", **kwargs)
        assert _accepted(kind, again)
        shown = again if kind == "practice" else client.get(again["Location"])
        assert ALREADY_SENT in shown.content.decode()
        assert _stored(kind) == 1 and len(mail.outbox) == 1
    # The resends used none of the address's three mails a day.
    for n in (1, 2):
        assert _accepted(
            kind,
            _submit(kind, "juf@example.org", "198.51.100.2", django_capture_on_commit_callbacks, n),
        )
    assert _stored(kind) == 3 and len(mail.outbox) == 3


def test_a_school_registered_again_by_another_address_is_still_refused(client):
    """Only the same person's resend is the same registration: someone else gets the
    clear error that the school is already registered."""
    _school(client, "juf@example.org", "198.51.100.1")
    response = _school(Client(), "directie@example.org", "198.51.100.2")
    assert response.status_code == 200
    assert "Er is al een school met dit instellingsnummer" in response.content.decode()
    assert School.objects.count() == 1


def test_a_practice_proposal_is_new_after_an_hour_or_with_another_title(
    django_capture_on_commit_callbacks,
):
    from buddywerk.network import selectors

    with django_capture_on_commit_callbacks(execute=True):
        _practice(Client(), "juf@example.org", "198.51.100.1", title="Huiswerkklas")
        _practice(Client(), "juf@example.org", "198.51.100.1", title="Leesclub")
    assert PracticeSubmission.objects.count() == 2
    PracticeSubmission.objects.filter(title="Huiswerkklas").update(
        created_at=timezone.now() - dt.timedelta(minutes=selectors.RESEND_MINUTES + 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        _practice(Client(), "juf@example.org", "198.51.100.1", title="Huiswerkklas")
    assert PracticeSubmission.objects.count() == 3 and len(mail.outbox) == 3


def test_the_practice_service_itself_is_idempotent(django_capture_on_commit_callbacks):
    """Another caller than the page (e.g. two sends at once past the page's check) gets the
    same proposal back from the service."""
    from buddywerk.network import services

    with django_capture_on_commit_callbacks(execute=True):
        _practice(Client(), "juf@example.org", "198.51.100.1", title="Huiswerkklas")
    first = PracticeSubmission.objects.get()
    fields = {"title": " huiswerkklas "}
    with django_capture_on_commit_callbacks(execute=True):
        again = services.practice_submission_create(
            actor=None,
            fields=fields,
            relations={},
            submitter_name="Juf",
            submitter_email="JUF@example.org",
        )
    assert again == first and len(mail.outbox) == 1


def test_the_school_service_itself_is_idempotent(client, django_capture_on_commit_callbacks):
    from buddywerk.geo.models import Postcode
    from buddywerk.organisations import services

    with django_capture_on_commit_callbacks(execute=True):
        _school(client, "juf@example.org", "198.51.100.1")
    first = School.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        again = services.school_register(
            actor=None,
            school_number="01.23.45",
            name="Andere naam",
            level="primary",
            street="Kerkstraat 12",
            postcode=Postcode.objects.filter(code="2800").first(),
            registrant_name="Juf",
            registrant_email="juf@example.org",
        )
    assert again == first and len(mail.outbox) == 1


# --- Honeypot -----------------------------------------------------------------------------


def test_the_honeypot_is_hidden_from_people_and_assistive_technology(client):
    for url in ["/network/practices/new/", reverse("organisations:school_register")]:
        html = client.get(url).content.decode()
        match = re.search(
            r'<div class="visually-hidden" aria-hidden="true">(.*?)</div>', html, re.S
        )
        assert match, url
        assert 'name="homepage"' in match.group(1) and 'tabindex="-1"' in match.group(1)
    fill(client, 4)
    client.post(step(5), {"programmes": [ProgrammeFactory().pk]})
    assert 'name="homepage"' in client.get(step(6)).content.decode()


@pytest.mark.parametrize("kind", FORMS)
def test_a_bot_that_fills_the_honeypot_gets_the_success_page_and_nothing_happens(
    kind, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = FORMS[kind](Client(), "doelwit@example.org", "192.0.2.66", homepage="http://x")
    assert _accepted(kind, response)
    assert _stored(kind) == 0 and mail.outbox == []
    assert not User.objects.filter(email="doelwit@example.org").exists()


# --- What the mails say -------------------------------------------------------------------


@pytest.mark.parametrize("kind", FORMS)
def test_the_mail_to_an_unconfirmed_address_has_none_of_the_submitters_words(
    kind, django_capture_on_commit_callbacks
):
    response = _submit(
        kind, "doelwit@example.org", "198.51.100.1", django_capture_on_commit_callbacks
    )
    assert _accepted(kind, response)
    [message] = mail.outbox
    assert message.to == ["doelwit@example.org"]
    for text in (message.subject, message.body):
        assert "iPhone" not in text and "oplichter" not in text and "Win een" not in text


def test_moderators_see_a_proposal_only_after_its_author_confirmed(
    client, django_capture_on_commit_callbacks
):
    from tests.network.test_practices import regional_coordinator

    _submit("practice", "auteur@example.org", "198.51.100.1", django_capture_on_commit_callbacks)
    moderator = regional_coordinator("VAN")
    client.force_login(moderator)
    assert SPAM not in client.get("/network/moderation/").content.decode()
    assert len(mail.outbox) == 1  # the confirmation to the author, and no one else


# --- Purge of unconfirmed submissions -----------------------------------------------------


def _run_scheduled(capture, capsys, now):
    with capture(execute=True):
        call_command("run_scheduled", "--now", now.isoformat())
    return [line for line in capsys.readouterr().out.splitlines() if "unconfirmed" in line]


def test_unconfirmed_submissions_are_removed_after_a_week(
    capsys, django_capture_on_commit_callbacks
):
    _submit(
        "practice", "onbevestigd@example.org", "198.51.100.1", django_capture_on_commit_callbacks
    )
    _submit("practice", "bevestigd@example.org", "198.51.100.2", django_capture_on_commit_callbacks)
    confirmed = PracticeSubmission.objects.get(submitter_email="bevestigd@example.org")
    Client().post(f"/network/practices/confirm/{confirmed.token}/")
    _submit("buddy", "onbevestigd@example.org", "198.51.100.3", django_capture_on_commit_callbacks)
    _submit("buddy", "bevestigd@example.org", "198.51.100.4", django_capture_on_commit_callbacks)
    EmailAddress.objects.filter(email="bevestigd@example.org").update(verified=True)
    unconfirmed_practice = PracticeSubmission.objects.get(submitter_email="onbevestigd@example.org")
    unconfirmed_user = User.objects.get(email="onbevestigd@example.org")
    made = timezone.now()

    # Six days later: nothing goes yet.
    lines = _run_scheduled(django_capture_on_commit_callbacks, capsys, made + dt.timedelta(days=6))
    assert lines == ["unconfirmed-purge: ok practice_proposals=0 buddy_registrations=0"]

    lines = _run_scheduled(
        django_capture_on_commit_callbacks, capsys, made + dt.timedelta(days=7, minutes=1)
    )
    assert lines == ["unconfirmed-purge: ok practice_proposals=1 buddy_registrations=1"]
    assert list(PracticeSubmission.objects.values_list("submitter_email", flat=True)) == [
        "bevestigd@example.org"
    ]
    assert PracticeSubmission.objects.get().status == SubmissionStatus.SUBMITTED
    assert AuditEvent.objects.filter(
        action="practice_submission.purge_unconfirmed", object_id=str(unconfirmed_practice.uuid)
    ).exists()
    # The unconfirmed registration: profile, roles and address gone; the account emptied
    # and closed (the audit trail points at it); the address can register again.
    removed = User.objects.get(pk=unconfirmed_user.pk)
    assert not removed.is_active and not removed.has_usable_password()
    assert removed.first_name == "" and "onbevestigd" not in removed.email
    assert not Buddy.objects.filter(user=removed).exists()
    assert not Membership.objects.filter(user=removed).exists()
    assert not EmailAddress.objects.filter(user=removed).exists()
    assert AuditEvent.objects.filter(
        action="buddy.purge_unconfirmed", object_id=str(removed.uuid)
    ).exists()
    assert Buddy.objects.filter(user__email="bevestigd@example.org").exists()
    # Idempotent: the next run removes nothing more.
    lines = _run_scheduled(django_capture_on_commit_callbacks, capsys, made + dt.timedelta(days=8))
    assert lines == ["unconfirmed-purge: ok practice_proposals=0 buddy_registrations=0"]
    # The freed address registers again.
    response = _submit(
        "buddy", "onbevestigd@example.org", "198.51.100.5", django_capture_on_commit_callbacks
    )
    assert _accepted("buddy", response)
    assert Buddy.objects.filter(user__email="onbevestigd@example.org").exists()


def test_the_cache_is_the_shared_database_cache():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
