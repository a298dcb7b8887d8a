"""Issue 16, point 7: a proposal a buddy can judge. Before saying yes the buddy sees the
school (or the family's municipality), the school year, the needs, the proposed moment
and place and how long the duo runs; not the pupil's name, birth year or the needs in the
school's own words. Only once they accepted does the first name appear (DOMAIN.md)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from buddywerk.common.vocabulary import Competence, MeetingMode, slot_label
from buddywerk.matching import services
from buddywerk.matching.models import Proposal, ProposalTransition
from buddywerk.referrals.enums import FamilyGoal
from buddywerk.trajectories.services import default_planned_end
from tests.factories import FamilyReferralFactory, ProgrammeFactory, SchoolFactory
from tests.matching.helpers import fitting_buddy, open_proposal, staff_of

pytestmark = pytest.mark.django_db


def _facts(client, user, proposal) -> str:
    """The proposal page's list of facts (the <dl>), as the user sees it."""
    client.force_login(user)
    page = client.get(reverse("matching:proposal_detail", args=[proposal.uuid]))
    assert page.status_code == 200
    return page.content.decode().split('<dl class="row">')[1].split("</dl>")[0]


def _pupil_proposal():
    programme = ProgrammeFactory()
    school = SchoolFactory(name="Basisschool De Linde")
    buddy = fitting_buddy(programme)
    proposal = open_proposal(programme=programme, buddy=buddy, school=school)
    pupil = proposal.referral.pupil
    pupil.first_name, pupil.last_name = "Amira", "El Idrissi"
    pupil.save(update_fields=["first_name", "last_name"])
    proposal.referral.needs_note = "Dyslexie, volgt een traject bij het CLB."
    proposal.referral.save(update_fields=["needs_note"])
    return proposal, buddy, school, pupil


def test_before_saying_yes_the_buddy_sees_what_to_decide_on_and_no_name(client):
    proposal, buddy, school, pupil = _pupil_proposal()
    facts = _facts(client, buddy.user, proposal)
    # What the buddy needs to decide.
    assert "Basisschool De Linde" in facts
    assert school.municipality.name in facts
    assert str(pupil.get_school_year_display()) in facts
    for code in proposal.referral.needs:
        assert str(Competence(code).label) in facts
    for code in proposal.referral.time_slots:
        assert slot_label(code) in facts
    assert str(MeetingMode.SCHOOL.label) in facts
    assert "12 weken" in facts
    until = default_planned_end(for_family=False, planned_start=timezone.localdate())
    assert date_format(until, "j F Y") in facts
    # Nothing more personal.
    assert "Amira" not in facts and "El Idrissi" not in facts
    assert str(pupil.birth_year) not in facts
    assert "Dyslexie" not in facts
    # Nor in the list of their proposals.
    client.force_login(buddy.user)
    listing = client.get(reverse("matching:my_proposals")).content.decode()
    assert "Amira" not in listing and "El Idrissi" not in listing
    assert "Basisschool De Linde" in listing


def test_after_saying_yes_the_buddy_sees_the_first_name_only(client):
    proposal, buddy, _school, pupil = _pupil_proposal()
    services.proposal_accept(actor=buddy.user, proposal=proposal)
    facts = _facts(client, buddy.user, proposal)
    assert "Amira" in facts
    assert "El Idrissi" not in facts
    assert str(pupil.birth_year) not in facts
    assert "Dyslexie" not in facts
    client.force_login(buddy.user)
    assert "Amira" in client.get(reverse("matching:my_proposals")).content.decode()


def test_the_school_still_sees_the_full_name_and_the_same_facts(client):
    proposal, _buddy, school, _pupil = _pupil_proposal()
    facts = _facts(client, staff_of(school), proposal)
    assert "Amira El Idrissi" in facts
    assert "12 weken" in facts


def test_the_buddy_is_told_the_duo_ends_on_their_last_day(client):
    proposal, buddy, _school, _pupil = _pupil_proposal()
    buddy.available_until = timezone.localdate() + dt.timedelta(weeks=8)
    buddy.save(update_fields=["available_until"])
    facts = _facts(client, buddy.user, proposal)
    assert date_format(buddy.available_until, "j F Y") in facts


def test_a_family_proposal_shows_the_municipality_goals_and_language_not_the_contact(client):
    referral = FamilyReferralFactory(status="accepted")
    buddy = fitting_buddy(referral.programme, meeting_modes=["home"])
    proposal = Proposal.objects.create(
        programme=referral.programme,
        referral=referral,
        buddy=buddy,
        score=700,
        reasons=[],
        due_at=timezone.now() + dt.timedelta(days=7),
    )
    ProposalTransition.objects.create(proposal=proposal, from_status="", to_status=proposal.status)
    family = referral.family
    facts = _facts(client, buddy.user, proposal)
    assert f"Een gezin in {family.postcode.municipality.name}" in facts
    for code in referral.goals:
        assert str(FamilyGoal(code).label) in facts
    assert str(family.get_contact_language_display()) in facts
    assert "6 maanden" in facts
    assert family.contact_name not in facts
