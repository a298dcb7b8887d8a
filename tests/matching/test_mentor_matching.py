"""Issue 21, point 2, from the database to the suggestions: a mentor's sector meets the
dream's sector, a role model's track and tags meet the pupil's, weighted per programme,
explained in Dutch. Another kind's stated path never counts."""

import pytest

from buddywerk.buddies.enums import BuddyKind
from buddywerk.matching import candidates, selectors
from buddywerk.matching.models import ProgrammeMatchingSettings
from tests.factories import ProgrammeFactory
from tests.matching.helpers import fitting_buddy, queued_referral

pytestmark = pytest.mark.django_db

WEIGHTS = {"distance": 200, "slots": 100, "needs": 150, "language": 50, "fit": 100}


@pytest.fixture
def programme():
    programme = ProgrammeFactory(name="Mentor Mechelen")
    ProgrammeMatchingSettings.objects.create(
        programme=programme,
        **WEIGHTS,
        sector=200,
        track=100,
        tags=100,
        asks_study_track=True,
        asks_dream=True,
        path_tags=["van richting veranderd"],
    )
    return programme


def _parts(programme, referral, buddy):
    data = candidates.programme_input(programme)
    candidate = data.problem.explain(
        str(referral.uuid), str(buddy.uuid), candidates.engine_texts("nl")
    )
    return {p.key: p for p in candidate.parts}


def test_a_mentor_in_the_dreams_sector_earns_the_sector_part(programme):
    mentor = fitting_buddy(programme, kind=BuddyKind.SECTOR_MENTOR, sector="care")
    other = fitting_buddy(programme, kind=BuddyKind.SECTOR_MENTOR, sector="ict")
    referral = queued_referral(programme, dream_sector="care", dream_goal="Verpleegkundige")
    part = _parts(programme, referral, mentor)["sector"]
    assert (part.points, part.max_points) == (200, 200)
    assert part.text == "werkt zelf in de sector van de droom: zorg en welzijn"
    assert _parts(programme, referral, other)["sector"].points == 0
    found = selectors.referral_suggestions(referral=referral, texts=candidates.engine_texts("nl"))
    ranked = found["suggestions"].feasible
    assert ranked[0].id == str(mentor.uuid)


def test_a_role_model_earns_track_and_tag_fit(programme):
    model = fitting_buddy(
        programme,
        kind=BuddyKind.ROLE_MODEL,
        path_tracks=["bso"],
        path_tags=["van richting veranderd"],
    )
    referral = queued_referral(
        programme, study_track="bso", role_model_tags=["van richting veranderd"]
    )
    parts = _parts(programme, referral, model)
    assert parts["track"].points == 100
    assert parts["track"].text == "zat zelf ook in bso (beroepssecundair onderwijs)"
    assert parts["tags"].points == 100
    assert parts["tags"].text == "deelt de gevraagde ervaring: van richting veranderd"


def test_a_stated_sector_counts_only_for_a_mentor(programme):
    student = fitting_buddy(programme, kind=BuddyKind.STUDENT, sector="care")
    referral = queued_referral(programme, dream_sector="care")
    assert _parts(programme, referral, student)["sector"].points == 0


def test_the_coordinator_weighs_the_new_parts_and_lists_the_path_tags(client):
    from django.urls import reverse

    from tests.matching.helpers import coordinator_of

    programme = ProgrammeFactory()
    client.force_login(coordinator_of(programme))
    url = reverse("matching:settings", args=[programme.uuid])
    page = client.get(url).content.decode()
    assert 'name="sector"' in page and 'name="path_tags"' in page
    data = {
        **WEIGHTS,
        "sector": 200,
        "track": 100,
        "tags": 100,
        "distance_scale_km": 20,
        "urgency_percent": 0,
        "proposal_days": 7,
        "asks_dream": "on",
        "path_tags": "van richting veranderd\n\n eerste in de familie \n",
    }
    assert client.post(url, data).status_code == 302
    saved = ProgrammeMatchingSettings.objects.get(programme=programme)
    assert (saved.sector, saved.asks_dream, saved.asks_study_track) == (200, True, False)
    assert saved.path_tags == ["van richting veranderd", "eerste in de familie"]
    data["path_tags"] = "x" * 61
    response = client.post(url, data)
    assert "hoogstens 60 tekens" in response.content.decode()
    assert ProgrammeMatchingSettings.objects.get(programme=programme).path_tags == saved.path_tags
