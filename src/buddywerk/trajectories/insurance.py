"""Who insures a buddy during the meetings of a duo (R10), decided in one pure function.

R10 [002]: a buddy on internship is insured by their training institution, at school and
at home; a volunteer at school is covered by the school's insurance once the school
confirms it; a buddy at home is insured by the organisation that coupled them with the
school: the training institution (mandatory internship), the local programme, or the
umbrella organisation.

R10 says nothing about online meetings. A buddy who meets online does so from home, so the
home rule applies: the organisation that coupled them insures.

Issue 21: a sector mentor may receive the pupil at their workplace. The mentor is there as
a volunteer of the organisation that coupled them, not as the employer's worker, so that
organisation insures them, as at home (unless they are on internship).

Out and about (issue 20: a family and its buddy at the library, a playground, the market):
no school is involved and its insurance does not reach there, so as at home the
organisation that coupled the buddy insures; a buddy on internship stays insured by their
training institution.

No database access here: the function takes codes and returns a decision, so that it can
be tested over every combination (tests/trajectories/test_insurance.py).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from buddywerk.common.vocabulary import MeetingMode

from .enums import CouplingOrganisation, Insurer

# A student whose kind says "on internship" is on internship whatever the flag says.
INTERNSHIP_KINDS = frozenset({"student_internship"})

_COUPLER_INSURER = {
    CouplingOrganisation.TRAINING_INSTITUTION: Insurer.TRAINING_INSTITUTION,
    CouplingOrganisation.PROGRAMME: Insurer.PROGRAMME,
    CouplingOrganisation.UMBRELLA: Insurer.UMBRELLA,
}

RULE_INTERNSHIP = _(
    "A buddy on internship is insured by their training institution, at school and at home."
)
RULE_VOLUNTEER_AT_SCHOOL = _(
    "A volunteer who meets at school is covered by the school's insurance, once the school "
    "confirms it."
)
RULE_AT_HOME = _(
    "A buddy who meets at home is insured by the organisation that coupled them with the "
    "school or family."
)
RULE_WORKPLACE = _(
    "A mentor who receives the pupil at their workplace does so as a volunteer, so the "
    "organisation that coupled them with the school insures them."
)
RULE_ONLINE = _(
    "A buddy who meets online does so from home, so the organisation that coupled them "
    "with the school or family insures them."
)

RULE_OUT_ABOUT = _(
    "A buddy who meets the family out and about (library, playground, market) is insured by "
    "the organisation that coupled them with the family."
)

# R10's decision table for a volunteer (not on internship): place -> rule. The insurer
# outside school is the organisation that coupled the buddy.
_VOLUNTEER_RULES = {
    MeetingMode.HOME: RULE_AT_HOME,
    MeetingMode.ONLINE: RULE_ONLINE,
    MeetingMode.OUT_ABOUT: RULE_OUT_ABOUT,
    MeetingMode.WORKPLACE: RULE_WORKPLACE,
}


@dataclass(frozen=True)
class InsuranceDecision:
    insurer: Insurer
    rule: Promise
    needs_school_confirmation: bool

    @property
    def insurer_label(self) -> str:
        return str(self.insurer.label)


def decide_insurance(
    *, buddy_kind: str, internship: bool, place: str, coupled_by: str
) -> InsuranceDecision:
    """R10: who insures the buddy, and the rule that applied."""
    mode = MeetingMode(place)
    coupler = CouplingOrganisation(coupled_by)
    if internship or buddy_kind in INTERNSHIP_KINDS:
        return InsuranceDecision(Insurer.TRAINING_INSTITUTION, RULE_INTERNSHIP, False)
    if mode == MeetingMode.SCHOOL:
        return InsuranceDecision(Insurer.SCHOOL, RULE_VOLUNTEER_AT_SCHOOL, True)
    return InsuranceDecision(_COUPLER_INSURER[coupler], _VOLUNTEER_RULES[mode], False)
