"""What a buddy needs to judge a proposal (issue 16, point 7), and nothing more personal
until they say yes: where (the school, or the family's municipality), the school year,
the needs, the proposed moment and place, and how long the duo would run (R7, R8).

The participant's first name (DOMAIN.md: the most a buddy ever sees) appears only once
the buddy accepted; the last name, birth year, the needs in the school's own words and
the family's contact details never appear on the buddy's side."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext, ngettext

from buddywerk.common.vocabulary import MeetingMode, slot_label
from buddywerk.referrals.enums import FamilyGoal
from buddywerk.trajectories.services import (
    FAMILY_DEFAULT_MONTHS,
    PUPIL_DEFAULT_WEEKS,
    default_frequency,
    default_planned_end,
)

from .enums import ProposalStatus
from .models import Proposal
from .selectors import needs_labels

# The buddy said yes: from here on the duo's participant has a first name for them.
ANSWERED_YES = (ProposalStatus.ACCEPTED, ProposalStatus.CONFIRMED)


@dataclass(frozen=True)
class ProposalFacts:
    for_family: bool
    where: str
    school_year: str
    needs: list[str]
    language: str
    modes: list[str]
    moments: list[str]
    frequency: str
    duration: str
    until: dt.date
    first_name: str


def first_name_shown(proposal: Proposal) -> bool:
    """The buddy sees the pupil's first name only after saying yes."""
    return proposal.status in ANSWERED_YES


def proposal_facts(proposal: Proposal, *, today: dt.date | None = None) -> ProposalFacts:
    referral = proposal.referral
    family, pupil = referral.family, referral.pupil
    for_family = family is not None
    today = today or timezone.localdate()
    if family is not None:
        municipality = family.postcode.municipality.name
        where = gettext("A family in %(municipality)s") % {"municipality": municipality}
        school_year = ""
        needs = [str(FamilyGoal(code).label) for code in referral.goals if code in FamilyGoal]
        language = family.get_contact_language_display() if family.contact_language else ""
        duration = ngettext("%(count)s month", "%(count)s months", FAMILY_DEFAULT_MONTHS) % {
            "count": FAMILY_DEFAULT_MONTHS
        }
        first_name = ""
    elif pupil is not None:
        where = f"{pupil.school.name}, {pupil.school.municipality.name}"
        school_year = str(pupil.get_school_year_display())
        needs = needs_labels(referral)
        language = ""
        duration = ngettext("%(count)s week", "%(count)s weeks", PUPIL_DEFAULT_WEEKS) % {
            "count": PUPIL_DEFAULT_WEEKS
        }
        first_name = pupil.first_name if first_name_shown(proposal) else ""
    else:  # pragma: no cover - a check constraint: a pupil or a family
        raise ValueError("A referral names a pupil or a family.")
    modes = [str(MeetingMode(code).label) for code in referral.meeting_modes if code in MeetingMode]
    if not modes:
        # The duo's default place when the referral names none (R8, as the duo starts).
        modes = [str((MeetingMode.HOME if for_family else MeetingMode.SCHOOL).label)]
    until = default_planned_end(for_family=for_family, planned_start=today)
    last_day = proposal.buddy.available_until
    if last_day is not None and last_day < until:
        until = last_day  # a duo never outlives the buddy's availability (R17)
    return ProposalFacts(
        for_family=for_family,
        where=where,
        school_year=school_year,
        needs=needs,
        language=language,
        modes=modes,
        moments=[slot_label(code) for code in referral.time_slots],
        frequency=str(default_frequency(for_family=for_family).label),
        duration=duration,
        until=until,
        first_name=first_name,
    )
