"""Issue 21, point 2: a mentor states their sector and trade, a role model their own path
and the programme's tags; each chooses who sees it; nothing else is asked or inferred."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.buddies import services
from buddywerk.buddies.enums import BuddyKind
from buddywerk.buddies.models import Buddy
from buddywerk.common.models import AuditEvent
from buddywerk.matching.models import ProgrammeMatchingSettings
from buddywerk.privacy.account_services import account_anonymise
from buddywerk.privacy.schedule import DataKind
from tests.factories import BuddyFactory, ProgrammeFactory, member

pytestmark = pytest.mark.django_db

TAGS = ["van richting veranderd", "eerste in de familie in het hoger onderwijs"]


@pytest.fixture
def programme():
    programme = ProgrammeFactory(name="Mentor Mechelen")
    ProgrammeMatchingSettings.objects.create(programme=programme, path_tags=TAGS)
    return programme


def buddy_of(programme, kind):
    buddy = BuddyFactory(programmes=[programme], kind=kind)
    member(buddy.user, programme, Role.BUDDY)
    return buddy


def test_a_mentor_states_sector_and_trade_and_who_sees_it(programme):
    mentor = buddy_of(programme, BuddyKind.SECTOR_MENTOR)
    services.buddy_update_path(
        actor=mentor.user,
        buddy=mentor,
        sector="construction",
        trade=" elektricien ",
        story="Eerst bso, nu eigen zaak.",
        shown_to="school",
    )
    mentor.refresh_from_db()
    assert (mentor.sector, mentor.trade, mentor.path_shown_to) == (
        "construction",
        "elektricien",
        "school",
    )
    assert AuditEvent.objects.filter(actor=mentor.user, action="buddy.update_profile").exists()


def test_a_role_model_chooses_tracks_and_the_programmes_tags_only(programme):
    model = buddy_of(programme, BuddyKind.ROLE_MODEL)
    services.buddy_update_path(
        actor=model.user,
        buddy=model,
        tracks=["bso", "tso"],
        tags=[TAGS[0]],
        story="Ik zakte af van aso naar bso en studeer nu verpleegkunde.",
        shown_to="coordinator",
    )
    model.refresh_from_db()
    assert model.path_tracks == ["bso", "tso"] and model.path_tags == [TAGS[0]]
    with pytest.raises(ValidationError) as error:
        services.buddy_update_path(
            actor=model.user, buddy=model, tags=["afkomst"], shown_to="coordinator"
        )
    assert error.value.message_dict["path_tags"] == ["Kies uit de lijst van je programma."]
    model.refresh_from_db()
    assert model.path_tags == [TAGS[0]]  # unchanged


@pytest.mark.parametrize(
    ("kind", "fields", "error_field"),
    [
        (BuddyKind.STUDENT, {"sector": "care"}, "sector"),
        (BuddyKind.ROLE_MODEL, {"trade": "kok"}, "sector"),
        (BuddyKind.SECTOR_MENTOR, {"tracks": ["aso"]}, "path_tracks"),
        (BuddyKind.STUDENT, {"story": "Mijn verhaal"}, "background"),
    ],
)
def test_only_what_the_kind_asks(programme, kind, fields, error_field):
    buddy = buddy_of(programme, kind)
    with pytest.raises(ValidationError) as error:
        services.buddy_update_path(actor=buddy.user, buddy=buddy, shown_to="coordinator", **fields)
    assert error_field in error.value.message_dict


def test_nobody_else_writes_a_buddys_path(programme):
    mentor = buddy_of(programme, BuddyKind.SECTOR_MENTOR)
    other = buddy_of(programme, BuddyKind.SECTOR_MENTOR)
    with pytest.raises(PermissionDenied):
        services.buddy_update_path(actor=other.user, buddy=mentor, sector="care", shown_to="school")
    mentor.refresh_from_db()
    assert mentor.sector == ""


def test_the_model_holds_no_origin_or_ethnicity():
    names = {f.name for f in Buddy._meta.get_fields()}
    assert not {n for n in names if any(w in n for w in ("origin", "ethnic", "nationality"))}


def test_the_page_shows_only_the_fields_of_the_kind_and_saves(programme):
    mentor = buddy_of(programme, BuddyKind.SECTOR_MENTOR)
    client = Client()
    client.force_login(mentor.user)
    page = client.get(reverse("buddies:profile_path")).content.decode()
    assert 'name="sector"' in page and 'name="trade"' in page
    assert 'name="tracks"' not in page and 'name="tags"' not in page
    assert "We zoeken leerlingen die dromen van een job in die sector." in page
    response = client.post(
        reverse("buddies:profile_path"),
        {"sector": "care", "trade": "verpleegkundige", "story": "", "shown_to": "coordinator"},
    )
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert (mentor.sector, mentor.trade) == ("care", "verpleegkundige")
    model = buddy_of(programme, BuddyKind.ROLE_MODEL)
    client.force_login(model.user)
    page = client.get(reverse("buddies:profile_path")).content.decode()
    assert 'name="tracks"' in page and TAGS[1] in page and 'name="sector"' not in page


def test_erasure_reaches_the_path(programme):
    model = buddy_of(programme, BuddyKind.ROLE_MODEL)
    services.buddy_update_path(
        actor=model.user,
        buddy=model,
        tracks=["bso"],
        tags=[TAGS[1]],
        story="Mijn weg",
        shown_to="school",
    )
    account_anonymise(user=model.user, kind=DataKind.DECLINED_BUDDY, now=timezone.now())
    model.refresh_from_db()
    assert (model.background, model.path_tracks, model.path_tags, model.trade) == ("", [], [], "")
