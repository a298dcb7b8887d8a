"""Issue 17 point 4: the duo pages of the load scenario answer in a fixed, small number of
queries (the page's cost is mostly its queries). Counts, never wall-clock.

A signed-in page starts with three: the session, the user, and the user's facts (memberships,
buddy profile status and, on gated pages, the TOTP authenticator) in one
(policy.read_user_facts)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from buddywerk.trajectories import services
from buddywerk.trajectories.enums import MeetingStatus
from tests.trajectories.factories import TrajectoryFactory, confirm_agreements, coordinator_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def duos():
    """Five running duos of one programme, with meetings held and one planned."""
    first = TrajectoryFactory()
    duos = [first, *(TrajectoryFactory(programme=first.programme, pupils=2) for _ in range(4))]
    today = timezone.localdate()
    for duo in duos:
        confirm_agreements(duo)
        for days in (14, 7):
            services.meeting_log(
                actor=duo.buddy.user,
                trajectory=duo,
                date=today - timezone.timedelta(days=days),
                duration_minutes=45,
            )
    return duos


def test_the_coordinators_duo_list(client, duos, django_assert_num_queries):
    """Session, user, facts; the count, the page, its participants, the audit INSERT, the
    meetings of the page's duos (one grouped query). Whether the programme works with
    families (group activities) comes with the facts."""
    client.force_login(coordinator_of(duos[0]))
    with django_assert_num_queries(8):
        response = client.get(reverse("trajectories:list"))
    assert response.status_code == 200
    assert response.content.decode().count("/duos/") >= 5


def test_the_list_shows_each_duos_meetings(client, duos):
    """The figures the list reads in one grouped query are each duo's own: held meetings
    counted, the last one not planned shown."""
    duo = duos[0]
    services.meeting_log(
        actor=duo.buddy.user,
        trajectory=duo,
        date=timezone.localdate() - timezone.timedelta(days=1),
        duration_minutes=45,
    )
    assert duo.meetings.filter(status=MeetingStatus.HAPPENED).count() == 3
    client.force_login(duo.buddy.user)
    page = client.get(reverse("trajectories:list")).content.decode()
    row = page.split(f"/duos/{duo.uuid}/")[1].split("</tr>")[0]
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    assert "<td>3 " in row
    assert f"{yesterday.day}/{yesterday.month}/{yesterday.year}" in row


def test_the_buddys_duo_list(client, duos, django_assert_num_queries):
    client.force_login(duos[0].buddy.user)
    with django_assert_num_queries(8):
        response = client.get(reverse("trajectories:list"))
    assert response.status_code == 200


def test_the_duo_page_of_the_coordinator(client, duos, django_assert_num_queries):
    """The page reads the duo's participants once (with their referral and family, for the
    consent check), and answers "a certificate?" from the meetings it lists."""
    client.force_login(coordinator_of(duos[0]))
    with django_assert_num_queries(9):
        response = client.get(reverse("trajectories:detail", args=[duos[0].uuid]))
    assert response.status_code == 200


def test_the_duo_page_of_the_buddy(client, duos, django_assert_num_queries):
    client.force_login(duos[0].buddy.user)
    with django_assert_num_queries(9):
        response = client.get(reverse("trajectories:detail", args=[duos[0].uuid]))
    assert response.status_code == 200


def test_the_meeting_form(client, duos, django_assert_num_queries):
    client.force_login(duos[0].buddy.user)
    with django_assert_num_queries(6):
        response = client.get(reverse("trajectories:meeting_create", args=[duos[0].uuid]))
    assert response.status_code == 200
