"""R10 as a decision table over EVERY combination of buddy kind, internship, place and
coupling organisation (7 kinds x 2 x every place x 3 couplers)."""

import itertools

import pytest

from buddywerk.buddies.models import BuddyKind
from buddywerk.common.vocabulary import MeetingMode
from buddywerk.trajectories.enums import CouplingOrganisation, Insurer
from buddywerk.trajectories.insurance import (
    RULE_AT_HOME,
    RULE_INTERNSHIP,
    RULE_ONLINE,
    RULE_OUT_ABOUT,
    RULE_VOLUNTEER_AT_SCHOOL,
    RULE_WORKPLACE,
    decide_insurance,
)

# The test settings touch the cache table, so even this pure function needs the database.
pytestmark = pytest.mark.django_db

TI, PR, UM = "training_institution", "programme", "umbrella"

# (on internship?, place, coupled by) -> (insurer, rule, school must confirm)
# "on internship" is the flag OR the kind student_internship. Written out by hand from R10.
TABLE = {
    (True, "school", TI): (Insurer.TRAINING_INSTITUTION, RULE_INTERNSHIP, False),
    (True, "school", PR): (Insurer.TRAINING_INSTITUTION, RULE_INTERNSHIP, False),
    (True, "school", UM): (Insurer.TRAINING_INSTITUTION, RULE_INTERNSHIP, False),
    (True, "home", TI): (Insurer.TRAINING_INSTITUTION, RULE_INTERNSHIP, False),
    (True, "home", PR): (Insurer.TRAINING_INSTITUTION, RULE_INTERNSHIP, False),
    (True, "home", UM): (Insurer.TRAINING_INSTITUTION, RULE_INTERNSHIP, False),
    (True, "online", TI): (Insurer.TRAINING_INSTITUTION, RULE_INTERNSHIP, False),
    (True, "online", PR): (Insurer.TRAINING_INSTITUTION, RULE_INTERNSHIP, False),
    (True, "online", UM): (Insurer.TRAINING_INSTITUTION, RULE_INTERNSHIP, False),
    (True, "out_about", TI): (Insurer.TRAINING_INSTITUTION, RULE_INTERNSHIP, False),
    (True, "out_about", PR): (Insurer.TRAINING_INSTITUTION, RULE_INTERNSHIP, False),
    (True, "out_about", UM): (Insurer.TRAINING_INSTITUTION, RULE_INTERNSHIP, False),
    (False, "school", TI): (Insurer.SCHOOL, RULE_VOLUNTEER_AT_SCHOOL, True),
    (False, "school", PR): (Insurer.SCHOOL, RULE_VOLUNTEER_AT_SCHOOL, True),
    (False, "school", UM): (Insurer.SCHOOL, RULE_VOLUNTEER_AT_SCHOOL, True),
    (False, "home", TI): (Insurer.TRAINING_INSTITUTION, RULE_AT_HOME, False),
    (False, "home", PR): (Insurer.PROGRAMME, RULE_AT_HOME, False),
    (False, "home", UM): (Insurer.UMBRELLA, RULE_AT_HOME, False),
    (False, "online", TI): (Insurer.TRAINING_INSTITUTION, RULE_ONLINE, False),
    (False, "online", PR): (Insurer.PROGRAMME, RULE_ONLINE, False),
    (False, "online", UM): (Insurer.UMBRELLA, RULE_ONLINE, False),
    (False, "out_about", TI): (Insurer.TRAINING_INSTITUTION, RULE_OUT_ABOUT, False),
    (False, "out_about", PR): (Insurer.PROGRAMME, RULE_OUT_ABOUT, False),
    (False, "out_about", UM): (Insurer.UMBRELLA, RULE_OUT_ABOUT, False),
}
# issue 21: a mentor's workplace visit (the coupler insures the volunteer mentor)
TABLE.update(
    {
        (True, "workplace", TI): (Insurer.TRAINING_INSTITUTION, RULE_INTERNSHIP, False),
        (True, "workplace", PR): (Insurer.TRAINING_INSTITUTION, RULE_INTERNSHIP, False),
        (True, "workplace", UM): (Insurer.TRAINING_INSTITUTION, RULE_INTERNSHIP, False),
        (False, "workplace", TI): (Insurer.TRAINING_INSTITUTION, RULE_WORKPLACE, False),
        (False, "workplace", PR): (Insurer.PROGRAMME, RULE_WORKPLACE, False),
        (False, "workplace", UM): (Insurer.UMBRELLA, RULE_WORKPLACE, False),
    }
)

ALL_CASES = list(
    itertools.product(
        BuddyKind.values, [True, False], MeetingMode.values, CouplingOrganisation.values
    )
)


def test_the_table_covers_every_place_and_coupler():
    assert len(ALL_CASES) == 7 * 2 * len(MeetingMode.values) * 3
    assert set(TABLE) == {
        (internship, place, coupler)
        for internship in (True, False)
        for place in MeetingMode.values
        for coupler in CouplingOrganisation.values
    }


@pytest.mark.parametrize(("kind", "internship", "place", "coupler"), ALL_CASES)
def test_decision_table(kind, internship, place, coupler):
    on_internship = internship or kind == BuddyKind.STUDENT_INTERNSHIP
    insurer, rule, confirm = TABLE[(on_internship, place, coupler)]
    decision = decide_insurance(
        buddy_kind=kind, internship=internship, place=place, coupled_by=coupler
    )
    assert decision.insurer == insurer
    assert decision.rule == rule
    assert decision.needs_school_confirmation is confirm


def test_unknown_place_is_refused():
    with pytest.raises(ValueError):
        decide_insurance(buddy_kind="student", internship=False, place="park", coupled_by=PR)
