"""Issue 20, point 4: short messages to a family's contact person, by SMS through a
pluggable gateway or by mail, in plain Dutch or a language the programme keeps texts in;
every message goes through an outbox. The SMS path runs against a real HTTP server in the
test process: down first, then up; nothing is lost and nothing is sent twice."""

import datetime as dt
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from buddywerk.common.models import AuditEvent
from buddywerk.mail import family_services as fs
from buddywerk.mail.models import (
    FamilyContact,
    FamilyMessage,
    FamilyMessageKind,
    MessageTemplate,
    OutgoingMail,
)
from buddywerk.mail.sms import ConsoleSmsBackend, retry_due_sms, sms_backend
from buddywerk.privacy.purge import Group, archive_groups
from buddywerk.trajectories import meeting_services, services
from tests.factories import UserFactory
from tests.trajectories.factories import TrajectoryFactory, coordinator_of

pytestmark = pytest.mark.django_db


class FakeGateway:
    """A real HTTP SMS gateway on a free local port: records each message it takes, and
    answers 200 again to a message id it already took (without counting it twice)."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.received: list[dict] = []
        self.keys: list[str] = []
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sms"

    def up(self) -> None:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                payload = json.loads(self.rfile.read(length))
                gateway.keys.append(self.headers["Idempotency-Key"])
                if payload["id"] not in {m["id"] for m in gateway.received}:
                    gateway.received.append(payload)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def down(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def gateway(settings):
    fake = FakeGateway()
    settings.SMS_URL = fake.url
    yield fake
    fake.down()


def _family_duo():
    duo = TrajectoryFactory(family=True)
    family = duo.participants.get().family
    return duo, family, coordinator_of(duo)


@pytest.mark.django_db(transaction=True)
def test_sms_while_the_gateway_is_down_then_up_nothing_lost_nothing_twice(gateway):
    duo, family, coordinator = _family_duo()
    fs.family_contact_save(
        actor=coordinator, family=family, channel="sms", phone="0470 12 34 56", consent=True
    )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    meeting = services.meeting_plan(
        actor=duo.buddy.user, trajectory=duo, date=tomorrow, start_time=dt.time(16, 0)
    )
    # The gateway is down: the first attempts fail, the messages wait in the outbox.
    assert fs.family_meeting_reminders(today=timezone.localdate()) == 1
    meeting_services.meeting_move(
        actor=coordinator, meeting=meeting, date=tomorrow, start_time=dt.time(17, 0)
    )
    messages = FamilyMessage.objects.order_by("pk")
    assert [m.kind for m in messages] == ["meeting_reminder", "date_changed"]
    assert all(m.sent_at is None and m.attempts >= 1 for m in messages)
    assert all(m.to == "+32470123456" for m in messages)
    now = timezone.now()
    run = retry_due_sms(now=now + dt.timedelta(minutes=30))
    assert (run.sent, run.failed) == (0, 2)
    # Written once: the reminder job running again writes nothing new.
    assert fs.family_meeting_reminders(today=timezone.localdate()) == 0
    gateway.up()
    run = retry_due_sms(now=now + dt.timedelta(hours=2))
    assert run.sent == 2
    assert len(gateway.received) == 2 and len(gateway.keys) == 2
    assert "17:00" in gateway.received[1]["text"]
    assert gateway.received[0]["to"] == "+32470123456"
    # Nothing is sent twice, however often the scheduler runs.
    assert retry_due_sms(now=now + dt.timedelta(hours=5)).sent == 0
    assert fs.family_meeting_reminders(today=timezone.localdate()) == 0
    assert len(gateway.keys) == 2
    assert all(m.sent_at for m in FamilyMessage.objects.all())


def test_a_message_in_the_programmes_language_else_plain_dutch(gateway):
    gateway.up()
    duo, family, coordinator = _family_duo()
    fs.message_template_save(
        actor=coordinator,
        programme=duo.programme,
        kind=FamilyMessageKind.MEETING_REMINDER,
        language="fr",
        text="Demain {date} à {time}: rendez-vous avec votre buddy, {place}.",
    )
    assert fs.message_languages(duo.programme) == ["nl", "fr"]
    with pytest.raises(ValidationError) as caught:
        fs.family_contact_save(
            actor=coordinator,
            family=family,
            channel="sms",
            phone="0470123456",
            language="ar",
            consent=True,
        )
    assert "language" in caught.value.message_dict
    fs.family_contact_save(
        actor=coordinator,
        family=family,
        channel="sms",
        phone="0470123456",
        language="fr",
        consent=True,
    )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    meeting = services.meeting_plan(
        actor=duo.buddy.user, trajectory=duo, date=tomorrow, start_time=dt.time(16, 0)
    )
    fs.family_meeting_reminders(today=timezone.localdate())
    # No French text for a changed date: plain Dutch.
    meeting_services.meeting_move(
        actor=coordinator, meeting=meeting, date=tomorrow, start_time=dt.time(17, 30)
    )
    assert retry_due_sms().sent == 2
    texts = [m["text"] for m in gateway.received]
    assert texts[0].startswith("Demain ") and "16:00" in texts[0]
    assert "verplaatst" in texts[1] and "17:30" in texts[1]
    assert list(FamilyMessage.objects.order_by("pk").values_list("language", flat=True)) == [
        "fr",
        "nl",
    ]


def test_by_mail_through_the_mail_outbox_and_gone_with_the_family(settings):
    duo, family, coordinator = _family_duo()
    fs.family_contact_save(
        actor=coordinator,
        family=family,
        channel="mail",
        email="gezin@example.org",
        consent=True,
    )
    contact = FamilyContact.objects.get(family=family)
    assert (contact.phone, contact.email) == ("", "gezin@example.org")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    services.meeting_plan(
        actor=duo.buddy.user, trajectory=duo, date=tomorrow, start_time=dt.time(10, 0)
    )
    fs.family_meeting_reminders(today=timezone.localdate())
    mail = OutgoingMail.objects.get(kind="family.message")
    assert mail.to == "gezin@example.org" and mail.sensitive
    # The privacy purge (and an erasure, which archives the same way) reaches it all.
    services.trajectory_close(
        actor=None, trajectory=duo, reason="ended_as_planned", final_wellbeing=3
    )
    group = Group(
        families={family.pk},
        referrals={r.pk for r in family.referrals.all()},
        duos={duo.pk},
        due=timezone.localdate(),
    )
    archive_groups([group], today=timezone.localdate())
    assert not FamilyContact.objects.exists()
    assert not FamilyMessage.objects.exists()
    assert not OutgoingMail.objects.filter(kind="family.message").exists()


def test_contact_needs_consent_valid_data_and_the_right_coordinator():
    duo, family, coordinator = _family_duo()
    with pytest.raises(ValidationError) as caught:
        fs.family_contact_save(
            actor=coordinator, family=family, channel="sms", phone="12", consent=False
        )
    assert set(caught.value.message_dict) == {"consent", "phone"}
    with pytest.raises(PermissionDenied):
        fs.family_contact_save(
            actor=UserFactory(),
            family=family,
            channel="sms",
            phone="0470123456",
            consent=True,
        )
    assert not FamilyContact.objects.exists()
    fs.family_contact_save(
        actor=coordinator, family=family, channel="sms", phone="0470123456", consent=True
    )
    assert AuditEvent.objects.filter(action="family_contact.save").count() == 1
    fs.family_contact_delete(actor=coordinator, family=family)
    assert not FamilyContact.objects.exists()
    assert AuditEvent.objects.filter(action="family_contact.delete").count() == 1


def test_template_with_unknown_placeholder_or_too_long_is_refused():
    duo, family, coordinator = _family_duo()
    for text in ("Hallo {naam}", "x" * 321, "   "):
        with pytest.raises(ValidationError):
            fs.message_template_save(
                actor=coordinator,
                programme=duo.programme,
                kind="date_changed",
                language="en",
                text=text,
            )
    assert not MessageTemplate.objects.exists()


def test_console_backend_for_the_demo(settings, capsys):
    settings.SMS_URL = "console://"
    backend = sms_backend()
    assert isinstance(backend, ConsoleSmsBackend)
    backend.send(message_id="m1", to="+32470123456", text="Hallo")
    assert "Hallo" in capsys.readouterr().out
