"""Webhooks (issue 18): a school subscribes one address; status changes of its referrals and
duos go out signed, through a queue built like the mail outbox, with a delivery log."""

import datetime as dt
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.api import webhooks
from buddywerk.api.models import ApiScope, WebhookAttempt, WebhookDelivery, WebhookSubscription
from buddywerk.api.webhook_services import webhook_subscribe, webhook_unsubscribe
from buddywerk.common.models import AuditEvent
from buddywerk.referrals import services as referral_services
from buddywerk.referrals.models import ReferralStatus
from buddywerk.trajectories import services as trajectory_services
from tests.api.helpers import api, school_staff, token_for
from tests.factories import PupilFactory, ReferralFactory, UserFactory, member
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db


class Receiver:
    """A real HTTP server in a thread, recording what it was sent."""

    def __init__(self, port: int) -> None:
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((dict(self.headers), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        HTTPServer.allow_reuse_address = True
        self.server = HTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def free_port() -> int:
    """A port nobody listens on (yet): the receiver is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_signed_event_reaches_a_receiver_that_was_down_then_up(
    django_capture_on_commit_callbacks,
):
    user, school = school_staff()
    referral = ReferralFactory(pupil=PupilFactory(school=school), draft=True)
    port = free_port()
    subscription, secret = webhook_subscribe(
        actor=user, organisation=school, url=f"http://127.0.0.1:{port}/hooks?x=1"
    )

    # The receiver is down: the first attempt (the worker, right after the commit) fails.
    with django_capture_on_commit_callbacks(execute=True):
        referral_services.referral_submit(actor=user, referral=referral)
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.delivered_at is None and delivery.attempts == 1
    first = WebhookAttempt.objects.get(delivery=delivery)
    assert first.status_code is None and first.error  # ConnectionRefusedError
    assert delivery.next_attempt_at > first.at

    # Up again; the scheduler's retry, once it is due, delivers it.
    receiver = Receiver(port)
    try:
        assert webhooks.retry_due_webhooks(now=first.at).delivered == 0  # not due yet
        run = webhooks.retry_due_webhooks(now=delivery.next_attempt_at)
    finally:
        receiver.stop()
    assert run.delivered == 1
    [(headers, body)] = receiver.received
    assert webhooks.verify(secret, headers[webhooks.SIGNATURE_HEADER], body, now=int(time.time()))
    assert not webhooks.verify(
        "whsec_other", headers[webhooks.SIGNATURE_HEADER], body, now=int(time.time())
    )
    # An old timestamp (a replayed message) is refused.
    assert not webhooks.verify(
        secret, headers[webhooks.SIGNATURE_HEADER], body, now=int(time.time()) + 3600
    )
    event = json.loads(body)
    assert headers[webhooks.EVENT_HEADER] == event["id"] == str(delivery.uuid)
    assert event["type"] == "referral.status_changed"
    assert event["data"]["referral"] == str(referral.uuid)
    assert event["data"]["from_status"] == ReferralStatus.DRAFT
    assert event["data"]["to_status"] == ReferralStatus.SUBMITTED
    # No name of the child anywhere in what leaves.
    assert referral.pupil.first_name not in body.decode()
    assert referral.pupil.last_name not in body.decode()

    delivery.refresh_from_db()
    assert delivery.delivered_at is not None and delivery.attempts == 2
    log = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("at", "id"))
    assert [(a.status_code, bool(a.error)) for a in log] == [(None, True), (204, False)]

    # The school reads the same log through the API.
    _, key = token_for(user, scopes=[ApiScope.WEBHOOKS_READ])
    answer = api(key).get(f"/api/v1/webhooks/{subscription.uuid}/deliveries")
    assert answer.status_code == 200
    [item] = answer.json()["items"]
    assert item["delivered_at"] and item["attempts"] == 2
    assert [a["status_code"] for a in item["log"]] == [None, 204]


def test_a_duo_status_change_goes_to_the_duo_school(django_capture_on_commit_callbacks):
    duo = TrajectoryFactory()
    user = member(UserFactory(), duo.school, Role.SCHOOL_STAFF)
    subscription, _ = webhook_subscribe(
        actor=user, organisation=duo.school, url=f"http://127.0.0.1:{free_port()}/"
    )
    trajectory_services.trajectory_pause(actor=None, trajectory=duo, reason="Ziek")
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.event == "duo.status_changed"
    data = delivery.payload["data"]
    assert data["duo"] == str(duo.uuid)
    assert (data["from_status"], data["to_status"]) == ("active", "paused")
    assert data["referrals"] == sorted(str(p.referral.uuid) for p in duo.participants.all())
    # Statuses and public ids only: the reason (free text) does not leave.
    assert "Ziek" not in json.dumps(delivery.payload)


def test_another_school_hears_nothing_and_cannot_see_the_subscription():
    user, school = school_staff()
    other, other_school = school_staff()
    subscription, _ = webhook_subscribe(
        actor=user, organisation=school, url=f"http://127.0.0.1:{free_port()}/"
    )
    ReferralFactory(pupil=PupilFactory(school=other_school))
    assert not WebhookDelivery.objects.exists()
    _, key = token_for(other, scopes=[ApiScope.WEBHOOKS_READ, ApiScope.WEBHOOKS_WRITE])
    client = api(key)
    assert client.get(f"/api/v1/webhooks/{subscription.uuid}").status_code == 404
    assert client.get(f"/api/v1/webhooks/{subscription.uuid}/deliveries").status_code == 404
    assert client.post(f"/api/v1/webhooks/{subscription.uuid}/unsubscribe").status_code == 404
    assert client.get("/api/v1/webhooks").json()["items"] == []
    with pytest.raises(PermissionDenied):
        webhook_subscribe(actor=other, organisation=school, url="https://example.org/")
    with pytest.raises(PermissionDenied):
        webhook_unsubscribe(actor=other, subscription=subscription)
    subscription.refresh_from_db()
    assert subscription.revoked_at is None


def test_subscribe_and_unsubscribe_through_the_api_are_audited():
    user, school = school_staff()
    _, key = token_for(user, scopes=[ApiScope.WEBHOOKS_READ, ApiScope.WEBHOOKS_WRITE])
    client = api(key)
    url = f"http://127.0.0.1:{free_port()}/"
    made = client.post(
        "/api/v1/webhooks",
        {"url": url},
        content_type="application/json",
        headers={"Idempotency-Key": "k1"},
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["secret"].startswith("whsec_") and body["school"] == str(school.uuid)
    again = client.post(
        "/api/v1/webhooks",
        {"url": url},
        content_type="application/json",
        headers={"Idempotency-Key": "k1"},
    )
    assert again.json() == body and WebhookSubscription.objects.count() == 1
    # One live subscription per school.
    second = client.post("/api/v1/webhooks", {"url": url}, content_type="application/json")
    assert second.status_code == 422
    assert client.get(f"/api/v1/webhooks/{body['uuid']}").json()["url"] == url
    assert "secret" not in client.get(f"/api/v1/webhooks/{body['uuid']}").json()
    gone = client.post(f"/api/v1/webhooks/{body['uuid']}/unsubscribe")
    assert gone.status_code == 200 and gone.json()["revoked_at"]
    actions = list(
        AuditEvent.objects.filter(actor=user, action__startswith="webhook.").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["webhook.subscribe", "webhook.unsubscribe"]
    # No events after unsubscribing.
    ReferralFactory(pupil=PupilFactory(school=school))
    assert not WebhookDelivery.objects.exists()


def test_a_read_token_cannot_subscribe():
    user, _ = school_staff()
    _, key = token_for(user, scopes=[ApiScope.WEBHOOKS_READ])
    answer = api(key).post(
        "/api/v1/webhooks", {"url": "https://example.org/"}, content_type="application/json"
    )
    assert answer.status_code == 403
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    ("url", "allow_http", "allow_private"),
    [
        ("http://example.org/hook", False, True),  # not https in production
        ("ftp://example.org/hook", True, True),
        ("https://127.0.0.1/hook", True, False),  # loopback
        ("https://10.1.2.3/hook", True, False),  # private
        ("https://169.254.169.254/latest", True, False),  # link-local (cloud metadata)
        ("https://[::1]/hook", True, False),
        ("https://[::ffff:192.168.0.1]/hook", True, False),
        ("https://localhost/hook", True, False),
    ],
)
def test_refused_addresses(settings, url, allow_http, allow_private):
    settings.WEBHOOK_ALLOW_HTTP = allow_http
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = allow_private
    user, school = school_staff()
    with pytest.raises(ValidationError) as refused:
        webhook_subscribe(actor=user, organisation=school, url=url)
    assert "url" in refused.value.message_dict
    assert not WebhookSubscription.objects.exists()
    assert not AuditEvent.objects.filter(action="webhook.subscribe").exists()


def test_an_address_that_turned_private_is_not_called(settings, django_capture_on_commit_callbacks):
    """Checked again at each attempt: a host name that now resolves to a private address
    (DNS rebinding) gets no request; the attempt is logged as refused."""
    user, school = school_staff()
    referral = ReferralFactory(pupil=PupilFactory(school=school), draft=True)
    port = free_port()
    subscription, _ = webhook_subscribe(
        actor=user, organisation=school, url=f"http://127.0.0.1:{port}/"
    )
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    receiver = Receiver(port)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            referral_services.referral_submit(actor=user, referral=referral)
    finally:
        receiver.stop()
    assert receiver.received == []
    attempt = WebhookAttempt.objects.get(delivery__subscription=subscription)
    assert attempt.status_code is None and "refused" in attempt.error


def test_given_up_after_the_last_attempt(settings, django_capture_on_commit_callbacks):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    user, school = school_staff()
    referral = ReferralFactory(pupil=PupilFactory(school=school), draft=True)
    webhook_subscribe(actor=user, organisation=school, url=f"http://127.0.0.1:{free_port()}/")
    with django_capture_on_commit_callbacks(execute=True):
        referral_services.referral_submit(actor=user, referral=referral)
    delivery = WebhookDelivery.objects.get()
    later = timezone.now() + dt.timedelta(days=1)
    webhooks.retry_due_webhooks(now=later)
    run = webhooks.retry_due_webhooks(now=later + dt.timedelta(days=1))
    assert run.given_up == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 3 and delivery.given_up_at is not None
    assert webhooks.retry_due_webhooks(now=later + dt.timedelta(days=9)).failed == 0
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 3


def test_the_profile_page_subscribes_shows_the_secret_once_and_the_log(client):
    user, school = school_staff()
    client.force_login(user)
    page = client.get("/api/webhooks/")
    assert page.status_code == 200
    url = f"http://127.0.0.1:{free_port()}/in"
    made = client.post("/api/webhooks/", {"url": url, "organisation": school.pk})
    assert made.status_code == 200
    subscription = WebhookSubscription.objects.get(organisation=school)
    assert subscription.secret in made.content.decode()
    assert subscription.secret not in client.get("/api/webhooks/").content.decode()
    other_user, _ = school_staff()
    client.force_login(other_user)
    assert client.post(f"/api/webhooks/{subscription.uuid}/unsubscribe/").status_code == 404
    client.force_login(user)
    assert client.post(f"/api/webhooks/{subscription.uuid}/unsubscribe/").status_code == 302
    subscription.refresh_from_db()
    assert subscription.revoked_at is not None


def test_the_verification_snippet_of_the_docs_accepts_a_delivery_and_refuses_a_forgery():
    """docs/api.md shows receivers how to check a signature: that code, run as it is."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    snippet = text.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(snippet, namespace)  # noqa: S102 - our own documentation
    body = b'{"id":"x","type":"referral.status_changed"}'
    header = webhooks.sign("whsec_abc", int(time.time()), body)
    assert namespace["verify"]("whsec_abc", header, body)
    assert not namespace["verify"]("whsec_abc", header, body + b" ")
    assert not namespace["verify"]("whsec_xyz", header, body)
    old = webhooks.sign("whsec_abc", int(time.time()) - 3600, body)
    assert not namespace["verify"]("whsec_abc", old, body)
