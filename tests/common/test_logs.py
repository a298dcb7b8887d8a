"""Structured logs (issue 17, point 2): JSON lines in production, one request id per request
carried into the tasks it enqueues, and nothing personal or secret in any line. The whole
suite's lines are checked by tests/log_guard.py; these tests prove the pieces."""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from buddywerk.common.logs import ContextFilter, request_id_var
from tests.common.failing_urls import SECRET_DETAIL
from tests.factories import PupilFactory, UserFactory

DB_TASKS = {"default": {"BACKEND": "buddywerk.common.tasks.DatabaseBackend"}}
SECRET_PATH = "/no-such-page/a1b2c3d4e5f6a7b8c9d0-secret-key/"


class _Records(logging.Handler):
    """The records of the test, after the production context filter ran on them."""

    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.addFilter(ContextFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def records():
    handler = _Records()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler.records
    root.removeHandler(handler)


@pytest.mark.django_db
def test_production_logs_are_json_lines_without_paths(tmp_path):
    """A real process with the production settings: every line on stderr is one JSON
    object; the access line names the route, the 404 line names no path."""
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "r = c.get('/healthz'); print(r['X-Request-ID'])\n"
        f"r = c.get('{SECRET_PATH}'); print(r['X-Request-ID'])\n"
        "r = c.get('/privacy/', HTTP_X_REQUEST_ID='lb-0123456789'); print(r['X-Request-ID'])\n"
        "r = c.get('/privacy/', HTTP_X_REQUEST_ID='x y\\nz'); print(r['X-Request-ID'])\n"
    )
    (tmp_path / "static").mkdir()  # STATIC_ROOT, or whitenoise warns on stderr
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "buddywerk.settings",
        "BUDDYWERK_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/unused.sqlite3",
        "LOG_LEVEL": "DEBUG",
    }
    env.pop("LOG_FORMAT", None)  # the default is JSON
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    ids = done.stdout.split()
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    access = [line for line in lines if line["logger"] == "buddywerk.request"]
    assert [(a["method"], a["route"], a["status"]) for a in access] == [
        ("GET", "healthz", 200),
        ("GET", "-", 404),
        ("GET", "privacy/", 200),
        ("GET", "privacy/", 200),
    ]
    assert access[0]["level"] == "DEBUG"  # probes stay out of the INFO log
    assert [a["request_id"] for a in access] == ids
    assert ids[2] == "lb-0123456789"  # the load balancer's id is kept
    assert ids[3] != "x y\nz" and len(ids[3]) == 32  # a strange one is replaced
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert not_found and not_found[0]["message"] == "Not Found: -"
    assert not_found[0]["request_id"] == ids[1]  # Django logs it after the middleware
    assert "secret-key" not in done.stderr
    for line in lines:
        assert {"timestamp", "level", "logger", "message", "request_id"} <= set(line)


@pytest.mark.django_db(transaction=True)
def test_a_task_logs_with_the_id_of_the_request_that_enqueued_it(settings, records):
    """A password reset (allauth -> the outbox -> a task): the task row keeps the request's
    id, and the worker's lines for that task carry it."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    UserFactory(email="known@example.org")
    response = Client().post("/accounts/password/reset/", {"email": "known@example.org"})
    assert response.status_code == 302
    request_id = response["X-Request-ID"]
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["request_id"] == request_id
    assert task.task_result.kwargs == {"mail_id": task.args_kwargs["kwargs"]["mail_id"]}

    records.clear()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=1)
    assert len(mail.outbox) == 1
    task_lines = [r for r in records if getattr(r, "task_id", "-") == str(task.id)]
    assert task_lines, [r.getMessage() for r in records]
    assert {r.request_id for r in task_lines} == {request_id}
    # outside the task, the worker's own lines carry no request id
    assert all(r.request_id == "-" for r in records if r.task_id == "-")


@pytest.mark.django_db
def test_a_task_enqueued_outside_a_request_stores_no_request_id(settings):
    from django_tasks_db.models import DBTaskResult

    from buddywerk.mail.tasks import outgoing_mail_send

    settings.TASKS = DB_TASKS
    assert request_id_var.get() == ""
    outgoing_mail_send.enqueue(mail_id=1)
    assert "request_id" not in DBTaskResult.objects.get().args_kwargs


@pytest.mark.django_db
@pytest.mark.urls("tests.common.failing_urls")
def test_a_lost_database_gives_a_dutch_503_page(settings, records):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/test-database-gone/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "Buddywerk is even niet bereikbaar" in html
    assert '<html lang="nl-BE">' in html
    assert "Connection refused" not in html
    # any other failure stays a 500
    assert Client(raise_request_exception=False).get("/test-failure/").status_code == 500
    errors = [r for r in records if r.name == "django.request"]
    assert [r.getMessage() for r in errors] == [
        "Service Unavailable: test-database-gone/",
        "Internal Server Error: test-failure/",
    ]
    assert all(SECRET_DETAIL not in r.getMessage() for r in errors)


@pytest.mark.django_db
def test_the_log_guard_catches_a_name_a_mail_line_and_a_secret(_no_personal_data_in_logs):
    """The suite-wide check (tests/log_guard.py) is not blind: a pupil's name, a line of a
    mail body and a secret link's key are each caught, then forgotten for this test."""
    from buddywerk.mail.outbox import mail_enqueue

    guard = _no_personal_data_in_logs
    pupil = PupilFactory(first_name="Zoëlla", last_name="Vandermeulebroecke")
    mail_enqueue(
        to="someone@example.org",
        subject="Je wachtwoord",
        body="Kies een nieuw wachtwoord via deze link, die een uur geldig blijft:\n"
        "https://buddywerk.example/accounts/password/reset/key/3x-abcdefghijklmnop1234/\n",
    )
    logger = logging.getLogger("tests.leak")
    for leak in (
        f"referral for {pupil.first_name}",
        "body: Kies een nieuw wachtwoord via deze link, die een uur geldig blijft:",
        "link 3x-abcdefghijklmnop1234",
    ):
        guard.clear_lines()
        logger.warning(leak)
        assert len(guard.leaks()) == 1, leak
    guard.clear_lines()
    logger.warning("referral %s submitted by school %s", 42, 7)
    assert guard.leaks() == []


@pytest.mark.django_db
def test_a_whole_demo_scenario_logs_no_pupil_name(_no_personal_data_in_logs, settings):
    """The demo world is built (through the services, with their mails), the scheduled jobs
    run, a coordinator and a buddy look at their pages: every line logged meanwhile is
    checked against the demo pupils' and families' names, every mail body and every key
    (the suite-wide guard, made explicit here)."""
    from buddywerk.access.models import User
    from buddywerk.demo.world import build_world

    settings.LOG_LEVEL = "DEBUG"
    logging.getLogger().setLevel(logging.DEBUG)
    try:
        build_world()
        call_command("run_scheduled")
        for email in ("coordinator.mechelen@demo.buddywerk.be", "buddy.stagiair@demo.buddywerk.be"):
            client = Client()
            client.force_login(User.objects.get(email=email))
            for url in ("/", "/duos/", "/referrals/queue/", "/pupils/"):
                client.get(url)
    finally:
        logging.getLogger().setLevel(logging.INFO)
    guard = _no_personal_data_in_logs
    # the guard knows the demo's children (referrals/demo_data.py, trajectories/demo_data.py)
    assert {"lotte", "peeters", "kowalczyk", "rahimi"} <= guard.names
    assert guard.formatted, "the scenario logged nothing: the check would be empty"
    assert guard.leaks() == []
