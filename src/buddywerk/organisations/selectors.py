"""Reads on programmes and schools, including the public finder (the "zoekmachine").

Programmes and schools are organisations, not personal data: the finder and the programme
pages are public. School staff lists are scoped by the policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from buddywerk.access import policy
from buddywerk.access.models import Membership, Role
from buddywerk.common.vocabulary import MeetingMode, SchoolYear
from buddywerk.geo.places import MunicipalityInfo, Place, gazetteer

from .models import ParticipantKind, Programme, School, Service, buddy_kind_choices

if TYPE_CHECKING:
    from uuid import UUID

MAX_DISTANCE_KM = 200


@dataclass(frozen=True)
class FinderCriteria:
    """What a visitor asks the finder. Empty values mean "any"."""

    place: Place
    km: float | None = None
    participant_kind: str = ""
    school_year: int | None = None
    mode: str = ""
    buddy_kind: str = ""
    # The volunteer's direction: only programmes that take new buddies now.
    for_buddies: bool = False


@dataclass
class FinderResult:
    programme: Programme
    distance_km: float
    covers_place: bool
    nearest: MunicipalityInfo
    reasons: list[str] = field(default_factory=list)

    @property
    def distance_rounded(self) -> int:
        return round(self.distance_km)


def _matches_lists(programme: Programme, criteria: FinderCriteria) -> bool:
    """School year (R5), mode (R8) and buddy kind (R1). An empty list on the programme
    sets no restriction, except that a family-only programme has no school years."""
    if criteria.school_year is not None:
        if programme.participant_kind == ParticipantKind.FAMILIES:
            return False
        years = programme.target_school_years
        if years and criteria.school_year not in years:
            return False
    if criteria.mode and programme.meeting_modes and criteria.mode not in programme.meeting_modes:
        return False
    kinds = programme.buddy_kinds
    return not (criteria.buddy_kind and kinds and criteria.buddy_kind not in kinds)


def _reasons(result: FinderResult, criteria: FinderCriteria) -> list[str]:
    programme = result.programme
    reasons = []
    if result.covers_place:
        reasons.append(_("works in %(place)s") % {"place": criteria.place.municipality.name})
    else:
        reasons.append(
            _("%(km)s km away: works in %(place)s")
            % {"km": result.distance_rounded, "place": result.nearest.name}
        )
    if criteria.participant_kind:
        reasons.append(
            _("for families")
            if criteria.participant_kind == ParticipantKind.FAMILIES
            else _("for pupils")
        )
    if criteria.school_year is not None:
        if programme.target_school_years:
            reasons.append(_("for %(year)s") % {"year": SchoolYear(criteria.school_year).label})
        else:
            reasons.append(_("for every school year"))
    if criteria.mode:
        reasons.append(
            _("meets: %(mode)s") % {"mode": str(MeetingMode(criteria.mode).label).lower()}
        )
    if criteria.buddy_kind:
        label = dict(buddy_kind_choices()).get(criteria.buddy_kind, criteria.buddy_kind)
        reasons.append(_("looks for: %(kind)s") % {"kind": str(label).lower()})
    if criteria.for_buddies:
        reasons.append(_("takes new buddies now"))
    return reasons


def programme_find(criteria: FinderCriteria) -> list[FinderResult]:
    """Programmes for a place: the place's municipality is in the coverage area, or a
    covered municipality's centroid lies within `km` of the place.

    Two queries whatever the number of programmes: the coverage links of the nearby
    municipalities, then the programmes; the place and the distances come from the
    in-memory gazetteer. Closest first: the place's own programmes, then by distance.
    """
    g = gazetteer()
    place = criteria.place
    own = place.municipality.nis_code
    near = g.within(place, criteria.km) if criteria.km else {own: 0.0}
    links = Programme.municipalities.through.objects.filter(
        municipality_id__in=list(near)
    ).values_list("programme_id", "municipality_id")
    closest: dict[int, tuple[float, str]] = {}
    for programme_id, nis_code in links:
        distance = 0.0 if nis_code == own else near[nis_code]
        if programme_id not in closest or distance < closest[programme_id][0]:
            closest[programme_id] = (distance, nis_code)
    if not closest:
        return []
    programmes = Programme.objects.filter(pk__in=list(closest))
    if criteria.participant_kind:
        programmes = programmes.filter(
            participant_kind__in=[criteria.participant_kind, ParticipantKind.BOTH]
        )
    if criteria.for_buddies:
        programmes = programmes.taking_buddies()
    results = []
    for programme in programmes:
        if not _matches_lists(programme, criteria):
            continue
        distance, nis_code = closest[programme.pk]
        result = FinderResult(
            programme=programme,
            distance_km=distance,
            covers_place=nis_code == own,
            nearest=g.municipalities[nis_code],
        )
        result.reasons = _reasons(result, criteria)
        results.append(result)
    results.sort(key=lambda r: (not r.covers_place, r.distance_km, r.programme.name))
    return results


def programme_get_public(*, programme_uuid: UUID) -> Programme:
    """A programme's public page, with its coverage area (two queries)."""
    return get_object_or_404(
        Programme.objects.prefetch_related("municipalities"), uuid=programme_uuid
    )


# --- Schools -----------------------------------------------------------------------------


def school_registrations_pending() -> list[School]:
    """Schools that registered and wait for a platform admin (oldest first)."""
    return list(
        School.objects.awaiting_confirmation()
        .select_related("postcode", "municipality__province")
        .order_by("created_at", "pk")
    )


def schools_led_by(*, user: Any) -> list[School]:
    return list(policy.schools_led_by(user, School.objects.all()).order_by("name"))


def school_get_led_by(*, user: Any, school_uuid: UUID) -> School:
    """The school if `user` is its care coordinator; 404 otherwise (no confirmation that
    the school exists to anyone else)."""
    school: School = get_object_or_404(
        policy.schools_led_by(user, School.objects.all()), uuid=school_uuid
    )
    return school


def school_staff_list(*, school: School) -> list[Membership]:
    """The school's active staff memberships, leads first, with their users."""
    return list(
        Membership.objects.active()
        .filter(organisation=school, role=Role.SCHOOL_STAFF)
        .select_related("user")
        .order_by("-is_lead", "user__last_name", "user__first_name", "user__email")
    )


def school_registration_resent(*, school_number: str, registrant_email: str) -> School | None:
    """The registration of this school (normalised number) by this address, still waiting
    for a platform admin: the same form sent again (issue 16, point 2). The public form has
    no account to hang a one-time token on, so the natural key decides."""
    return (
        School.objects.awaiting_confirmation()
        .filter(
            school_number=school_number,
            registrant_email__iexact=registrant_email.strip(),
        )
        .first()
    )


# --- Services (issue 20, point 3) -------------------------------------------------------


def services_registered_by(*, user: Any) -> list[Service]:
    """The services the user registered or may manage, by municipality and name."""
    return list(
        policy.services_registered_by(user, Service.objects.all())
        .select_related("municipality")
        .annotate(
            staff_count=Count(
                "memberships",
                filter=Q(memberships__role=Role.SERVICE_STAFF, memberships__is_active=True),
            )
        )
        .order_by("municipality__name", "name")
    )


def service_get_managed_by(*, user: Any, service_uuid: UUID) -> Service:
    """The service if `user` manages it; 404 otherwise."""
    service: Service = get_object_or_404(
        policy.services_registered_by(user, Service.objects.select_related("municipality")),
        uuid=service_uuid,
    )
    return service


def services_of_staff(*, user: Any) -> list[Service]:
    return list(
        policy.services_of_staff(user, Service.objects.select_related("municipality")).order_by(
            "name"
        )
    )


def service_get_of_staff(*, user: Any, service_uuid: UUID) -> Service:
    service: Service = get_object_or_404(
        policy.services_of_staff(user, Service.objects.select_related("municipality")),
        uuid=service_uuid,
    )
    return service


def service_staff_list(*, service: Service) -> list[Membership]:
    """The service's active staff, contact persons first."""
    return list(
        Membership.objects.active()
        .filter(organisation=service, role=Role.SERVICE_STAFF)
        .select_related("user")
        .order_by("-is_lead", "user__last_name", "user__first_name", "user__email")
    )
