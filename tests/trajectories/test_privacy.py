"""The buddy sees the participant's first name only, on the duo pages and on the pupil
page; every view of a duo page is written to the audit log."""

import pytest
from django.urls import reverse
from django.utils import timezone

from buddywerk.common.models import AuditEvent
from buddywerk.trajectories import services
from tests.trajectories.factories import TrajectoryFactory, coordinator_of, school_staff_of

pytestmark = pytest.mark.django_db


def test_buddy_sees_first_names_only_everywhere(client):
    duo = TrajectoryFactory()
    pupil = duo.participants.get().pupil
    client.force_login(duo.buddy.user)
    for url in (
        reverse("trajectories:list"),
        reverse("trajectories:detail", args=[duo.uuid]),
        reverse("trajectories:wellbeing_create", args=[duo.uuid]),
        reverse("trajectories:meeting_create", args=[duo.uuid]),
        reverse("pupil_detail", args=[pupil.uuid]),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert pupil.last_name not in page.content.decode(), url
    assert (
        pupil.first_name in client.get(reverse("pupil_detail", args=[pupil.uuid])).content.decode()
    )


def test_school_and_coordinator_see_the_full_name(client):
    duo = TrajectoryFactory()
    pupil = duo.participants.get().pupil
    for user in (school_staff_of(duo), coordinator_of(duo)):
        client.force_login(user)
        page = client.get(reverse("trajectories:detail", args=[duo.uuid])).content.decode()
        assert pupil.last_name in page
        page = client.get(reverse("pupil_detail", args=[pupil.uuid])).content.decode()
        assert pupil.last_name in page


@pytest.mark.parametrize(
    "name",
    ["detail", "meeting_create", "meeting_plan", "wellbeing_create", "evaluate", "certificate"],
)
def test_every_view_of_a_duo_is_audited(client, name):
    duo = TrajectoryFactory()
    if name == "certificate":  # a certificate attests a meeting held (issue 16, point 10)
        services.meeting_log(
            actor=duo.buddy.user, trajectory=duo, date=timezone.localdate(), duration_minutes=30
        )
    client.force_login(duo.buddy.user)
    assert client.get(reverse(f"trajectories:{name}", args=[duo.uuid])).status_code == 200
    pupil = duo.participants.get().pupil
    event = AuditEvent.objects.get(action="view", actor=duo.buddy.user)
    assert (event.object_type, event.object_id) == ("referrals.pupil", str(pupil.uuid))
    assert event.detail == {"trajectory": str(duo.uuid)}


@pytest.mark.parametrize("name", ["agreement_edit", "pause", "close"])
def test_every_coordinator_page_of_a_duo_is_audited(client, name):
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    client.force_login(coordinator)
    assert client.get(reverse(f"trajectories:{name}", args=[duo.uuid])).status_code == 200
    pupil = duo.participants.get().pupil
    event = AuditEvent.objects.get(action="view", actor=coordinator)
    assert (event.object_type, event.object_id) == ("referrals.pupil", str(pupil.uuid))
    assert event.detail == {"trajectory": str(duo.uuid)}
