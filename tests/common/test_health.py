"""`/healthz` and `/readyz` (issue 17, point 2): JSON, no sign-in, no personal data,
never cached; readiness names the check that fails. A real database outage is in
tests/ops/test_faults.py."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.utils import timezone

from buddywerk.common import health
from buddywerk.mail.outbox import mail_enqueue
from buddywerk.mail.tasks import outgoing_mail_send

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "buddywerk.common.tasks.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _fresh_migration_memory(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)


def _get(path: str):
    response = Client().get(path)
    return response, json.loads(response.content)


def test_healthz_answers_without_touching_anything(django_assert_num_queries):
    with django_assert_num_queries(0):
        response, body = _get("/healthz")
    assert response.status_code == 200
    assert body == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "application/json"


def test_readyz_is_ready_with_every_check_named(settings):
    settings.TASKS = DB_TASKS
    response, body = _get("/readyz")
    assert response.status_code == 200, body
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "tasks": "ok", "mail": "ok"},
    }
    assert "no-store" in response["Cache-Control"]


def test_a_ready_task_waiting_too_long_makes_readyz_fail(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    settings.READY_TASK_MAX_AGE_MINUTES = 15
    result = outgoing_mail_send.enqueue(mail_id=1)
    DBTaskResult.objects.filter(id=result.id).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=14)
    )
    assert _get("/readyz")[0].status_code == 200
    DBTaskResult.objects.filter(id=result.id).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=16)
    )
    response, body = _get("/readyz")
    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["checks"]["tasks"].startswith("fail")
    assert body["checks"]["database"] == "ok"
    # a task that ran is no longer waiting
    DBTaskResult.objects.filter(id=result.id).update(status="SUCCESSFUL")
    assert _get("/readyz")[0].status_code == 200


def test_a_task_due_later_is_not_waiting(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    result = outgoing_mail_send.using(run_after=timezone.now() + dt.timedelta(hours=2)).enqueue(
        mail_id=1
    )
    DBTaskResult.objects.filter(id=result.id).update(
        enqueued_at=timezone.now() - dt.timedelta(days=1)
    )
    assert _get("/readyz")[0].status_code == 200


def test_an_outbox_failing_too_long_makes_readyz_fail(settings):
    settings.READY_MAIL_FAILING_MINUTES = 60
    mail = mail_enqueue(to="someone@example.org", subject="Onderwerp", body="Tekst")
    from buddywerk.mail.models import OutgoingMail

    # unsent for two hours but never tried (the worker has not come round): not failing
    OutgoingMail.objects.filter(pk=mail.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=2)
    )
    assert _get("/readyz")[0].status_code == 200
    OutgoingMail.objects.filter(pk=mail.pk).update(attempts=3, last_error="SMTPServerDisconnected")
    response, body = _get("/readyz")
    assert response.status_code == 503
    assert body["checks"]["mail"].startswith("fail")
    assert "someone@example.org" not in response.content.decode()
    # given up: an ERROR was logged when it happened; it no longer holds readiness back
    OutgoingMail.objects.filter(pk=mail.pk).update(given_up_at=timezone.now())
    assert _get("/readyz")[0].status_code == 200


def test_an_unapplied_migration_makes_readyz_fail():
    recorder = MigrationRecorder(connection)
    latest = recorder.migration_qs.filter(app="mail").order_by("-id").first()
    recorder.migration_qs.filter(pk=latest.pk).delete()
    response, body = _get("/readyz")
    assert response.status_code == 503
    assert body["checks"]["migrations"] == "fail: 1 migration(s) not applied"


def test_readyz_runs_only_the_checks_asked_for(settings):
    settings.READY_MAIL_FAILING_MINUTES = 60
    mail = mail_enqueue(to="someone@example.org", subject="Onderwerp", body="Tekst")
    from buddywerk.mail.models import OutgoingMail

    OutgoingMail.objects.filter(pk=mail.pk).update(
        attempts=5, created_at=timezone.now() - dt.timedelta(hours=3)
    )
    response, body = _get("/readyz?check=database&check=migrations")
    assert response.status_code == 200
    assert body["checks"] == {"database": "ok", "migrations": "ok"}
    response, body = _get("/readyz?check=disk")
    assert response.status_code == 400
    assert body["known"] == ["database", "migrations", "tasks", "mail"]


def test_the_probes_answer_the_same_to_a_signed_in_user(django_user_model):
    user = django_user_model.objects.create_user(email="probe@example.org", password="x" * 12)
    client = Client()
    client.force_login(user)
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
