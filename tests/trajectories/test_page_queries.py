"""Issue 17 point 4: the duo pages of the load scenario answer in a fixed, small number of
queries (the page's cost is mostly its queries). Counts, never wall-clock.

A signed-in page starts with three: the session, the user, and the user's facts (memberships,
buddy profile status and, on gated pages, the TOTP authenticator) in one
(policy.read_user_facts)."""

import re

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
    consent check), what it says of all the meetings in one aggregate (their count, those
    held for "a certificate?", a goodbye meeting), and one page of them."""
    client.force_login(coordinator_of(duos[0]))
    with django_assert_num_queries(10):
        response = client.get(reverse("trajectories:detail", args=[duos[0].uuid]))
    assert response.status_code == 200


def test_the_duo_page_of_the_buddy(client, duos, django_assert_num_queries):
    client.force_login(duos[0].buddy.user)
    with django_assert_num_queries(10):
        response = client.get(reverse("trajectories:detail", args=[duos[0].uuid]))
    assert response.status_code == 200


def test_the_meeting_form(client, duos, django_assert_num_queries):
    client.force_login(duos[0].buddy.user)
    with django_assert_num_queries(6):
        response = client.get(reverse("trajectories:meeting_create", args=[duos[0].uuid]))
    assert response.status_code == 200


def log_many(duo, count):
    today = timezone.localdate()
    for n in range(count):
        services.meeting_log(
            actor=duo.buddy.user,
            trajectory=duo,
            date=today - timezone.timedelta(days=n % 20),
            duration_minutes=100 + n,
        )


def listed(page):
    """The meetings a duo page lists: their minutes (unique per meeting in log_many)."""
    table = page.split('id="h-meetings"')[1].split("</table>")[0]
    return re.findall(r"<td>(\d+)</td>", table)


def test_a_duo_met_for_years_lists_its_meetings_page_by_page_at_the_same_cost(
    client, duos, django_assert_num_queries
):
    """The duo page lists twenty meetings, newest first, and the older ones on further
    pages: its queries do not grow with the duo's age (issue 17 point 4)."""
    duo = duos[0]
    log_many(duo, 43)  # and the fixture's two
    client.force_login(duo.buddy.user)
    url = reverse("trajectories:detail", args=[duo.uuid])
    with django_assert_num_queries(10):
        first = client.get(url).content.decode()
    assert len(listed(first)) == 20
    assert "Pagina 1 van 3" in first
    assert 'href="?page=2#h-meetings"' in first
    pages = [first, client.get(url, {"page": 2}).content.decode()]
    pages.append(client.get(url, {"page": 3}).content.decode())
    rows = [listed(page) for page in pages]
    assert [len(r) for r in rows] == [20, 20, 5]
    # every meeting once, none on two pages (the fixture's two took 45 minutes each)
    minutes = sorted(int(m) for r in rows for m in r)
    assert minutes == [45, 45, *range(100, 143)]
    # a page that is not a number opens the first, one past the end the last
    assert listed(client.get(url, {"page": "x"}).content.decode()) == rows[0]
    assert listed(client.get(url, {"page": 99}).content.decode()) == rows[2]


def test_the_duo_page_says_what_holds_for_meetings_on_other_pages(client, duos):
    """The goodbye meeting and the only meeting held are on the second page: the first still
    offers the certificate and knows the goodbye meeting is on the list (it says so when
    the duo's end is near)."""
    duo = TrajectoryFactory(programme=duos[0].programme)
    today = timezone.localdate()
    services.meeting_log(
        actor=duo.buddy.user,
        trajectory=duo,
        date=today - timezone.timedelta(days=10),
        duration_minutes=45,
        is_goodbye=True,
    )
    for n in range(1, 21):
        services.meeting_plan(
            actor=duo.buddy.user, trajectory=duo, date=today + timezone.timedelta(days=n)
        )
    client.force_login(duo.buddy.user)
    response = client.get(reverse("trajectories:detail", args=[duo.uuid]))
    page = response.content.decode()
    assert "<td>45</td>" not in page.split('id="h-meetings"')[1]
    assert len(listed(page)) == 0  # twenty planned meetings: no minutes logged yet
    assert response.context["goodbye_planned"] is True
    assert reverse("trajectories:certificate", args=[duo.uuid]) in page
