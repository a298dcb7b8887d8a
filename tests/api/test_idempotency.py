"""The `Idempotency-Key` store keeps no personal data and lives a day (R18, docs/api.md):
a retry rebuilds its answer from the created object, an erased pupil leaves no trace of a
meeting note in it, a key older than 24 hours counts as new and the daily job deletes it,
and a retry after the object is gone answers 410."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.api.models import ApiScope, IdempotentRequest
from buddywerk.common import scheduler
from buddywerk.privacy import erasure_services
from buddywerk.privacy.erasure_models import ErasureAskedBy, ErasureStatus
from buddywerk.referrals.models import Pupil, Referral
from buddywerk.trajectories import services as duo_services
from buddywerk.trajectories.models import Meeting, Trajectory
from tests import days
from tests.api.helpers import api, school_staff, token_for
from tests.api.test_school_referrals import body as referral_body
from tests.factories import ProgrammeFactory, UserFactory, member
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/duos/{}/meetings"


def post(client, url, data, key):
    return client.post(
        url, json.dumps(data), content_type="application/json", headers={"Idempotency-Key": key}
    )


def meeting_body(note="Goed gewerkt aan breuken.", visibility="shared"):
    return {
        "date": (days.today() - dt.timedelta(days=1)).isoformat(),
        "status": "happened",
        "duration_minutes": 50,
        "note": note,
        "note_visibility": visibility,
    }


def store_text():
    """Everything the store holds, every column of every row, as one text."""
    return json.dumps(list(IdempotentRequest.objects.values()), default=str)


def age_keys(hours):
    IdempotentRequest.objects.update(created_at=timezone.now() - dt.timedelta(hours=hours))


@pytest.fixture
def duo():
    return TrajectoryFactory()


@pytest.fixture
def lead(duo):
    return member(UserFactory(), duo.programme, Role.PROGRAMME_COORDINATOR)


@pytest.fixture
def client(lead):
    return api(token_for(lead, scopes=(ApiScope.DUOS_READ, ApiScope.DUOS_WRITE))[1])


def test_erasing_a_pupil_leaves_no_trace_of_their_meeting_note_in_the_store(duo, lead, client):
    pupil = duo.participants.get().pupil
    second = member(UserFactory(), duo.programme, Role.PROGRAMME_COORDINATOR)
    secret = f"{pupil.first_name} {pupil.last_name} huilde: thuis slaat papa haar."
    response = post(client, URL.format(duo.uuid), meeting_body(secret, "private"), "retry-safe-1")
    assert response.status_code == 201, response.content
    assert response.json()["note"] == secret
    assert secret not in store_text() and pupil.last_name not in store_text()
    duo_services.trajectory_close(
        actor=lead, trajectory=duo, reason="goals_reached", final_wellbeing=4
    )

    now = timezone.now()
    request = erasure_services.erasure_request_create(
        actor=lead, subject=pupil, asked_by=ErasureAskedBy.PARENT, asked_on=days.today(), now=now
    )
    erasure_services.erasure_confirm(actor=second, request=request, now=now)
    erasure_services.erasure_requests_execute(now=now + dt.timedelta(minutes=1))
    request.refresh_from_db()
    assert request.status == ErasureStatus.DONE
    assert not Pupil.objects.filter(pk=pupil.pk).exists()
    assert not Trajectory.objects.filter(pk=duo.pk).exists()
    text = store_text()
    assert secret not in text and pupil.last_name not in text


def test_a_referral_s_names_are_not_kept_in_the_store():
    user, _school = school_staff()
    programme = ProgrammeFactory()
    client = api(token_for(user, scopes=(ApiScope.REFERRALS_READ, ApiScope.REFERRALS_WRITE))[1])
    data = referral_body(programme, first_name="Zerlinde", last_name="Vanoverbeke")
    first = post(client, "/api/v1/referrals/pupil", data, "k1")
    assert first.status_code == 201 and first.json()["uuid"]
    assert IdempotentRequest.objects.count() == 1
    assert "Zerlinde" not in store_text() and "Vanoverbeke" not in store_text()
    again = post(client, "/api/v1/referrals/pupil", data, "k1")
    assert again.status_code == 201 and again.json() == first.json()
    assert Referral.objects.count() == 1


def test_a_retry_within_24_hours_answers_the_same_and_creates_nothing(duo, client):
    first = post(client, URL.format(duo.uuid), meeting_body(), "m-1")
    age_keys(23)
    again = post(client, URL.format(duo.uuid), meeting_body(), "m-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Meeting.objects.count() == 1


def test_a_key_older_than_24_hours_counts_as_new(duo, client):
    first = post(client, URL.format(duo.uuid), meeting_body(), "m-1")
    age_keys(25)
    again = post(client, URL.format(duo.uuid), meeting_body(), "m-1")
    assert first.status_code == again.status_code == 201
    assert again.json()["uuid"] != first.json()["uuid"]
    assert Meeting.objects.count() == 2
    # The key now stands for the new meeting, for the next 24 hours.
    third = post(client, URL.format(duo.uuid), meeting_body(), "m-1")
    assert third.json() == again.json()
    assert Meeting.objects.count() == 2 and IdempotentRequest.objects.count() == 1


def test_the_daily_job_deletes_keys_older_than_24_hours_only(duo, client):
    from buddywerk.api.idempotency import idempotency_keys_purge

    post(client, URL.format(duo.uuid), meeting_body(), "old")
    age_keys(25)
    post(client, URL.format(duo.uuid), meeting_body(), "young")
    job = next(job for job in scheduler.JOBS if job.name == "idempotency-keys-purge")
    assert job.run(timezone.now()) == "deleted=1"
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["young"]
    assert idempotency_keys_purge(now=timezone.now()) == 0
    assert idempotency_keys_purge(now=timezone.now() + dt.timedelta(hours=25)) == 1
    assert Meeting.objects.count() == 2


def test_a_retry_after_the_created_meeting_is_gone_answers_410_and_creates_nothing(duo, client):
    first = post(client, URL.format(duo.uuid), meeting_body(), "m-1")
    assert first.status_code == 201
    Meeting.objects.filter(uuid=first.json()["uuid"]).delete()
    again = post(client, URL.format(duo.uuid), meeting_body(), "m-1")
    assert again.status_code == 410
    problem = again.json()
    assert problem["title"] == "Verdwenen"
    assert problem["detail"] == (
        "Deze Idempotency-Key hoort bij een eerdere vraag, maar wat die maakte, bestaat niet "
        "meer of mag je niet meer zien. Gebruik een nieuwe sleutel om het opnieuw te maken."
    )
    assert not Meeting.objects.exists()
    assert IdempotentRequest.objects.count() == 1


def test_the_retention_schedule_and_the_purge_plan_show_the_keys(duo, client):
    from buddywerk.privacy.plan import purge_plan
    from buddywerk.privacy.schedule import DataKind, schedule_markdown

    post(client, URL.format(duo.uuid), meeting_body(), "old")
    age_keys(25)
    post(client, URL.format(duo.uuid), meeting_body(), "young")
    row = {r.rule.kind: r for r in purge_plan(now=timezone.now())}[DataKind.API_RETRY_KEY]
    assert row.acted and (row.now, row.soon) == (1, 1)
    assert "| Retry keys of API calls (Idempotency-Key)" in schedule_markdown()
