"""QA: a buddy's own profile and a coordinator's screening were reachable only by typing
their address; the navigation links them now."""

import pytest

from buddywerk.access.models import Role
from tests.factories import BuddyFactory, ProgrammeFactory, UserFactory, member

pytestmark = pytest.mark.django_db

PROFILE = 'href="/buddies/profile/"'
SCREENING = 'href="/buddies/screening/"'


def test_a_buddy_finds_their_profile_in_the_navigation(client):
    programme = ProgrammeFactory()
    user = member(UserFactory(), programme, Role.BUDDY)
    BuddyFactory(user=user, programmes=[programme])
    client.force_login(user)
    page = client.get("/").content.decode()
    assert PROFILE in page and ">Mijn profiel<" in page
    assert SCREENING not in page
    assert client.get("/buddies/profile/").status_code == 200


def test_a_coordinator_finds_the_screening_in_the_navigation(client):
    coordinator = member(UserFactory(), ProgrammeFactory(), Role.PROGRAMME_COORDINATOR)
    client.force_login(coordinator)
    page = client.get("/").content.decode()
    assert SCREENING in page and ">Screening<" in page
    assert PROFILE not in page


def test_visitors_and_other_roles_get_neither_link(client):
    page = client.get("/").content.decode()
    assert PROFILE not in page and SCREENING not in page
    client.force_login(UserFactory())
    page = client.get("/").content.decode()
    assert PROFILE not in page and SCREENING not in page
