"""The buddy rules of DOMAIN.md as plain functions: eligibility (R1), the screening that a
duo with a minor needs (R2), and which programmes a buddy can join.

The matching and trajectory services call `buddy_may_meet_minors` (or filter with
`buddies_may_meet_minors`) before they propose or start a duo with a pupil.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buddywerk.common.vocabulary import IN_PERSON_MODES, MeetingMode
from buddywerk.geo.distance import distance_km

from .enums import FAMILY_ONLY_KINDS
from .models import (
    CORE_KINDS,
    ELIGIBLE_FIELDS,
    STUDENT_KINDS,
    TEACHER_KINDS,
    BuddyKind,
    ScreeningStatus,
    TeachingQualification,
)

if TYPE_CHECKING:
    from buddywerk.geo.models import Postcode
    from buddywerk.organisations.models import Programme

    from .models import Buddy

# R2: the text a buddy declares on honour, stored verbatim with the moment of acceptance.
# The wording follows the Leerbuddy Vlaanderen FAQ [002]: "De buddy's verklaren op eer dat ze
# een Uittreksel uit het Strafregister Model 2 kunnen voorleggen voor het werken met
# minderjarigen." It is Dutch on purpose, whatever the interface language: it is the
# legal text the programme relies on.
DECLARATION_TEXT = (
    "Ik verklaar op eer dat ik een uittreksel uit het strafregister model 2 "
    "(voor activiteiten met minderjarigen) kan voorleggen. Ik weet dat de buddywerking "
    "dit uittreksel wil zien voor ik als buddy met een minderjarige aan de slag ga."
)


# --- R1: who may be a buddy ---------------------------------------------------------


def buddy_eligibility_problems(
    *,
    kind: str,
    field_of_study: str = "",
    teaching_qualification: str = "",
    programmes: Iterable[Programme] | None = None,
) -> list[str]:
    """Why an applicant cannot be a buddy under R1, as kind sentences (empty: eligible).

    R1 [002]: a student who is a buddy as part of their study (internship), or a volunteer:
    a student in an education-related or social field, or someone with a teaching
    qualification (trained or retired teacher). Role models and sector mentors [001] only
    where a programme recruits them: `programmes` are the programmes taking buddies now.
    """
    problems: list[str] = []
    if kind == BuddyKind.STUDENT and field_of_study not in ELIGIBLE_FIELDS:
        problems.append(
            str(
                _(
                    "As a volunteer student you can become a buddy when you study in an "
                    "education-related or social field, such as teacher training, speech "
                    "therapy or occupational therapy. Is buddy work part of your internship? "
                    "Then answer 'yes' to the internship question."
                )
            )
        )
    if kind in TEACHER_KINDS and teaching_qualification in {"", TeachingQualification.NONE}:
        problems.append(
            str(
                _(
                    "To join as a teacher you need a teaching qualification. Without one, "
                    "you can still help: many programmes look for volunteers in other ways, "
                    "ask the programme near you."
                )
            )
        )
    if kind not in CORE_KINDS:
        if programmes is None or not any(programme_recruits_kind(p, kind) for p in programmes):
            problems.append(
                str(
                    _(
                        "No programme is looking for this kind of buddy right now. "
                        "Please try again later, or contact a programme near you."
                    )
                )
            )
    return problems


def programme_recruits_kind(programme: Programme, kind: str) -> bool:
    """R1: the kinds every programme takes (students, teachers) unless it lists its own;
    role models and sector mentors only where the programme lists them [001]; community
    volunteers only where a programme that works with families lists them (issue 20)."""
    if kind in FAMILY_ONLY_KINDS and not programme_works_with_families(programme):
        return False
    kinds = list(programme.buddy_kinds or [])
    if kinds:
        return kind in kinds
    return kind in CORE_KINDS


def programme_works_with_families(programme: Programme) -> bool:
    from buddywerk.organisations.models import ParticipantKind

    return programme.participant_kind in {ParticipantKind.FAMILIES, ParticipantKind.BOTH}


def programme_kind_problems(*, participant_kind: str, buddy_kinds: Iterable[str]) -> list[str]:
    """R1 (issue 20): a programme that works with pupils only may not add community
    volunteers: they are buddies of families."""
    from buddywerk.organisations.models import ParticipantKind

    works_with_families = participant_kind in {ParticipantKind.FAMILIES, ParticipantKind.BOTH}
    if not works_with_families and set(buddy_kinds) & FAMILY_ONLY_KINDS:
        return [
            str(
                _(
                    "Only a programme that works with families can recruit community "
                    "volunteers (neighbours, former newcomers)."
                )
            )
        ]
    return []


def kind_is_family_only(kind: str) -> bool:
    """R1 (issue 20): a community volunteer is in a duo with a family, never with pupils."""
    return kind in FAMILY_ONLY_KINDS


def kind_needs_institution(kind: str) -> bool:
    return kind in STUDENT_KINDS


def kind_needs_qualification(kind: str) -> bool:
    return kind in TEACHER_KINDS


# --- R2: screening before a duo with a minor ------------------------------------------


# Issue 13, point 2: the defaults of a programme's extract settings (organisations.Programme).
EXTRACT_VALID_MONTHS = 36
EXTRACT_MAX_AGE_MONTHS = 6


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), on the month's last day where it has none."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def extract_last_valid_day(seen_on: dt.date, valid_months: int) -> dt.date:
    """R2 over time: an extract seen on `seen_on` counts up to and including the day before
    the same date `valid_months` later."""
    return add_months(seen_on, valid_months) - dt.timedelta(days=1)


def buddy_extract_valid_until(buddy: Buddy, programme: Programme | None = None) -> dt.date | None:
    """The last day the buddy's extract counts for `programme` (its own setting, else the
    default); None without an extract."""
    if buddy.extract_seen_on is None:
        return None
    months = programme.extract_valid_months if programme is not None else EXTRACT_VALID_MONTHS
    return extract_last_valid_day(buddy.extract_seen_on, months)


def extract_date_problem(
    *, seen_on: dt.date, dated_on: dt.date, programme: Programme | None = None
) -> str:
    """R2: the date on the extract lies on or before the day it is seen, and at most the
    programme's number of months before it. '' when fine."""
    months = programme.extract_max_age_months if programme is not None else EXTRACT_MAX_AGE_MONTHS
    if dated_on > seen_on:
        return str(_("The date on the extract lies after the day you saw it."))
    if dated_on < add_months(seen_on, -months):
        return str(
            _("This extract is too old: it may be at most %(months)d months old when seen.")
            % {"months": months}
        )
    return ""


def buddy_may_meet_minors(
    buddy: Buddy,
    *,
    programme: Programme | None = None,
    on: dt.date | None = None,
    until: dt.date | None = None,
) -> bool:
    """R2: only an approved buddy whose criminal-record extract model 2 the programme has
    seen, and which still counts on day `on` (default today) and up to `until` (e.g. a
    duo's planned end), may be in a duo with a minor. Matching and duo services check it."""
    last = buddy_extract_valid_until(buddy, programme)
    if buddy.status != ScreeningStatus.APPROVED or last is None:
        return False
    day = on or timezone.localdate()
    return day <= last and (until is None or until <= last)


def buddies_may_meet_minors(qs: QuerySet[Buddy]) -> QuerySet[Buddy]:
    """The same rule as `buddy_may_meet_minors`, as a filter for set-based queries (R2)."""
    return qs.filter(Q(status=ScreeningStatus.APPROVED) & Q(extract_seen_on__isnull=False))


# --- Programmes within reach -----------------------------------------------------------


def programme_in_reach(
    programme: Programme,
    *,
    postcode: Postcode | None,
    radius_km: int | None,
    online_only: bool,
) -> bool:
    """A buddy can join a programme that meets online (when they are online only), or whose
    coverage area has a municipality within their travel radius (R8). Expects the
    programme's municipalities to be prefetched."""
    modes = set(programme.meeting_modes or [])
    offers_online = not modes or MeetingMode.ONLINE in modes
    if online_only:
        return offers_online
    if postcode is None:
        return False
    if modes and not modes & IN_PERSON_MODES and offers_online:
        return True
    radius = radius_km or 0
    for municipality in programme.municipalities.all():
        if municipality.nis_code == postcode.municipality_id:
            return True
        if distance_km(postcode.lat, postcode.lon, municipality.lat, municipality.lon) <= radius:
            return True
    return False


def programmes_for(
    *,
    kind: str,
    postcode: Postcode | None,
    radius_km: int | None,
    online_only: bool,
    programmes: Iterable[Programme] | None = None,
) -> list[Programme]:
    """The programmes taking buddies now that recruit this kind and are within reach."""
    from buddywerk.organisations.models import Programme

    if programmes is None:
        programmes = (
            Programme.objects.filter(accepts_buddies=True)
            .prefetch_related("municipalities")
            .order_by("name")
        )
    return [
        programme
        for programme in programmes
        if programme.accepts_buddies
        and programme_recruits_kind(programme, kind)
        and programme_in_reach(
            programme, postcode=postcode, radius_km=radius_km, online_only=online_only
        )
    ]
