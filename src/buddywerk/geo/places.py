"""Find a place from what someone types: a postcode, a municipality or a locality name,
with typos ("Mechlen"), in any case, with or without hyphens or accents.

The shipped geography is small (565 municipalities, 1,146 postcodes, 2,781 localities) and
changes only with a data update, so it is read once per process into a gazetteer held in
memory: resolving a place then costs no query. `load_geography` drops the gazetteer after
a refresh; other processes pick up the new data when they restart (a data update is a
deployment).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from .distance import distance_km
from .models import Municipality, Postcode, Region

SERVED_REGIONS = frozenset({Region.FLANDERS, Region.BRUSSELS})


@dataclass(frozen=True)
class MunicipalityInfo:
    nis_code: str
    name: str
    name_fr: str
    province_code: str
    province_name: str
    region: str
    lat: float
    lon: float

    @property
    def is_served(self) -> bool:
        """In Flanders or Brussels, where Buddywerk's programmes work."""
        return self.region in SERVED_REGIONS


class PlaceKind:
    POSTCODE = "postcode"
    MUNICIPALITY = "municipality"
    LOCALITY = "locality"


@dataclass(frozen=True)
class Place:
    """A point to search from, with the municipality it lies in."""

    kind: str
    name: str
    municipality: MunicipalityInfo
    lat: float
    lon: float
    postcode: str = ""

    @property
    def label(self) -> str:
        """How the place reads back to the user: "2800 Mechelen", "Heffen (Mechelen)"."""
        if self.kind == PlaceKind.POSTCODE:
            return f"{self.postcode} {self.municipality.name}"
        if self.kind == PlaceKind.LOCALITY and self.name != self.municipality.name:
            return f"{self.name} ({self.postcode} {self.municipality.name})"
        return self.municipality.name

    @property
    def query(self) -> str:
        """What to put in a search box to find this place again, unambiguously."""
        if self.kind == PlaceKind.MUNICIPALITY:
            return self.municipality.name
        return self.postcode

    def km_to(self, municipality: MunicipalityInfo) -> float:
        return distance_km(self.lat, self.lon, municipality.lat, municipality.lon)


@dataclass(frozen=True)
class PlaceLookup:
    """The outcome of a lookup: a place (maybe corrected from a typo) or suggestions."""

    text: str
    place: Place | None = None
    corrected: bool = False
    suggestions: tuple[Place, ...] = field(default_factory=tuple)


def normalise(text: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces, "st" as "sint"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[-'’`´.,/()]", " ", text)
    words = ["sint" if word in {"st", "s t"} else word for word in text.split()]
    return " ".join(words)


class Gazetteer:
    """Every municipality, postcode and locality, with a name index for fuzzy lookups."""

    def __init__(self) -> None:
        self.municipalities: dict[str, MunicipalityInfo] = {}
        for row in Municipality.objects.select_related("province").order_by("nis_code"):
            self.municipalities[row.nis_code] = MunicipalityInfo(
                nis_code=row.nis_code,
                name=row.name,
                name_fr=row.name_fr,
                province_code=row.province_id,
                province_name=row.province.name,
                region=row.province.region,
                lat=row.lat,
                lon=row.lon,
            )
        self.postcodes: dict[str, Place] = {}
        by_key: dict[str, list[Place]] = {}

        def index(key_text: str, place: Place) -> None:
            key = normalise(key_text)
            places = by_key.setdefault(key, [])
            if all(p.municipality.nis_code != place.municipality.nis_code for p in places):
                places.append(place)

        # Municipality names first, so that "Mechelen" is the municipality and not the
        # locality of the same name in 2800.
        for info in self.municipalities.values():
            place = Place(PlaceKind.MUNICIPALITY, info.name, info, info.lat, info.lon)
            index(info.name, place)
            index(info.name_fr, place)
        rows = Postcode.objects.order_by("code").values_list(
            "code", "municipality_id", "localities", "lat", "lon"
        )
        for code, nis_code, localities, lat, lon in rows:
            info = self.municipalities[nis_code]
            self.postcodes[code] = Place(
                PlaceKind.POSTCODE, info.name, info, lat, lon, postcode=code
            )
            for locality in filter(None, (name.strip() for name in localities.split(";"))):
                index(locality, Place(PlaceKind.LOCALITY, locality, info, lat, lon, code))
        # Within one key, served places (Flanders, Brussels) come before Walloon homonyms.
        self.by_key = {
            key: sorted(places, key=lambda p: not p.municipality.is_served)
            for key, places in by_key.items()
        }
        self.keys = list(self.by_key)

    # --- lookups -----------------------------------------------------------------------

    def postcode_places(self, nis_code: str) -> list[Place]:
        return [p for p in self.postcodes.values() if p.municipality.nis_code == nis_code]

    def municipality_place(self, info: MunicipalityInfo) -> Place:
        return Place(PlaceKind.MUNICIPALITY, info.name, info, info.lat, info.lon)

    def lookup(self, text: str) -> PlaceLookup:
        text = (text or "").strip()
        if not text:
            return PlaceLookup(text)
        code = re.search(r"\b(\d{4})\b", text)
        if code:
            place = self.postcodes.get(code.group(1))
            if place is not None:
                return PlaceLookup(text, place)
            if re.fullmatch(r"\d{4}", text):
                return PlaceLookup(text, suggestions=self._near_codes(code.group(1)))
        key = normalise(re.sub(r"\d+", " ", text))
        if not key:
            return PlaceLookup(text)
        exact = self.by_key.get(key)
        if exact:
            return PlaceLookup(text, exact[0], suggestions=tuple(exact[1:5]))
        return self._fuzzy(text, key)

    def _near_codes(self, code: str) -> tuple[Place, ...]:
        """Existing postcodes numerically closest to an unknown one (2805 -> 2800, 2801...)."""
        number = int(code)
        nearest = sorted(self.postcodes, key=lambda c: (abs(int(c) - number), c))[:5]
        return tuple(self.postcodes[c] for c in sorted(nearest))

    def _fuzzy(self, text: str, key: str) -> PlaceLookup:
        # Edits allowed grow with the length of the name: one for "Gnet", two for "Mechlen",
        # three for long compound names ("Sint-Katelijne-Waverr").
        allowed = 1 if len(key) <= 5 else 2 if len(key) <= 12 else 3
        close = process.extract(
            key,
            self.keys,
            scorer=DamerauLevenshtein.distance,
            score_cutoff=allowed,
            limit=10,
        )
        if close:
            best = min(distance for _key, distance, _i in close)
            winners = _distinct(
                place for k, distance, _i in close if distance == best for place in self.by_key[k]
            )
            others = _distinct(
                place for k, distance, _i in close if distance > best for place in self.by_key[k]
            )
            # Among equally close names, a served municipality wins over a locality of the
            # same name elsewhere ("Aalts": the city of Aalst, not Aalst in Sint-Truiden).
            served = [p for p in winners if p.municipality.is_served]
            towns = [p for p in served if p.kind == PlaceKind.MUNICIPALITY]
            for pick in (winners, served, towns):
                if len(pick) == 1:
                    chosen = pick[0]
                    rest = _served_first(p for p in [*winners, *others] if p != chosen)
                    return PlaceLookup(text, chosen, corrected=True, suggestions=rest[:4])
            return PlaceLookup(text, suggestions=_served_first([*winners, *others])[:5])
        # Nothing within a few edits: offer the names that look most alike.
        alike = process.extract(key, self.keys, scorer=fuzz.WRatio, score_cutoff=70, limit=8)
        places = _distinct(p for k, _s, _i in alike for p in self.by_key[k])
        return PlaceLookup(text, suggestions=_served_first(places)[:5])

    def within(self, place: Place, km: float) -> dict[str, float]:
        """NIS code -> distance in km from `place` of every municipality whose centroid is
        within `km`; the place's own municipality is always in, at distance 0."""
        found = {
            nis: distance
            for nis, info in self.municipalities.items()
            if (distance := place.km_to(info)) <= km
        }
        found[place.municipality.nis_code] = 0.0
        return found


def _distinct(places: object) -> list[Place]:
    """Places in order, one per municipality and kind."""
    seen: set[tuple[str, str, str]] = set()
    result = []
    for place in places:  # type: ignore[attr-defined]
        marker = (place.municipality.nis_code, place.kind, place.name)
        if marker not in seen:
            seen.add(marker)
            result.append(place)
    return result


def _served_first(places: object) -> tuple[Place, ...]:
    """Flemish and Brussels places before Walloon ones, otherwise in the given order."""
    return tuple(sorted(places, key=lambda p: not p.municipality.is_served))  # type: ignore[call-overload]


_lock = threading.Lock()
_gazetteer: Gazetteer | None = None


def gazetteer() -> Gazetteer:
    """The process's gazetteer, built on first use (three queries)."""
    global _gazetteer
    if _gazetteer is None:
        with _lock:
            if _gazetteer is None:
                _gazetteer = Gazetteer()
    return _gazetteer


def gazetteer_forget() -> None:
    """Drop the gazetteer, e.g. after `load_geography` refreshed the tables."""
    global _gazetteer
    _gazetteer = None


def place_lookup(text: str) -> PlaceLookup:
    """Resolve what a visitor typed into a place, or into suggestions when unsure."""
    return gazetteer().lookup(text)
