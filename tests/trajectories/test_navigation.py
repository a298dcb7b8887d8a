"""The "Duo's" link in the navigation: for buddies, school staff and coordinators."""

import pytest

from tests.factories import UserFactory
from tests.trajectories.factories import TrajectoryFactory, coordinator_of, school_staff_of

pytestmark = pytest.mark.django_db

LINK = 'href="/duos/"'


def test_people_who_work_in_duos_see_the_link(client):
    duo = TrajectoryFactory()
    for user in (duo.buddy.user, school_staff_of(duo), coordinator_of(duo)):
        client.force_login(user)
        page = client.get("/").content.decode()
        assert LINK in page and ">Duo's<" in page, user


def test_others_do_not(client):
    assert LINK not in client.get("/").content.decode()
    client.force_login(UserFactory())
    assert LINK not in client.get("/").content.decode()


FOLLOWUP_LINK = 'href="/duos/followup/"'


def test_coordinators_reach_the_followup_overview_from_the_navigation(client):
    """QA: the overview of every duo's health was only linked from the home page's
    concerns panel; a coordinator now finds it in the navigation."""
    duo = TrajectoryFactory()
    client.force_login(coordinator_of(duo))
    page = client.get("/duos/").content.decode()
    assert FOLLOWUP_LINK in page and ">Opvolging<" in page


def test_buddies_and_school_staff_get_no_followup_overview_link(client):
    duo = TrajectoryFactory()
    for user in (duo.buddy.user, school_staff_of(duo)):
        client.force_login(user)
        assert FOLLOWUP_LINK not in client.get("/duos/").content.decode(), user
