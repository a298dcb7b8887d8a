"""An independent, deliberately plain re-statement of the matching rules (docs/matching.md).

The engine is vectorised; this module is one pair at a time, with `math` and Python sets, so
the property tests compare two implementations written differently from the same text.
"""

import itertools
import math

from buddywerk.matching.engine import Buddy, Referral, Weights

R_KM = 6371.0088
COMPLEXITY_RANK = {"low": 0, "normal": 1, "high": 2}


def metres(km: float) -> int:
    """Nearest whole metre, halves up (the documented rounding)."""
    return math.floor(km * 1000 + 0.5)


def distance_m(b: Buddy, r: Referral) -> int:
    p1, p2 = math.radians(b.lat), math.radians(r.lat)
    dp, dl = p2 - p1, math.radians(r.lon - b.lon)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return metres(2 * R_KM * math.asin(min(1.0, math.sqrt(a))))


def broken(b: Buddy, r: Referral) -> list[str]:
    """The hard constraints the pair breaks, in the documented order."""
    out = []
    if not b.approved:
        out.append("approved")
    dates = [d for d in (r.start, r.end) if d is not None]
    if not b.available or any(
        (b.available_from and d < b.available_from) or (b.available_until and d > b.available_until)
        for d in dates
    ):
        out.append("available")
    needed = r.shortest_end or r.planned_end
    if needed is not None and b.available_until is not None and b.available_until < needed:
        out.append("until")
    if b.capacity - b.active <= 0:
        out.append("capacity")
    shared = b.modes & r.modes
    in_person = bool(shared & {"school", "home"}) and distance_m(b, r) <= metres(b.radius_km)
    if not ("online" in shared or in_person):
        out.append("place")
    if r.minor and not (
        b.screened
        and (r.planned_end is None or b.screened_until is None or r.planned_end <= b.screened_until)
    ):
        out.append("screening")
    if b.missing_modules or (r.minor and b.missing_minor_modules):
        out.append("modules")
    if not b.slots & r.slots:
        out.append("slots")
    if r.contact_language is not None and r.contact_language not in b.languages:
        out.append("language")
    if not b.competences & r.needs:
        out.append("needs")
    return out


def feasible(b: Buddy, r: Referral) -> bool:
    return not broken(b, r)


def score_parts(b: Buddy, r: Referral, w: Weights) -> list[int]:
    d = distance_m(b, r)
    shared = b.modes & r.modes
    scale = metres(w.distance_scale_km)
    near = w.distance * max(0, scale - d) // scale if shared & {"school", "home"} else 0
    if "online" in shared:
        reach = bool(shared & {"school", "home"}) and d <= metres(b.radius_km)
        distance = max(near if reach else 0, w.distance * w.online_percent // 100)
    else:
        distance = near
    slots = w.slots * min(len(b.slots & r.slots), w.slots_full) // w.slots_full
    needs = w.needs * len(b.competences & r.needs) // max(len(r.needs), 1)
    extra = r.home_languages - {r.contact_language}
    language = w.language if extra & b.languages else 0
    demand = min(COMPLEXITY_RANK[r.complexity] + (r.urgency == 3), 2)
    table = w.expert_fit if b.level == "expert" else w.junior_fit
    fit = w.fit * table[demand] // 100
    # issue 21: sector fit (mentor), track fit and tag fit (role model)
    sector = w.sector if r.sector is not None and b.sector == r.sector else 0
    track = w.track if r.track is not None and r.track in b.tracks else 0
    tags = w.tags * len(b.tags & r.tags) // max(len(r.tags), 1)
    return [distance, slots, needs, language, fit, sector, track, tags]


def shown_parts(w: Weights) -> list[bool]:
    """Which parts an explanation shows: the five classic ones always, the issue-21 parts
    only where the programme weighs them."""
    return [True] * 5 + [w.sector > 0, w.track > 0, w.tags > 0]


def score(b: Buddy, r: Referral, w: Weights) -> int:
    return sum(score_parts(b, r, w))


def brute_force(buddies: list[Buddy], referrals: list[Referral], w: Weights) -> tuple[int, int]:
    """(most referrals matched, best urgency-weighted score among those) by enumeration."""
    options = []
    for r in referrals:
        fits = [i for i, b in enumerate(buddies) if feasible(b, r)]
        options.append([None, *fits])
    best = (0, 0)
    for choice in itertools.product(*options):
        load = [0] * len(buddies)
        for i in choice:
            if i is not None:
                load[i] += 1
        if any(load[i] > max(b.capacity - b.active, 0) for i, b in enumerate(buddies)):
            continue
        count = sum(i is not None for i in choice)
        value = sum(
            score(buddies[i], r, w) * w.urgency_multiplier(r.urgency)
            for i, r in zip(choice, referrals, strict=True)
            if i is not None
        )
        best = max(best, (count, value))
    return best
