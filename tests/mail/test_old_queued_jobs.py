"""Jobs an older release left in the task queue (django_tasks_db) still write their mail.

Before issue 12 the services enqueued a task per mail after the commit, and the task
rendered the mail (with a `base_url` argument). A deployment may hold such jobs when it
upgrades, and during a rolling deploy an old web process may still enqueue them. Each old
task name stays as a thin task that writes the same mail as the service does now, with
links from SITE_URL; these tests store old-style jobs in the real database queue and run
the worker (`db_worker --batch`) on them."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from buddywerk.mail.models import OutgoingMail
from tests.buddies.factories import applicant, coordinated_programme
from tests.factories import ProgrammeFactory, SchoolFactory
from tests.learning.factories import EventFactory
from tests.matching.helpers import open_proposal, staff_of
from tests.network.factories import PracticeSubmissionFactory
from tests.trajectories.factories import TrajectoryFactory, coordinator_of

pytestmark = pytest.mark.django_db(transaction=True)

OLD = "http://old-address.example/"


@pytest.fixture(autouse=True)
def _queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SITE_URL = "https://buddywerk.test"


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    failed = DBTaskResult.objects.exclude(status="SUCCESSFUL")
    assert not failed.exists(), [(r.task_path, r.status, r.exception_class_path) for r in failed]


def _proposal():
    programme, school = ProgrammeFactory(), SchoolFactory()
    buddy = applicant(programme, status="approved")
    staff_of(school)
    return open_proposal(programme=programme, buddy=buddy, school=school)


def _old_jobs():
    """(task, args, kwargs, expected kind, a link the mail must hold) per old task."""
    from buddywerk.buddies import tasks as buddies
    from buddywerk.followup import tasks as followup
    from buddywerk.learning import services as learning_services
    from buddywerk.learning import tasks as learning
    from buddywerk.matching import tasks as matching
    from buddywerk.network import tasks as network
    from buddywerk.organisations import tasks as organisations
    from buddywerk.reports import tasks as reports
    from buddywerk.trajectories import tasks as trajectories
    from buddywerk.trajectories.models import TrajectoryReminder

    proposal = _proposal()
    submission = PracticeSubmissionFactory(status="unconfirmed")
    programme = ProgrammeFactory()
    event = EventFactory(capacity=1)
    promoted_buddy = applicant(programme, status="approved")
    promoted = learning_services.Registration.objects.create(
        event=event, user=promoted_buddy.user, buddy=promoted_buddy, status="registered"
    )
    screened_programme, _coordinator = coordinated_programme()
    screened = applicant(screened_programme, status="approved")
    address = screened.user.emailaddress_set.get()
    address.verified = False
    address.save()
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    reminder = TrajectoryReminder.objects.create(
        trajectory=duo, kind="end_near", recipient=duo.buddy.user, about=duo.planned_end
    )
    duo_link = f"https://buddywerk.test/duos/{duo.uuid}/"
    return [
        (
            matching.proposal_mail_send,
            [],
            {"kind": "proposed", "proposal_id": proposal.pk, "base_url": OLD},
            "matching.proposed",
            f"https://buddywerk.test/matching/proposals/{proposal.uuid}/",
        ),
        (
            network.practice_mail_send,
            [],
            {"kind": "confirm", "submission_id": submission.pk, "base_url": OLD},
            "network.confirm",
            f"https://buddywerk.test/network/practices/confirm/{submission.token}/",
        ),
        (
            learning.registration_mail_send,
            [],
            {"kind": "moved_up", "registration_id": promoted.pk, "base_url": OLD},
            "learning.moved_up",
            f"https://buddywerk.test/learning/events/{event.uuid}/",
        ),
        (
            organisations.school_mail_send,
            [],
            {
                "kind": "registration_declined",
                "school_id": 0,  # deleted with the declined registration
                "email": "zita@example.org",
                "base_url": OLD,
                "name": "Zita",
                "reason": "Geen school.",
                "school_name": "De Linde",
                "school_number": "012345",
            },
            "organisations.registration_declined",
            "012345",
        ),
        (
            buddies.send_email_verification,
            [address.pk, OLD],
            {},
            "buddies.verify",
            "https://buddywerk.test/accounts/confirm-email/",
        ),
        (
            buddies.send_account_exists,
            [screened.user.pk, OLD],
            {},
            "buddies.account_exists",
            "https://buddywerk.test/accounts/login/",
        ),
        (
            buddies.send_screening_decision,
            [screened.pk, screened_programme.pk],
            {},
            "buddies.screening_approved",
            "",
        ),
        (
            trajectories.reminder_send,
            [],
            {"reminder_id": reminder.pk, "base_url": OLD},
            "trajectories.end_near",
            duo_link,
        ),
        (
            trajectories.concern_mail_send,
            [],
            {
                "kind": "urgent_concern",
                "trajectory_uuid": str(duo.uuid),
                "recipient_ids": [coordinator.pk],
                "base_url": OLD,
            },
            "trajectories.urgent_concern",
            duo_link,
        ),
        (
            followup.followup_mail_send,
            [],
            {
                "kind": "checkin_due",
                "trajectory_uuid": str(duo.uuid),
                "recipient_ids": [coordinator.pk],
                "base_url": OLD,
            },
            "followup.checkin_due",
            duo_link,
        ),
        (
            reports.send_report_reminder,
            [screened_programme.pk, "interim", "2026-02-01"],
            {},
            "reports.interim_reminder",
            "",
        ),
    ]


def test_every_old_mail_job_writes_its_mail_once_with_site_url_links():
    jobs = _old_jobs()
    for task, args, kwargs, _kind, _link in jobs:
        task.enqueue(*args, **kwargs)
    OutgoingMail.objects.all().delete()  # only what the old jobs write counts
    mail.outbox.clear()
    _run_worker()
    kinds = sorted(OutgoingMail.objects.values_list("kind", flat=True))
    assert kinds == sorted(kind for *_job, kind, _link in jobs)
    # Each was sent by the worker after its job's commit (secret links are erased from
    # the rows then, so the sent messages are read).
    assert not OutgoingMail.objects.filter(sent_at__isnull=True).exists()
    bodies = [message.body for message in mail.outbox]
    assert len(bodies) == len(jobs)
    for *_job, kind, link in jobs:
        assert any(link in body for body in bodies), (kind, link)
    assert not any(OLD.rstrip("/") in body for body in bodies)


def test_an_old_import_job_still_runs_and_its_old_invitation_job_still_invites():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from buddywerk.buddies import importer, tasks
    from buddywerk.buddies.models import BuddyImport
    from tests.buddies.factories import institution

    programme, coordinator = coordinated_programme()
    values = dict(zip(importer.COLUMNS, importer.EXAMPLE_ROW, strict=True))
    content = ";".join(importer.COLUMNS) + "\n" + ";".join(values[c] for c in importer.COLUMNS)
    job = importer.buddy_import_start(
        actor=coordinator,
        programme=programme,
        training_institution=institution(),
        upload=SimpleUploadedFile("s.csv", content.encode()),
    )
    DBTaskResult.objects.all().delete()
    tasks.run_buddy_import.enqueue(job.pk, False, OLD)  # the old three arguments
    _run_worker()
    importer.buddy_import_confirm(actor=coordinator, job=BuddyImport.objects.get(pk=job.pk))
    _run_worker()  # the new two-argument job the confirmation enqueued
    job.refresh_from_db()
    assert job.status == "done"
    OutgoingMail.objects.all().delete()
    tasks.send_import_invitations.enqueue(job.pk, OLD)
    _run_worker()
    (invitation,) = OutgoingMail.objects.filter(kind="buddies.import_invitation")
    assert invitation.sent_at is not None
    assert invitation.body == ""  # a secret link: erased once sent
    assert timezone.now() - invitation.created_at < dt.timedelta(minutes=5)
