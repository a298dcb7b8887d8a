"""Every periodic job, run once by `buddywerk run-scheduled` (cron every 15 minutes, the
demo every 5). Each job is idempotent, so running them more often than they fall due sends
nothing twice; each one is wrapped so that one failing job does not stop the others.

A job takes the moment of the run and returns a short summary of counts for the log line.
The links in the mails they write come from the SITE_URL setting.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

logger = logging.getLogger(__name__)


def _mail_retries(now: dt.datetime) -> str:
    from buddywerk.mail.outbox import retry_due_mail

    run = retry_due_mail(now=now)
    return f"sent={run.sent} failed={run.failed} given_up={run.given_up}"


def _family_messages(now: dt.datetime) -> str:
    from buddywerk.mail.family_services import family_meeting_reminders
    from buddywerk.mail.sms import retry_due_sms

    written = family_meeting_reminders(today=timezone.localdate(now))
    run = retry_due_sms(now=now)
    return f"written={written} sent={run.sent} failed={run.failed} given_up={run.given_up}"


def _trajectory_reminders(now: dt.datetime) -> str:
    from buddywerk.trajectories.reminders import send_due_reminders

    run = send_due_reminders(today=timezone.localdate(now))
    return f"created={run.created} enqueued={run.enqueued}"


def _followup_reminders(now: dt.datetime) -> str:
    from buddywerk.followup.services import followup_reminders

    counts = followup_reminders(today=timezone.localdate(now), now=now)
    return " ".join(f"{key}={value}" for key, value in counts.items())


def _matching_expiry(now: dt.datetime) -> str:
    from buddywerk.matching.services import proposals_expire

    reminded, expired = proposals_expire(now=now)
    return f"reminded={reminded} expired={expired}"


def _report_reminders(now: dt.datetime) -> str:
    from buddywerk.reports.services import report_reminders_send

    return f"sent={report_reminders_send(today=timezone.localdate(now))}"


def _qualitative_reminders(now: dt.datetime) -> str:
    from buddywerk.reports.qualitative_services import qualitative_reminders_send

    return f"sent={qualitative_reminders_send(today=timezone.localdate(now))}"


def _stale_imports(now: dt.datetime) -> str:
    from buddywerk.buddies.importer import imports_recover_stale

    return f"failed={imports_recover_stale(now=now)}"


def _unconfirmed_purge(now: dt.datetime) -> str:
    from buddywerk.buddies.services import buddy_registrations_purge_unconfirmed
    from buddywerk.network.services import practice_submissions_purge_unconfirmed

    practices = practice_submissions_purge_unconfirmed(now=now)
    buddies = buddy_registrations_purge_unconfirmed(now=now)
    return f"practice_proposals={practices} buddy_registrations={buddies}"


def _form_tokens_purge(now: dt.datetime) -> str:
    from buddywerk.common.once import once_tokens_purge

    return f"forgotten={once_tokens_purge(now=now)}"


def _idempotency_keys_purge(now: dt.datetime) -> str:
    from buddywerk.api.idempotency import idempotency_keys_purge

    return f"deleted={idempotency_keys_purge(now=now)}"


def _extract_expiry(now: dt.datetime) -> str:
    from buddywerk.trajectories.safeguarding_services import (
        extract_reminders_send,
        extracts_expire,
    )

    today = timezone.localdate(now)
    reminded = extract_reminders_send(today=today)
    return f"reminded={reminded} paused={len(extracts_expire(today=today))}"


def _check_safeguarding(now: dt.datetime) -> str:
    from buddywerk.trajectories.safeguarding_check import safeguarding_check_run

    return f"findings={safeguarding_check_run(now=now)}"


def _combined_exports_cleanup(now: dt.datetime) -> str:
    from buddywerk.reports.combined_exports import combined_exports_cleanup

    return f"deleted={combined_exports_cleanup(now=now)}"


def _webhook_retries(now: dt.datetime) -> str:
    from buddywerk.api.webhooks import retry_due_webhooks

    run = retry_due_webhooks(now=now)
    return f"delivered={run.delivered} failed={run.failed} given_up={run.given_up}"


def _grant_receipts(now: dt.datetime) -> str:
    from buddywerk.funds.services import grant_receipts_check

    reminded, flagged = grant_receipts_check(today=timezone.localdate(now))
    return f"reminded={reminded} flagged={flagged}"


def _privacy_purge(now: dt.datetime) -> str:
    from buddywerk.privacy.erasure_services import erasure_requests_execute
    from buddywerk.privacy.purge import privacy_purge

    # Confirmed erasure requests on every run, so one confirmed in the morning is done the
    # same day; the purge of what is past its period once a day.
    erased = erasure_requests_execute(now=now)
    counts = privacy_purge(now=now)
    summary = f" erasure_requests={erased.requests}" if erased.requests else ""
    if counts is None:
        return f"done today{summary}"
    return " ".join(f"{key}={value}" for key, value in counts.as_dict().items()) + summary


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[dt.datetime], str]


# Mail retries first: what the other jobs write goes out through the worker anyway.
JOBS: list[Job] = [
    Job("mail-retries", _mail_retries),
    Job("trajectory-reminders", _trajectory_reminders),
    Job("followup-reminders", _followup_reminders),
    Job("matching-expiry", _matching_expiry),
    Job("report-reminders", _report_reminders),
    Job("qualitative-reminders", _qualitative_reminders),
    Job("stale-imports", _stale_imports),
    Job("unconfirmed-purge", _unconfirmed_purge),
    Job("form-tokens-purge", _form_tokens_purge),
    Job("idempotency-keys-purge", _idempotency_keys_purge),
    # before the check: on the day an extract runs out, its duos with a minor pause first
    Job("extract-expiry", _extract_expiry),
    Job("check-safeguarding", _check_safeguarding),
    Job("webhook-retries", _webhook_retries),
    Job("combined-exports-cleanup", _combined_exports_cleanup),
    # issue 20: reminders to families and the SMS outbox's retries
    Job("family-messages", _family_messages),
    # issue 21: a study grant's receipt, a reminder before its due day and a flag after
    Job("grant-receipts", _grant_receipts),
    # last: a concern the check above raises holds its duo's data (issue 15 point 3)
    Job("privacy-purge", _privacy_purge),
]


@dataclass(frozen=True)
class JobResult:
    name: str
    ok: bool
    summary: str

    def line(self) -> str:
        return f"{self.name}: {'ok' if self.ok else 'FAILED'} {self.summary}".rstrip()


def run_scheduled(*, now: dt.datetime | None = None) -> list[JobResult]:
    """Run every job once at `now`; a job that raises is logged and reported, the next one
    still runs."""
    now = now or timezone.now()
    results = []
    for job in JOBS:
        try:
            summary = job.run(now)
        except Exception as exc:
            logger.exception("Scheduled job %s failed", job.name)
            results.append(JobResult(job.name, False, type(exc).__name__))
        else:
            results.append(JobResult(job.name, True, summary))
    return results
