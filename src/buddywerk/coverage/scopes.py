"""Whose map shows what (issue 19 point 4; docs/coverage.md).

- platform admins: every municipality of Flanders and Brussels, exact;
- the funder: the same municipalities, restricted as the report is for it
  (`policy.report_is_suppressed`: bands of five);
- a regional coordinator: the municipalities of their province(s), exact (the report shows
  them their province exactly);
- a programme coordinator: their programmes' coverage area and the municipalities their
  waiting referrals come from, counting only their programmes' referrals, buddies and
  duos, exact.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from buddywerk.access import policy
from buddywerk.access.models import Role
from buddywerk.organisations.models import Programme
from buddywerk.referrals.models import Referral
from buddywerk.referrals.workflow import QUEUE_STATUSES

from .measures import FAMILY_PLACE, PUPIL_PLACE, municipalities


@dataclass(frozen=True)
class MapScope:
    title: str | Promise
    codes: tuple[str, ...]  # the municipalities drawn and counted
    restricted: bool
    programme_ids: tuple[int, ...] | None = None  # count only these programmes' work
    coverage: frozenset[str] = frozenset()  # a coordinator's own coverage area


def scope_for(user: object) -> MapScope | None:
    if not policy.can_view_coverage_map(user):  # type: ignore[arg-type]
        return None
    # The served municipalities come from the in-memory gazetteer (shipped data).
    served = {nis: info for nis, info in municipalities().items() if info.is_served}
    if policy.report_sees_everything(user):  # type: ignore[arg-type]
        restricted = policy.report_is_suppressed(user, province=None, programme=None)  # type: ignore[arg-type]
        return MapScope(_("Flanders and Brussels"), tuple(sorted(served)), restricted)
    provinces = policy.regional_province_codes(user)  # type: ignore[arg-type]
    if provinces:
        mine = {nis: info for nis, info in served.items() if info.province_code in provinces}
        restricted = any(
            policy.report_is_suppressed(user, province=p, programme=None)  # type: ignore[arg-type]
            for p in provinces
        )
        names = ", ".join(sorted({info.province_name for info in mine.values()}))
        return MapScope(names, tuple(sorted(mine)), restricted)
    ids = tuple(sorted(policy.organisation_ids(user, Role.PROGRAMME_COORDINATOR)))  # type: ignore[arg-type]
    coverage = frozenset(
        Programme.municipalities.through.objects.filter(programme_id__in=ids).values_list(
            "municipality_id", flat=True
        )
    )
    sources: set[str] = set()
    for school_place, home_place in Referral.objects.filter(
        programme_id__in=ids, status__in=QUEUE_STATUSES
    ).values_list(PUPIL_PLACE, FAMILY_PLACE):
        sources.add(school_place or home_place)
    codes = tuple(sorted(nis for nis in coverage | sources if nis in served))
    names = ", ".join(
        Programme.objects.filter(pk__in=ids).order_by("name").values_list("name", flat=True)
    )
    return MapScope(names, codes, False, ids, coverage)
