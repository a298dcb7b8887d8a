"""Agreements are filled in before anyone confirms them (issue 16, point 3): the draft
proposes the place and the moment (from the proposal where there was one), a "-" never
stands in a text a person is asked to confirm, and an incomplete text is not confirmed."""

import pytest
from django.core.exceptions import ValidationError

from buddywerk.common.vocabulary import MeetingMode
from buddywerk.trajectories import services
from buddywerk.trajectories.models import Agreement
from tests.factories import BuddyFactory, ProgrammeFactory, PupilFactory, ReferralFactory
from tests.trajectories.factories import TrajectoryFactory, coordinator_of, school_staff_of

pytestmark = pytest.mark.django_db


def _no_placeholder(agreement):
    for name in Agreement.TEXT_FIELDS:
        text = getattr(agreement, name)
        assert text.strip(), name
        assert ": -" not in text and text.strip() != "-", (name, text)
    assert services.agreement_problems(agreement) == {}


@pytest.mark.parametrize("mode", [MeetingMode.SCHOOL, MeetingMode.HOME, MeetingMode.ONLINE])
def test_a_draft_without_place_or_slot_has_no_dash(mode):
    duo = TrajectoryFactory(planned=True, place="", weekly_slot="", mode=mode)
    agreement = Agreement.objects.get(trajectory=duo)
    _no_placeholder(agreement)
    assert "af te spreken bij het eerste contactmoment" in agreement.place_text
    if mode == MeetingMode.SCHOOL:
        assert duo.school.name in agreement.place_text


def test_a_duo_from_a_proposal_proposes_the_shared_slot_and_the_school():
    programme = ProgrammeFactory()
    buddy = BuddyFactory(programmes=[programme], slots=["mon-pm", "wed-pm"])
    pupil = PupilFactory()
    referral = ReferralFactory(
        programme=programme, pupil=pupil, status="accepted", time_slots=["wed-pm", "fri-pm"]
    )
    duo = services.trajectory_start_from_proposal(actor=None, buddy=buddy, referral=referral)
    assert (duo.weekly_slot, duo.place) == ("wed-pm", pupil.school.name)
    agreement = Agreement.objects.get(trajectory=duo)
    _no_placeholder(agreement)
    assert pupil.school.name in agreement.place_text
    assert "woensdag" in agreement.place_text.lower()


def test_agreements_with_a_dash_or_an_empty_part_are_not_confirmed():
    duo = TrajectoryFactory(planned=True)
    services.agreement_update(
        actor=coordinator_of(duo), trajectory=duo, place_text="We spreken af: -."
    )
    with pytest.raises(ValidationError, match="niet volledig"):
        services.agreement_confirm(actor=duo.buddy.user, trajectory=duo, side="buddy")
    services.agreement_update(actor=coordinator_of(duo), trajectory=duo, place_text="")
    with pytest.raises(ValidationError, match="niet volledig"):
        services.agreement_confirm(actor=school_staff_of(duo), trajectory=duo, side="school")
    agreement = Agreement.objects.get(trajectory=duo)
    assert agreement.buddy_confirmed_at is None and agreement.school_confirmed_at is None
    services.agreement_update(
        actor=coordinator_of(duo), trajectory=duo, place_text="In de bib van de school."
    )
    services.agreement_confirm(actor=duo.buddy.user, trajectory=duo, side="buddy")
    assert Agreement.objects.get(trajectory=duo).buddy_confirmed_at is not None


def test_a_dash_inside_a_sentence_or_a_list_is_no_placeholder():
    agreement = Agreement(
        **{
            name: "De buddy - samen met de leerkracht - helpt.\n- huiswerk"
            for name in Agreement.TEXT_FIELDS
        }
    )
    assert services.agreement_problems(agreement) == {}
