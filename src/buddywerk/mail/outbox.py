"""The mail outbox: no mail is lost when SMTP is down (issue 5).

`mail_enqueue(...)` stores an OutgoingMail row in the caller's transaction and, once that
commits, enqueues `outgoing_mail_send` (below) for the worker. Apps call it through
compose.py (`mail_to_users`, `mail_to_address`), which renders the mail first; only
allauth's adapter, which renders its own, calls it directly. If the process dies before
the task is enqueued, the row is committed anyway and `retry_due_mail` sends it.

Sending marks `sent_at`; a failure records the error and the next attempt with backoff
(1, 5, 15, 60 minutes, then hourly). `retry_due_mail(now=...)`, run by `buddywerk
run-scheduled`, sends what is due. A mail that still fails three days after it was
written is given up with an ERROR log.

A pass first claims its rows with one conditional UPDATE (a fresh claim token and a lease
on `next_attempt_at`), so the worker and a scheduled run never send the same row at the
same time. Each mail the SMTP server accepted is recorded as sent at once, in its own
UPDATE, before the next one goes out: a worker killed in the middle of a batch sends none
of the batch's earlier mails again; the rest wait for the lease to end and go out once
(tests/ops/test_faults.py kills a real worker). What no outbox can close is a crash in the
moment between the server's "queued" and that UPDATE; a mail sent again from there
carries the same Message-ID (one per row), by which mail stores recognise a duplicate.

Log lines name the mail by id and kind, never the recipient, the subject or an SMTP error
text (which can quote the address).

A mail that carries a secret link (a password reset, an invitation to choose a password, an
address confirmation) is enqueued with `sensitive=True`: its body is kept only as long as a
retry may need it, and erased in the transaction that records the send (or the give-up), so
a copy of the database never holds a working link.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from dataclasses import dataclass
from email.utils import parseaddr
from functools import partial

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import QuerySet
from django.tasks import task
from django.utils import timezone

from .models import OutgoingMail

logger = logging.getLogger(__name__)

# Minutes to wait after the 1st, 2nd, 3rd, 4th failed attempt; the last one repeats.
BACKOFF_MINUTES = (1, 5, 15, 60)
GIVE_UP_AFTER = dt.timedelta(days=3)
# A pass that crashed after claiming leaves its rows alone for this long, then they are due.
LEASE = dt.timedelta(minutes=15)
BATCH = 200

# Errors about one message: the next messages may still go through the same connection.
_MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


@dataclass(frozen=True)
class DeliveryRun:
    sent: int = 0
    failed: int = 0
    given_up: int = 0

    def __add__(self, other: DeliveryRun) -> DeliveryRun:
        return DeliveryRun(
            self.sent + other.sent, self.failed + other.failed, self.given_up + other.given_up
        )


def mail_enqueue(
    *,
    to: str,
    subject: str,
    body: str,
    html: str = "",
    kind: str = "",
    from_email: str = "",
    sensitive: bool = False,
) -> OutgoingMail:
    """Store one mail to one recipient in the current transaction; it is sent after the
    commit. Never put a pupil's name in `subject`. `sensitive`: the body holds a secret
    link, erased once the mail is sent or given up."""
    outgoing = OutgoingMail.objects.create(
        kind=kind[:100],
        to=to,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        subject=" ".join(subject.split())[:300],
        body=body,
        html=html,
        sensitive=sensitive,
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(partial(_enqueue_send, outgoing.pk))
    return outgoing


def _enqueue_send(mail_id: int) -> None:
    try:
        outgoing_mail_send.enqueue(mail_id=mail_id)
    except Exception:
        # The row is committed: the next scheduled retry sends it.
        logger.warning("Outgoing mail %s: could not enqueue its task", mail_id, exc_info=True)


def _due(now: dt.datetime) -> QuerySet[OutgoingMail]:
    return OutgoingMail.objects.filter(
        sent_at__isnull=True, given_up_at__isnull=True, next_attempt_at__lte=now
    )


def _claim(candidates: QuerySet[OutgoingMail], now: dt.datetime) -> list[OutgoingMail]:
    """Take the due rows among `candidates` (at most BATCH) for this pass: one UPDATE that
    checks again that each row is due, then one SELECT of what this pass got."""
    token = uuid.uuid4()
    pks = candidates.order_by("next_attempt_at", "pk").values("pk")[:BATCH]
    _due(now).filter(pk__in=pks).update(claim=token, next_attempt_at=now + LEASE)
    return list(OutgoingMail.objects.filter(claim=token).order_by("pk"))


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def message_id(outgoing: OutgoingMail) -> str:
    """The same Message-ID on every attempt of one mail."""
    domain = parseaddr(outgoing.from_email)[1].rpartition("@")[2] or "buddywerk.invalid"
    return f"<outbox.{outgoing.pk}.{outgoing.created_at:%Y%m%d%H%M%S}@{domain}>"


def _record_sent(outgoing: OutgoingMail, now: dt.datetime) -> None:
    """Sent: recorded (and committed, outside a transaction) before the next mail goes out.
    A secret link is no longer needed once the mail left."""
    outgoing.attempts += 1
    outgoing.claim = None
    outgoing.sent_at = now
    outgoing.last_error = ""
    changes: dict[str, object] = {
        "attempts": outgoing.attempts,
        "claim": None,
        "sent_at": now,
        "last_error": "",
    }
    if outgoing.sensitive:
        changes.update(body="", html="")
    OutgoingMail.objects.filter(pk=outgoing.pk).update(**changes)


def _deliver(batch: list[OutgoingMail], now: dt.datetime) -> DeliveryRun:
    """Send the claimed rows through one connection of the default mailer; each sent mail
    is recorded at once, the failures together at the end."""
    if not batch:
        return DeliveryRun()
    outcome: dict[int, BaseException | None] = {}
    connection = mail.mailers.default
    try:
        connection.open()
        for outgoing in batch:
            message = EmailMultiAlternatives(
                outgoing.subject,
                outgoing.body,
                outgoing.from_email,
                [outgoing.to],
                headers={"Message-ID": message_id(outgoing)},
            )
            if outgoing.html:
                message.attach_alternative(outgoing.html, "text/html")
            try:
                connection.send_messages([message])
            except _MESSAGE_ERRORS as exc:
                outcome[outgoing.pk] = exc
                continue
            _record_sent(outgoing, now)
            outcome[outgoing.pk] = None
    except Exception as exc:  # the server is down or went away: the rest waits too
        for outgoing in batch:
            outcome.setdefault(outgoing.pk, exc)
    finally:
        try:
            connection.close()
        except Exception:  # noqa: S110 - closing a broken connection may fail too
            pass
    sent = failed = given_up = 0
    unsent = []
    for outgoing in batch:
        error = outcome[outgoing.pk]
        if error is None:
            sent += 1
            continue
        unsent.append(outgoing)
        outgoing.attempts += 1
        outgoing.claim = None
        outgoing.last_error = _error_text(error)
        if now - outgoing.created_at >= GIVE_UP_AFTER:
            outgoing.given_up_at = now
            given_up += 1
            logger.error(
                "Outgoing mail %s (%s) given up after %s attempts since %s: %s",
                outgoing.pk,
                outgoing.kind or "mail",
                outgoing.attempts,
                outgoing.created_at.isoformat(),
                type(error).__name__,
            )
        else:
            outgoing.next_attempt_at = now + _backoff(outgoing.attempts)
            failed += 1
            logger.warning(
                "Outgoing mail %s (%s) not sent (attempt %s), next attempt at %s: %s",
                outgoing.pk,
                outgoing.kind or "mail",
                outgoing.attempts,
                outgoing.next_attempt_at.isoformat(),
                type(error).__name__,
            )
    if not unsent:
        return DeliveryRun(sent=sent)
    erase = [o.pk for o in unsent if o.sensitive and o.given_up_at]
    with transaction.atomic(savepoint=False):
        OutgoingMail.objects.bulk_update(
            unsent, ["attempts", "claim", "last_error", "next_attempt_at", "given_up_at"]
        )
        if erase:
            # A secret link is no longer needed once the mail will never leave.
            OutgoingMail.objects.filter(pk__in=erase).update(body="", html="")
    return DeliveryRun(sent=sent, failed=failed, given_up=given_up)


def mail_send(*, mail_id: int, now: dt.datetime | None = None) -> DeliveryRun:
    """Send one stored mail if it is still due (the task worker's first attempt)."""
    now = now or timezone.now()
    return _deliver(_claim(OutgoingMail.objects.filter(pk=mail_id), now), now)


def retry_due_mail(*, now: dt.datetime | None = None) -> DeliveryRun:
    """Send every mail that is due at `now`, in batches of BATCH: a fixed number of queries
    per batch, whatever the number of mails."""
    now = now or timezone.now()
    total = DeliveryRun()
    while batch := _claim(OutgoingMail.objects.all(), now):
        total += _deliver(batch, now)
        if len(batch) < BATCH:
            break
    return total


@task()
def outgoing_mail_send(*, mail_id: int) -> int:
    """The worker's first attempt to send one OutgoingMail, right after the commit; a
    failure is recorded on the row and retried by `retry_due_mail` (the scheduler), so the
    task itself does not fail. Returns 1 if sent."""
    return mail_send(mail_id=mail_id).sent
