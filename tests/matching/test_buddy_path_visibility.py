"""Issue 21, point 2: a mentor's or role model's own path is shown where it helps, and
only to whom the buddy chose. The programme's coordinator sees it on the suggestions, the
buddy's pages and the duo; the school that referred sees it on the proposal it confirms
and on the duo only with "also the school"; another school and another programme's
coordinator never see it."""

import pytest
from django.urls import reverse

from buddywerk.access import policy
from buddywerk.buddies.enums import BuddyKind
from buddywerk.common.vocabulary import PathShownTo
from tests.factories import ProgrammeFactory, PupilFactory, SchoolFactory
from tests.matching.helpers import (
    coordinator_of,
    fitting_buddy,
    open_proposal,
    queued_referral,
    staff_of,
)
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db

TRADE = "Elektricien bij Stroomwerk"
STORY = "Ik ging van aso naar bso en werd later ingenieur."
TAG = "van richting veranderd"


def _mentor(programme, shown_to):
    return fitting_buddy(
        programme,
        kind=BuddyKind.SECTOR_MENTOR,
        sector="construction",
        trade=TRADE,
        background=STORY,
        path_tracks=["bso"],
        path_tags=[TAG],
        path_shown_to=shown_to,
    )


def _shows_path(page: str) -> bool:
    return TRADE in page or STORY in page or TAG in page or 'data-testid="buddy-path"' in page


@pytest.fixture
def world():
    programme = ProgrammeFactory()
    school = SchoolFactory()
    return {
        "programme": programme,
        "school": school,
        "coordinator": coordinator_of(programme),
        "staff": staff_of(school),
        "other_staff": staff_of(SchoolFactory()),
        "other_coordinator": coordinator_of(ProgrammeFactory()),
    }


def _page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    return response.status_code, response.content.decode()


def test_the_coordinator_sees_the_path_next_to_each_suggested_mentor(client, world):
    mentor = _mentor(world["programme"], PathShownTo.COORDINATOR)
    referral = queued_referral(world["programme"], pupil=PupilFactory(school=world["school"]))
    url = reverse("matching:referral_suggestions", args=[referral.uuid])
    status, page = _page(client, world["coordinator"], url)
    assert status == 200
    assert mentor.user.last_name in page
    assert TRADE in page and STORY in page and TAG in page
    assert "Bouw en hout" in page or "Construction and wood" in page
    # another programme's coordinator does not reach the page at all
    status, page = _page(client, world["other_coordinator"], url)
    assert status == 404
    assert not _shows_path(page)


@pytest.mark.parametrize("url_name", ["screening", "buddy_suggestions"])
def test_the_coordinator_sees_the_path_on_the_buddys_pages(client, world, url_name):
    mentor = _mentor(world["programme"], PathShownTo.COORDINATOR)
    if url_name == "screening":
        url = reverse("buddies:screening_detail", args=[world["programme"].uuid, mentor.uuid])
    else:
        url = reverse("matching:buddy_suggestions", args=[mentor.uuid])
    status, page = _page(client, world["coordinator"], url)
    assert status == 200
    assert TRADE in page and STORY in page and TAG in page
    status, page = _page(client, world["other_coordinator"], url)
    assert status in (403, 404)
    assert not _shows_path(page)


@pytest.mark.parametrize(
    ("shown_to", "school_sees"),
    [(PathShownTo.COORDINATOR, False), (PathShownTo.SCHOOL, True)],
)
def test_the_school_sees_the_path_on_the_proposal_only_with_the_choice(
    client, world, shown_to, school_sees
):
    mentor = _mentor(world["programme"], shown_to)
    proposal = open_proposal(programme=world["programme"], buddy=mentor, school=world["school"])
    url = reverse("matching:proposal_detail", args=[proposal.uuid])
    status, page = _page(client, world["staff"], url)
    assert status == 200
    assert mentor.user.last_name in page  # the school's page, with the buddy on it
    assert _shows_path(page) is school_sees
    status, page = _page(client, world["coordinator"], url)
    assert status == 200 and TRADE in page and STORY in page
    for outsider in (world["other_staff"], world["other_coordinator"]):
        status, page = _page(client, outsider, url)
        assert status == 404
        assert not _shows_path(page)


@pytest.mark.parametrize(
    ("shown_to", "school_sees"),
    [(PathShownTo.COORDINATOR, False), (PathShownTo.SCHOOL, True)],
)
def test_the_school_sees_the_path_on_the_duo_only_with_the_choice(
    client, world, shown_to, school_sees
):
    mentor = _mentor(world["programme"], shown_to)
    duo = TrajectoryFactory(programme=world["programme"], school=world["school"], buddy=mentor)
    url = reverse("trajectories:detail", args=[duo.uuid])
    status, page = _page(client, world["staff"], url)
    assert status == 200
    assert _shows_path(page) is school_sees
    status, page = _page(client, world["coordinator"], url)
    assert status == 200 and TRADE in page and STORY in page and TAG in page
    for outsider in (world["other_staff"], world["other_coordinator"]):
        status, page = _page(client, outsider, url)
        assert status == 404
        assert not _shows_path(page)


def test_the_predicate_never_lends_a_role_held_elsewhere(world):
    mentor = _mentor(world["programme"], PathShownTo.SCHOOL)
    programme_id, school_id = world["programme"].pk, world["school"].pk
    see = policy.can_see_buddy_path
    assert see(world["coordinator"], mentor, programme_id=programme_id)
    assert see(world["staff"], mentor, programme_id=programme_id, school_id=school_id)
    assert not see(world["staff"], mentor, programme_id=programme_id)
    assert not see(world["other_staff"], mentor, programme_id=programme_id, school_id=school_id)
    assert not see(
        world["other_coordinator"], mentor, programme_id=programme_id, school_id=school_id
    )
    mentor.path_shown_to = PathShownTo.COORDINATOR
    assert not see(world["staff"], mentor, programme_id=programme_id, school_id=school_id)
    assert see(world["coordinator"], mentor, programme_id=programme_id, school_id=school_id)
