"""Where a figure of the report lies in a municipality (issue 14, point 3; docs/reports.md,
"The city's figures").

A municipality's figures are those of the children who live or go to school there: a
pupil counts in the municipality of their school, a family in the municipality of its home
(the postcode it gave). A duo lies where its participants do (one school, or one family,
so one municipality); a referral where its pupil or family does; the available buddies of
a municipality are those of the programmes whose coverage area holds it (a buddy has no
place of their own: many meet online or in the school).
"""

from typing import Any

from django.db.models import Q

from buddywerk.trajectories.models import Participant


def participants_in(nis_code: str, prefix: str = "") -> Q:
    """A pupil at a school in the municipality, or a family living there, reached through
    `prefix` (a participant or a referral: both hold `pupil` and `family`)."""
    return Q(**{f"{prefix}pupil__school__municipality": nis_code}) | Q(
        **{f"{prefix}family__postcode__municipality": nis_code}
    )


def duos_in(nis_code: str) -> Any:
    """The ids of the duos whose participants are of the municipality (a subquery)."""
    return Participant.objects.filter(participants_in(nis_code)).values("trajectory_id")
