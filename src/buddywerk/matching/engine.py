"""The matching engine: hard constraints, an explainable integer score, suggestions and an
exact batch assignment (R3, R8, R9 in DOMAIN.md).

Pure on purpose (ARCHITECTURE.md, point 6): numpy and OR-tools only, no Django, so the
engine runs from the web app, from `buddywerk match` on a JSON instance file and from the
benchmark alike, and a test can pin it against a brute force.

How it works, in one paragraph. A `Problem` turns buddies and referrals (frozen dataclasses)
into arrays, sorted by id so that the same input in any order gives the same output. Every
hard constraint is one vectorised test over arrays of pair indices (`_evaluate`), and the score
is eight integer parts (`_score_parts`; the last three, for mentors and role models, weigh 0
unless a programme weighs them). Suggestions evaluate one referral against all buddies
(or one buddy against all referrals) in one pass. The batch first lists every feasible pair:
a grid on unit-sphere coordinates finds the buddies within reach of each in-person
referral (one search per radius bucket), both-online pairs come from a cross product, and the
same hard constraints as `_evaluate` filter them chunk by chunk (`_pair_rules`, the integer
tests first, then the distance for the pairs left). Nothing is pruned. A min-cost flow
(source -> referral -> buddy -> sink) then gives the maximum number of matched referrals and,
among all maximum matchings, the highest total (urgency-weighted) score: exactly the
lexicographic optimum that the issue asks for.

Distances are great-circle (haversine) distances on a sphere of radius 6371.0088 km, computed
in float64 and rounded to the nearest whole metre (half up); a buddy's travel radius is rounded
the same way, and a pair is within reach when distance_m <= radius_m. Scores are integers
0..1000 so that optima are reproducible bit for bit.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, cast

import numpy as np
import numpy.typing as npt

# Weights and MAX_SCORE live apart so that the models can use them without loading numpy:
# the engine (numpy, OR-tools) is imported only where matching runs.
from buddywerk.matching.weights import MAX_SCORE, Weights

__all__ = ["MAX_SCORE", "Weights"]  # re-exported: callers say engine.Weights

EARTH_RADIUS_KM: Final = 6371.0088
_EARTH_RADIUS_M: Final = EARTH_RADIUS_KM * 1000.0

MODES: Final = ("school", "home", "online", "out_about")
IN_PERSON_MODES: Final = ("school", "home", "out_about")
LEVELS: Final = ("junior", "expert")
COMPLEXITIES: Final = ("low", "normal", "high")
URGENCIES: Final = (1, 2, 3)

# The hard constraints, in the order in which they are reported. For an unmatched referral the
# engine applies them one after the other to all buddies; the first one after which no buddy is
# left is "the constraint that left it without any candidate".
CONSTRAINTS: Final = (
    "approved",
    "available",
    "until",
    "capacity",
    "place",
    "screening",
    "modules",
    "slots",
    "language",
    "needs",
)
TAKEN: Final = "taken"  # every feasible buddy went to other referrals
SCORE_PARTS: Final = ("distance", "slots", "needs", "language", "fit", "sector", "track", "tags")
# issue 21: parts for mentor and role-model programmes; explained only when weighted (> 0)
OPTIONAL_PARTS: Final = frozenset({"sector", "track", "tags"})

_MODE_BIT: Final = {"school": 1, "home": 2, "online": 4}
_IN_PERSON_BITS: Final = 1 | 2
_ONLINE_BIT: Final = 4
_NO_DAY_LOW: Final = -(2**31)  # an open start of an availability window
_NO_DAY_HIGH: Final = 2**31 - 1  # an open end
_CHUNK: Final = 1 << 20  # pairs evaluated at once in the batch: bounds peak memory

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Index = npt.NDArray[np.intp] | slice


# --------------------------------------------------------------------------------------------
# Input


@dataclass(frozen=True, slots=True)
class Buddy:
    """A buddy as the engine sees them. Labels (slots, languages, competences) are opaque."""

    id: str
    lat: float
    lon: float
    radius_km: float
    capacity: int
    modes: frozenset[str]
    slots: frozenset[str]
    languages: frozenset[str]
    competences: frozenset[str]
    level: str = "junior"
    screened: bool = False  # R2: the model-2 extract was seen
    screened_until: date | None = None  # R2: the extract's last valid day (None: no end)
    # issue 13, point 4: required modules the buddy has not completed (titles): those due
    # before any duo (a first duo), and those due before a duo with a minor
    missing_modules: frozenset[str] = frozenset()
    missing_minor_modules: frozenset[str] = frozenset()
    approved: bool = True
    available: bool = True  # False while the buddy has paused
    available_from: date | None = None  # inclusive; None = open
    available_until: date | None = None  # inclusive; None = open
    active: int = 0  # participants the buddy already has: capacity left = capacity - active
    # issue 21, stated by the buddy, never inferred: a mentor's sector; the study tracks a
    # role model followed themselves; the programme's path tags the role model chose
    sector: str | None = None
    tracks: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Referral:
    """A referral: its meeting place (school or home), when, what for, in which language."""

    id: str
    lat: float
    lon: float
    modes: frozenset[str]
    slots: frozenset[str]
    needs: frozenset[str]
    minor: bool = True
    urgency: int = 2  # 1 can wait, 2 normal, 3 urgent
    complexity: str = "normal"  # low, normal, high
    contact_language: str | None = None  # required language, if any
    home_languages: frozenset[str] = frozenset()  # a match beyond the contact language scores
    start: date | None = None  # the buddy must be available on these dates (when given)
    end: date | None = None
    planned_end: date | None = None  # R2: a duo starting now ends then (None: not checked)
    # issue 13, point 3: the buddy must stay available until this day, the earliest planned
    # end the programme accepts (its minimum duo length; None: the planned end, if any)
    shortest_end: date | None = None
    # issue 21: the sector of the pupil's dream, the pupil's study track, and the path tags
    # asked for in a role model (the programme's own list)
    sector: str | None = None
    track: str | None = None
    tags: frozenset[str] = frozenset()


# --------------------------------------------------------------------------------------------
# Words: one plain sentence per score part and per blocking constraint, nl (default) or en.
# Label names are injectable: the Django side passes its translated vocabulary.

_TEMPLATES: Final[dict[str, dict[str, str]]] = {
    "nl": {
        "distance.school": "woont {km} km van de school",
        "distance.home": "woont {km} km van het gezin",
        "distance.online": "kan online afspreken, de afstand speelt geen rol",
        "slots.one": "heeft 1 moment samen: {slots}",
        "slots.many": "heeft {n} momenten samen: {slots}",
        "needs.all": "helpt met alles wat gevraagd is: {needs}",
        "needs.some": "helpt met {covered} van de {total} vragen: {needs}",
        "language.match": "spreekt {language}, de thuistaal",
        "language.miss": "spreekt de thuistaal niet ({languages})",
        "language.none": "er is geen andere thuistaal om op te letten",
        "fit": "is {level}, de vraag is {demand}",
        "sector.match": "werkt zelf in de sector van de droom: {sector}",
        "sector.miss": "werkt niet in de sector van de droom ({sector})",
        "sector.none": "de leerling noemde geen sector",
        "track.match": "zat zelf ook in {track}",
        "track.miss": "zat zelf niet in {track}",
        "track.none": "de onderwijsvorm van de leerling is niet ingevuld",
        "tags.all": "deelt de gevraagde ervaring: {tags}",
        "tags.some": "deelt {covered} van de {total} gevraagde ervaringen: {tags}",
        "tags.miss": "deelt geen van de gevraagde ervaringen ({tags})",
        "tags.none": "er is geen ervaring gevraagd",
        "level.junior": "een junior buddy",
        "level.expert": "een ervaren buddy",
        "demand.0": "eenvoudig",
        "demand.1": "gewoon",
        "demand.2": "zwaar of dringend",
        "block.approved": "is nog niet goedgekeurd",
        "block.available": "is niet beschikbaar op de gevraagde data",
        "block.until": "is maar beschikbaar tot {day}, het duo loopt minstens tot {end}",
        "block.capacity": "heeft geen plaats meer ({active} van {capacity})",
        "block.place.far": "woont {km} km van de afspraakplaats, verder dan {radius} km",
        "block.place.mode": "spreekt niet op dezelfde manier af ({modes})",
        "block.screening": (
            "uittreksel model 2 niet gezien of verloopt voor het einde, nodig bij een minderjarige"
        ),
        "block.modules": "mist nog de verplichte module {modules}",
        "block.slots": "heeft geen moment samen",
        "block.language": "spreekt {language} niet, de contacttaal",
        "block.needs": "helpt niet met {needs}",
        "none.approved": "er is geen goedgekeurde buddy",
        "none.available": "geen buddy is beschikbaar op de gevraagde data",
        "none.until": "geen beschikbare buddy blijft beschikbaar tot het geplande einde",
        "none.capacity": "alle beschikbare buddy's zitten vol",
        "none.place": "geen vrije buddy woont dicht genoeg of spreekt op dezelfde manier af",
        "none.screening": "geen buddy in de buurt heeft een uittreksel model 2 (minderjarige)",
        "none.modules": "geen buddy in de buurt heeft de verplichte modules gedaan",
        "none.slots": "geen buddy in de buurt heeft een moment samen",
        "none.language": "geen buddy in de buurt met een moment samen spreekt {language}",
        "none.needs": "geen buddy die verder past, helpt met {needs}",
        "none.taken": "alle passende buddy's zijn al aan andere aanvragen gekoppeld",
        "buddy.none.approved": "de buddy is nog niet goedgekeurd",
        "buddy.none.available": "de buddy is niet beschikbaar op de gevraagde data",
        "buddy.none.until": "de buddy is niet beschikbaar tot het geplande einde van een duo",
        "buddy.none.capacity": "de buddy heeft geen plaats meer",
        "buddy.none.place": "geen aanvraag binnen reisafstand of op dezelfde manier van afspreken",
        "buddy.none.screening": "zonder uittreksel model 2 kan de buddy geen minderjarige helpen",
        "buddy.none.modules": "de buddy mist nog een verplichte module",
        "buddy.none.slots": "geen aanvraag in de buurt heeft een moment samen",
        "buddy.none.language": "geen aanvraag in de buurt vraagt een taal die de buddy spreekt",
        "buddy.none.needs": "geen aanvraag die verder past, vraagt hulp waar de buddy goed in is",
        "and": "en",
        "mode.school": "op school",
        "mode.home": "thuis",
        "mode.online": "online",
        "mode.out_about": "onderweg (bib, speelplein, markt)",
    },
    "en": {
        "distance.school": "lives {km} km from the school",
        "distance.home": "lives {km} km from the family",
        "distance.online": "can meet online, distance does not matter",
        "slots.one": "has 1 time slot in common: {slots}",
        "slots.many": "has {n} time slots in common: {slots}",
        "needs.all": "helps with everything asked: {needs}",
        "needs.some": "helps with {covered} of the {total} needs: {needs}",
        "language.match": "speaks {language}, the home language",
        "language.miss": "does not speak the home language ({languages})",
        "language.none": "there is no other home language to consider",
        "fit": "is {level}, the request is {demand}",
        "sector.match": "works in the sector of the dream: {sector}",
        "sector.miss": "does not work in the sector of the dream ({sector})",
        "sector.none": "the pupil named no sector",
        "track.match": "was in {track} too",
        "track.miss": "was not in {track}",
        "track.none": "the pupil's study track is not filled in",
        "tags.all": "shares the experience asked for: {tags}",
        "tags.some": "shares {covered} of the {total} experiences asked for: {tags}",
        "tags.miss": "shares none of the experiences asked for ({tags})",
        "tags.none": "no experience was asked for",
        "level.junior": "a junior buddy",
        "level.expert": "an experienced buddy",
        "demand.0": "simple",
        "demand.1": "ordinary",
        "demand.2": "demanding or urgent",
        "block.approved": "is not approved yet",
        "block.available": "is not available on the requested dates",
        "block.until": "is only available until {day}, the duo runs at least until {end}",
        "block.capacity": "has no place left ({active} of {capacity})",
        "block.place.far": "lives {km} km from the meeting place, further than {radius} km",
        "block.place.mode": "does not meet the same way ({modes})",
        "block.screening": "model-2 extract not seen or ending before the duo, needed for a minor",
        "block.modules": "still misses the required module {modules}",
        "block.slots": "has no time slot in common",
        "block.language": "does not speak {language}, the contact language",
        "block.needs": "does not help with {needs}",
        "none.approved": "there is no approved buddy",
        "none.available": "no buddy is available on the requested dates",
        "none.until": "no available buddy stays available until the planned end",
        "none.capacity": "every available buddy is full",
        "none.place": "no buddy with a free place lives close enough or meets the same way",
        "none.screening": "no buddy nearby has a model-2 extract, needed for a minor",
        "none.modules": "no buddy nearby has done the required modules",
        "none.slots": "no buddy nearby has a time slot in common",
        "none.language": "no buddy nearby with a common time slot speaks {language}",
        "none.needs": "no buddy who fits otherwise helps with {needs}",
        "none.taken": "every fitting buddy was matched to other referrals",
        "buddy.none.approved": "the buddy is not approved yet",
        "buddy.none.available": "the buddy is not available on the requested dates",
        "buddy.none.until": "the buddy is not available until the planned end of a duo",
        "buddy.none.capacity": "the buddy has no place left",
        "buddy.none.place": "no referral within reach or meeting the same way",
        "buddy.none.screening": "without a model-2 extract the buddy cannot help a minor",
        "buddy.none.modules": "the buddy still misses a required module",
        "buddy.none.slots": "no referral nearby has a time slot in common",
        "buddy.none.language": "no referral nearby asks for a language the buddy speaks",
        "buddy.none.needs": "no referral that fits otherwise asks for the buddy's competences",
        "and": "and",
        "mode.school": "at school",
        "mode.home": "at home",
        "mode.online": "online",
        "mode.out_about": "out and about (library, playground, market)",
    },
}

_LANGUAGE_NAMES: Final[dict[str, dict[str, str]]] = {
    "nl": {
        "nl": "Nederlands", "fr": "Frans", "en": "Engels", "ar": "Arabisch", "tr": "Turks",
        "pl": "Pools", "ro": "Roemeens", "bg": "Bulgaars", "ru": "Russisch", "uk": "Oekraïens",
        "es": "Spaans", "pt": "Portugees", "it": "Italiaans", "de": "Duits", "so": "Somalisch",
        "ti": "Tigrinya", "am": "Amhaars", "fa": "Perzisch", "ps": "Pasjtoe", "ku": "Koerdisch",
        "ber": "Berbers", "sq": "Albanees", "hi": "Hindi", "ur": "Urdu", "zh": "Chinees",
    },
    "en": {
        "nl": "Dutch", "fr": "French", "en": "English", "ar": "Arabic", "tr": "Turkish",
        "pl": "Polish", "ro": "Romanian", "bg": "Bulgarian", "ru": "Russian", "uk": "Ukrainian",
        "es": "Spanish", "pt": "Portuguese", "it": "Italian", "de": "German", "so": "Somali",
        "ti": "Tigrinya", "am": "Amharic", "fa": "Persian", "ps": "Pashto", "ku": "Kurdish",
        "ber": "Berber", "sq": "Albanian", "hi": "Hindi", "ur": "Urdu", "zh": "Chinese",
    },
}  # fmt: skip
_COMPETENCE_NAMES: Final[dict[str, dict[str, str]]] = {
    "nl": {
        "dutch": "lezen en schrijven in het Nederlands", "maths": "wiskunde",
        "learning": "leren leren en plannen", "homework": "huiswerk",
        "wellbeing": "een luisterend oor", "family": "gezinsondersteuning",
        "career": "studie- en beroepskeuze",
    },
    "en": {
        "dutch": "reading and writing Dutch", "maths": "maths",
        "learning": "learning to learn and planning", "homework": "homework",
        "wellbeing": "a listening ear", "family": "family support", "career": "career choice",
    },
}  # fmt: skip
_DAY_NAMES: Final[dict[str, dict[str, str]]] = {
    "nl": {"mon": "maandag", "tue": "dinsdag", "wed": "woensdag", "thu": "donderdag",
           "fri": "vrijdag", "sat": "zaterdag", "sun": "zondag"},
    "en": {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday",
           "fri": "Friday", "sat": "Saturday", "sun": "Sunday"},
}  # fmt: skip
_PART_NAMES: Final[dict[str, dict[str, str]]] = {
    "nl": {"am": "voormiddag", "lunch": "middagpauze", "pm": "namiddag",
           "after": "na school", "eve": "avond"},
    "en": {"am": "morning", "lunch": "lunch break", "pm": "afternoon",
           "after": "after school", "eve": "evening"},
}  # fmt: skip


@dataclass(frozen=True)
class Texts:
    """Sentence language and label names. Unknown labels are shown as they are."""

    lang: str = "nl"
    languages: Mapping[str, str] = field(default_factory=dict)
    competences: Mapping[str, str] = field(default_factory=dict)
    slots: Mapping[str, str] = field(default_factory=dict)
    # issue 21: sector, study-track and path-tag labels (the programme's own words)
    sectors: Mapping[str, str] = field(default_factory=dict)
    tracks: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.lang not in _TEMPLATES:
            raise ValueError(f"no sentences for language {self.lang!r}")

    def say(self, key: str, **values: object) -> str:
        return _TEMPLATES[self.lang][key].format(**values)

    def language(self, label: str) -> str:
        return self.languages.get(label) or _LANGUAGE_NAMES[self.lang].get(label, label)

    def competence(self, label: str) -> str:
        return self.competences.get(label) or _COMPETENCE_NAMES[self.lang].get(label, label)

    def sector(self, label: str) -> str:
        return self.sectors.get(label, label)

    def track(self, label: str) -> str:
        return self.tracks.get(label, label)

    def tag(self, label: str) -> str:
        return self.tags.get(label, label)

    def slot(self, label: str) -> str:
        if label in self.slots:
            return self.slots[label]
        day, _, part = label.partition("-")
        days, parts = _DAY_NAMES[self.lang], _PART_NAMES[self.lang]
        if day in days and part in parts:
            return f"{days[day]} {parts[part]}"
        return label

    def day(self, value: date | None) -> str:
        """A date as Flemish and English readers both write it (d/m/yyyy)."""
        return f"{value.day}/{value.month}/{value.year}" if value else "?"

    def km(self, metres: int) -> str:
        value = round(metres / 1000, 1)
        text = f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
        return text.replace(".", ",") if self.lang == "nl" else text

    def listing(self, names: Iterable[str]) -> str:
        items = list(names)
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self.say('and')} {items[-1]}"


DUTCH: Final = Texts()


# --------------------------------------------------------------------------------------------
# Output


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a score: its points out of its weight, and why."""

    key: str
    points: int
    max_points: int
    text: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """A feasible partner in a suggestion list (a buddy for a referral, or the reverse)."""

    id: str
    score: int
    parts: tuple[Part, ...]


@dataclass(frozen=True, slots=True)
class Blocked:
    """A partner that meets every hard constraint but one; `score` is what it would score."""

    id: str
    constraint: str
    reason: str
    score: int


@dataclass(frozen=True, slots=True)
class Suggestions:
    id: str  # the referral (or buddy) the suggestions are for
    feasible: tuple[Candidate, ...]
    blocked: tuple[Blocked, ...]
    feasible_count: int
    # when there is no feasible partner: the constraint that left none (see CONSTRAINTS)
    constraint: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class Assignment:
    referral: str
    buddy: str
    score: int
    distance_m: int


@dataclass(frozen=True, slots=True)
class Unmatched:
    referral: str
    constraint: str  # one of CONSTRAINTS, or TAKEN
    reason: str


@dataclass(frozen=True, slots=True)
class Figures:
    matched: int
    unmatched: int
    total_score: int
    mean_score: float
    # over matches that meet in person (online-only matches have no meaningful distance)
    mean_distance_km: float
    objective: int  # the urgency-weighted total the batch maximises (= total_score by default)


@dataclass(frozen=True, slots=True)
class Batch:
    assignments: tuple[Assignment, ...]  # sorted by referral id
    unmatched: tuple[Unmatched, ...]  # sorted by referral id
    figures: Figures


@dataclass(frozen=True, slots=True)
class Pairs:
    """Every feasible pair, as indices into `Problem.referral_ids` / `Problem.buddy_ids`,
    sorted by referral then buddy."""

    referral: npt.NDArray[np.int32]
    buddy: npt.NDArray[np.int32]
    score: npt.NDArray[np.int32]
    distance_m: npt.NDArray[np.int64]
    in_person: BoolArray  # whether the pair can meet in person (else only online)

    def __len__(self) -> int:
        return int(self.referral.shape[0])


# --------------------------------------------------------------------------------------------
# Helpers


class _Vocabulary:
    """Opaque labels -> bit positions, in sorted order so encodings do not depend on input order."""

    def __init__(self, labels: Iterable[str]) -> None:
        self.labels = sorted(set(labels))
        self.index = {label: i for i, label in enumerate(self.labels)}
        self.words = max(1, (len(self.labels) + 63) // 64)

    def encode(self, sets: Sequence[Iterable[str]]) -> npt.NDArray[np.uint64]:
        # one Python integer per set (a label no buddy has can never be shared), then split
        # into 64-bit words: a numpy operation per label would cost seconds at 10x
        index = self.index
        values = [sum(1 << index[x] for x in labels if x in index) for labels in sets]
        mask = (1 << 64) - 1
        masks = np.zeros((len(sets), self.words), dtype=np.uint64)
        for word in range(self.words):
            shift = 64 * word
            masks[:, word] = np.array([(v >> shift) & mask for v in values], dtype=np.uint64)
        return masks


def _any_common(a: npt.NDArray[np.uint64], b: npt.NDArray[np.uint64]) -> BoolArray:
    if a.shape[-1] == 1 and b.shape[-1] == 1:
        return cast(BoolArray, (a[..., 0] & b[..., 0]) != 0)
    return cast(BoolArray, ((a & b) != 0).any(axis=-1))


def _count_common(a: npt.NDArray[np.uint64], b: npt.NDArray[np.uint64]) -> IntArray:
    counts = np.bitwise_count(a & b).astype(np.int64)
    return counts.sum(axis=-1)


def round_metres(km: float | npt.NDArray[np.float64]) -> Any:
    """Kilometres to whole metres, rounded to the nearest metre, halves up."""
    return np.floor(np.asarray(km, dtype=np.float64) * 1000.0 + 0.5).astype(np.int64)


def _ordinal(day: date | None, default: int) -> int:
    return default if day is None else day.toordinal()


def _chord(metres: float) -> float:
    """Straight-line distance through the unit sphere for a great-circle distance."""
    angle = min(metres / _EARTH_RADIUS_M, math.pi)
    return 2.0 * math.sin(angle / 2.0)


# --------------------------------------------------------------------------------------------
# The problem


def _refuse_duplicates(kind: str, sorted_ids: list[str]) -> None:
    for a, b in zip(sorted_ids, sorted_ids[1:], strict=False):
        if a == b:
            raise ValueError(f"duplicate {kind} id {a!r}")


class Problem:
    """Buddies and referrals as arrays, ready for suggestions and batch matching.

    Build it once per queue (the buddy side can be large); every method is read-only, so one
    Problem serves many suggestion calls.
    """

    def __init__(
        self,
        buddies: Sequence[Buddy],
        referrals: Sequence[Referral],
        weights: Weights | None = None,
    ) -> None:
        self.weights = weights or Weights()
        b_order = sorted(range(len(buddies)), key=lambda i: buddies[i].id)
        self.buddies: tuple[Buddy, ...] = tuple(buddies[i] for i in b_order)
        self.buddy_ids = [b.id for b in self.buddies]
        _refuse_duplicates("buddy", self.buddy_ids)
        self._buddy_index = {b: i for i, b in enumerate(self.buddy_ids)}
        self._build_buddies()
        self._set_referrals(referrals)

    def with_referrals(self, referrals: Sequence[Referral]) -> Problem:
        """The same buddies facing other referrals. The buddy arrays (the large, slow side)
        are shared, not rebuilt: every method leaves them as they are. A suggestion page for
        a referral outside the programme's queue asks this of the queue's cached Problem."""
        other = copy.copy(self)
        other._set_referrals(referrals)
        return other

    def _set_referrals(self, referrals: Sequence[Referral]) -> None:
        r_order = sorted(range(len(referrals)), key=lambda i: referrals[i].id)
        self.referrals: tuple[Referral, ...] = tuple(referrals[i] for i in r_order)
        self.referral_ids = [r.id for r in self.referrals]
        _refuse_duplicates("referral", self.referral_ids)
        self._referral_index = {r: i for i, r in enumerate(self.referral_ids)}
        # position of each referral in the input: the greedy pass serves them first-come
        self._arrival = np.empty(len(referrals), dtype=np.int64)
        self._arrival[np.asarray(r_order, dtype=np.int64)] = np.arange(len(referrals))
        self._build_referrals()
        # whether any date bounds a pair (else the availability window test is skipped)
        self._has_dates = bool(
            (self._b_from != _NO_DAY_LOW).any()
            or (self._b_until != _NO_DAY_HIGH).any()
            or (self._r_lo != _NO_DAY_HIGH).any()
            or (self._r_hi != _NO_DAY_LOW).any()
        )
        self._pairs: Pairs | None = None

    # ---- arrays

    def _build_buddies(self) -> None:
        bs = self.buddies
        for b in bs:
            if b.level not in LEVELS:
                raise ValueError(f"buddy {b.id!r}: level must be one of {LEVELS}")
            if b.capacity < 0 or b.active < 0 or b.radius_km < 0:
                raise ValueError(f"buddy {b.id!r}: capacity, active and radius must be >= 0")
            if not b.modes <= set(MODES):
                raise ValueError(f"buddy {b.id!r}: modes must be among {MODES}")
        self._slot_vocab = _Vocabulary(s for b in bs for s in b.slots)
        self._lang_vocab = _Vocabulary(s for b in bs for s in b.languages)
        self._comp_vocab = _Vocabulary(s for b in bs for s in b.competences)
        self._track_vocab = _Vocabulary(s for b in bs for s in b.tracks)
        self._tag_vocab = _Vocabulary(s for b in bs for s in b.tags)
        # a sector as a code: 1.. for the buddies' sectors, 0 for none (never equal to a
        # referral's code, which is -1 for no sector or one no buddy has)
        sectors = sorted({b.sector for b in bs if b.sector is not None})
        self._sector_code = {s: i + 1 for i, s in enumerate(sectors)}
        lat = np.radians(np.array([b.lat for b in bs], dtype=np.float64))
        lon = np.radians(np.array([b.lon for b in bs], dtype=np.float64))
        self._b_lat, self._b_lon, self._b_coslat = lat, lon, np.cos(lat)
        self._b_xyz = _unit_vectors(lat, lon)
        self._b_radius_m = cast(IntArray, round_metres(np.array([b.radius_km for b in bs])))
        self._b_capleft = np.array([b.capacity - b.active for b in bs], dtype=np.int64)
        self._b_approved = np.array([b.approved for b in bs], dtype=np.bool_)
        self._b_available = np.array([b.available for b in bs], dtype=np.bool_)
        self._b_from = np.array(
            [_ordinal(b.available_from, _NO_DAY_LOW) for b in bs], dtype=np.int64
        )
        self._b_until = np.array(
            [_ordinal(b.available_until, _NO_DAY_HIGH) for b in bs], dtype=np.int64
        )
        self._b_screened = np.array([b.screened for b in bs], dtype=np.bool_)
        self._b_modules_ok = np.array([not b.missing_modules for b in bs], dtype=np.bool_)
        self._b_minor_modules_ok = np.array(
            [not b.missing_minor_modules for b in bs], dtype=np.bool_
        )
        self._b_screened_until = np.array(
            [_ordinal(b.screened_until, _NO_DAY_HIGH) for b in bs], dtype=np.int64
        )
        self._b_expert = np.array([b.level == "expert" for b in bs], dtype=np.bool_)
        self._b_modes = np.array([sum(_MODE_BIT[m] for m in b.modes) for b in bs], dtype=np.int64)
        self._b_slots = self._slot_vocab.encode([b.slots for b in bs])
        self._b_langs = self._lang_vocab.encode([b.languages for b in bs])
        self._b_comps = self._comp_vocab.encode([b.competences for b in bs])
        self._b_sector = np.array(
            [self._sector_code[b.sector] if b.sector is not None else 0 for b in bs],
            dtype=np.int64,
        )
        self._b_tracks = self._track_vocab.encode([b.tracks for b in bs])
        self._b_tags = self._tag_vocab.encode([b.tags for b in bs])

    def _build_referrals(self) -> None:
        rs = self.referrals
        for r in rs:
            if r.complexity not in COMPLEXITIES or r.urgency not in URGENCIES:
                raise ValueError(f"referral {r.id!r}: complexity or urgency out of range")
            if not r.modes <= set(MODES):
                raise ValueError(f"referral {r.id!r}: modes must be among {MODES}")
            if r.start and r.end and r.start > r.end:
                raise ValueError(f"referral {r.id!r}: start after end")
        lat = np.radians(np.array([r.lat for r in rs], dtype=np.float64))
        lon = np.radians(np.array([r.lon for r in rs], dtype=np.float64))
        self._r_lat, self._r_lon, self._r_coslat = lat, lon, np.cos(lat)
        self._r_xyz = _unit_vectors(lat, lon)
        # a referral's dates must lie in the buddy's window: lo >= from and hi <= until
        self._r_lo = np.array(
            [_ordinal(r.start or r.end, _NO_DAY_HIGH) for r in rs], dtype=np.int64
        )
        self._r_hi = np.array([_ordinal(r.end or r.start, _NO_DAY_LOW) for r in rs], dtype=np.int64)
        self._r_minor = np.array([r.minor for r in rs], dtype=np.bool_)
        self._r_planned_end = np.array(
            [_ordinal(r.planned_end, _NO_DAY_LOW) for r in rs], dtype=np.int64
        )
        self._r_until = np.array(
            [_ordinal(r.shortest_end or r.planned_end, _NO_DAY_LOW) for r in rs], dtype=np.int64
        )
        self._r_modes = np.array([sum(_MODE_BIT[m] for m in r.modes) for r in rs], dtype=np.int64)
        self._r_slots = self._slot_vocab.encode([r.slots for r in rs])
        self._r_needs = self._comp_vocab.encode([r.needs for r in rs])
        self._r_need_count = np.array([len(r.needs) for r in rs], dtype=np.int64)
        self._r_wants_contact = np.array(
            [r.contact_language is not None for r in rs], dtype=np.bool_
        )
        self._r_contact = self._lang_vocab.encode(
            [[r.contact_language] if r.contact_language else [] for r in rs]
        )
        # the language part rewards a home language beyond the required contact language
        self._r_extra = [r.home_languages - {r.contact_language} for r in rs]
        self._r_has_extra = np.array([bool(e) for e in self._r_extra], dtype=np.bool_)
        self._r_extra_mask = self._lang_vocab.encode(self._r_extra)
        self._r_sector = np.array(
            [self._sector_code.get(r.sector, -1) if r.sector is not None else -1 for r in rs],
            dtype=np.int64,
        )
        self._r_track = self._track_vocab.encode([[r.track] if r.track else [] for r in rs])
        self._r_tags = self._tag_vocab.encode([r.tags for r in rs])
        self._r_tag_count = np.array([len(r.tags) for r in rs], dtype=np.int64)
        complexity = np.array([COMPLEXITIES.index(r.complexity) for r in rs], dtype=np.int64)
        urgency = np.array([r.urgency for r in rs], dtype=np.int64)
        self._r_demand = np.minimum(complexity + (urgency == 3), 2)
        self._r_multiplier = np.array(
            [self.weights.urgency_multiplier(r.urgency) for r in rs], dtype=np.int64
        )

    # ---- the two kernels: hard constraints and score parts over pairs (bi[k], ri[k])

    def _distance_m(self, bi: Index, ri: Index) -> IntArray:
        dlat = self._r_lat[ri] - self._b_lat[bi]
        dlon = self._r_lon[ri] - self._b_lon[bi]
        a = np.sin(dlat * 0.5) ** 2 + self._b_coslat[bi] * self._r_coslat[ri] * (
            np.sin(dlon * 0.5) ** 2
        )
        km = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
        return cast(IntArray, round_metres(km))

    def _evaluate(self, bi: Index, ri: Index, dist_m: IntArray) -> list[BoolArray]:
        """One boolean array per hard constraint, in CONSTRAINTS order."""
        shared_modes = self._b_modes[bi] & self._r_modes[ri]
        in_reach = dist_m <= self._b_radius_m[bi]
        return [
            # approved: R1 screening done by the programme
            np.broadcast_to(self._b_approved[bi], dist_m.shape),
            # available: not paused, and the referral's dates inside the buddy's window
            self._b_available[bi]
            & (self._b_from[bi] <= self._r_lo[ri])
            & (self._r_hi[ri] <= self._b_until[bi]),
            # until (issue 13): the buddy stays available up to the shortest duo allowed
            self._r_until[ri] <= self._b_until[bi],
            # capacity: the buddy has room for one more participant
            np.broadcast_to(self._b_capleft[bi] > 0, dist_m.shape),
            # place (R8): both online, or a shared in-person mode within the buddy's radius
            ((shared_modes & _ONLINE_BIT) != 0)
            | (((shared_modes & _IN_PERSON_BITS) != 0) & in_reach),
            # screening (R2): a minor only with a buddy whose model-2 extract was seen and
            # still counts on the duo's planned end (issue 13)
            ~self._r_minor[ri]
            | (self._b_screened[bi] & (self._r_planned_end[ri] <= self._b_screened_until[bi])),
            # modules (issue 13): the programme's required modules, and those for a minor
            self._b_modules_ok[bi] & (~self._r_minor[ri] | self._b_minor_modules_ok[bi]),
            # slots: at least one weekly time slot in common
            _any_common(self._b_slots[bi], self._r_slots[ri]),
            # language: the buddy speaks the required contact language
            ~self._r_wants_contact[ri] | _any_common(self._b_langs[bi], self._r_contact[ri]),
            # needs (R3): the buddy's competences cover at least one need
            _any_common(self._b_comps[bi], self._r_needs[ri]),
        ]

    def _score_parts(self, bi: Index, ri: Index, dist_m: IntArray) -> list[IntArray]:
        """The integer score parts, in SCORE_PARTS order; they add up to 0..1000."""
        w = self.weights
        shared_modes = self._b_modes[bi] & self._r_modes[ri]
        scale_m = int(round_metres(w.distance_scale_km))
        in_person = (shared_modes & _IN_PERSON_BITS) != 0
        near_points = np.where(
            in_person, w.distance * np.maximum(scale_m - dist_m, 0) // scale_m, 0
        )
        online = (shared_modes & _ONLINE_BIT) != 0
        reachable = in_person & (dist_m <= self._b_radius_m[bi])
        # online: the better of meeting online and meeting in person (when within reach)
        distance = np.where(
            online,
            np.maximum(np.where(reachable, near_points, 0), w.distance * w.online_percent // 100),
            near_points,
        )
        shared_slots = _count_common(self._b_slots[bi], self._r_slots[ri])
        slots = w.slots * np.minimum(shared_slots, w.slots_full) // w.slots_full
        covered = _count_common(self._b_comps[bi], self._r_needs[ri])
        needs = w.needs * covered // np.maximum(self._r_need_count[ri], 1)
        language = np.where(
            self._r_has_extra[ri] & _any_common(self._b_langs[bi], self._r_extra_mask[ri]),
            w.language,
            0,
        )
        junior = np.array(w.junior_fit, dtype=np.int64)[self._r_demand[ri]]
        expert = np.array(w.expert_fit, dtype=np.int64)[self._r_demand[ri]]
        fit = w.fit * np.where(self._b_expert[bi], expert, junior) // 100
        # issue 21: sector fit (mentors), track fit and tag fit (role models)
        sector = np.where(self._b_sector[bi] == self._r_sector[ri], w.sector, 0)
        track = np.where(_any_common(self._b_tracks[bi], self._r_track[ri]), w.track, 0)
        shared_tags = _count_common(self._b_tags[bi], self._r_tags[ri])
        tags = w.tags * shared_tags // np.maximum(self._r_tag_count[ri], 1)
        shape = dist_m.shape
        return [
            np.broadcast_to(np.asarray(p, dtype=np.int64), shape)
            for p in (distance, slots, needs, language, fit, sector, track, tags)
        ]

    # ---- explanations

    def _parts(self, b: int, r: int, texts: Texts) -> tuple[Part, ...]:
        buddy, referral, w = self.buddies[b], self.referrals[r], self.weights
        bi, ri = np.array([b]), np.array([r])
        dist = self._distance_m(bi, ri)
        points = [int(p[0]) for p in self._score_parts(bi, ri, dist)]
        d = int(dist[0])
        shared = buddy.modes & referral.modes
        scale_m = int(round_metres(w.distance_scale_km))
        near_points = w.distance * max(0, scale_m - d) // scale_m
        reachable = bool(shared & set(IN_PERSON_MODES)) and d <= int(self._b_radius_m[b])
        online_points = w.distance * w.online_percent // 100
        if "online" in shared and not (reachable and near_points >= online_points):
            distance = texts.say("distance.online")
        elif "school" in (shared or referral.modes):
            distance = texts.say("distance.school", km=texts.km(d))
        else:
            distance = texts.say("distance.home", km=texts.km(d))
        slots = sorted(buddy.slots & referral.slots, key=_slot_order)
        slot_text = texts.say(
            "slots.one" if len(slots) == 1 else "slots.many",
            n=len(slots),
            slots=texts.listing(texts.slot(s) for s in slots),
        )
        covered = sorted(buddy.competences & referral.needs)
        needs_text = texts.say(
            "needs.all" if len(covered) == len(referral.needs) else "needs.some",
            covered=len(covered),
            total=len(referral.needs),
            needs=texts.listing(texts.competence(c) for c in covered),
        )
        extra = sorted(self._r_extra[r])
        spoken = [x for x in extra if x in buddy.languages]
        if not extra:
            language = texts.say("language.none")
        elif spoken:
            language = texts.say("language.match", language=texts.language(spoken[0]))
        else:
            language = texts.say(
                "language.miss", languages=texts.listing(texts.language(x) for x in extra)
            )
        fit = texts.say(
            "fit",
            level=texts.say(f"level.{buddy.level}"),
            demand=texts.say(f"demand.{int(self._r_demand[r])}"),
        )
        sentences = (
            distance,
            slot_text,
            needs_text,
            language,
            fit,
            self._sector_text(buddy, referral, texts),
            self._track_text(buddy, referral, texts),
            self._tags_text(buddy, referral, texts),
        )
        return tuple(
            Part(key, pts, mx, text)
            for key, pts, mx, text in zip(SCORE_PARTS, points, w.parts(), sentences, strict=True)
            if mx > 0 or key not in OPTIONAL_PARTS
        )

    @staticmethod
    def _sector_text(buddy: Buddy, referral: Referral, texts: Texts) -> str:
        if referral.sector is None:
            return texts.say("sector.none")
        key = "sector.match" if buddy.sector == referral.sector else "sector.miss"
        return texts.say(key, sector=texts.sector(referral.sector))

    @staticmethod
    def _track_text(buddy: Buddy, referral: Referral, texts: Texts) -> str:
        if referral.track is None:
            return texts.say("track.none")
        key = "track.match" if referral.track in buddy.tracks else "track.miss"
        return texts.say(key, track=texts.track(referral.track))

    @staticmethod
    def _tags_text(buddy: Buddy, referral: Referral, texts: Texts) -> str:
        if not referral.tags:
            return texts.say("tags.none")
        shared = sorted(buddy.tags & referral.tags)
        if not shared:
            return texts.say("tags.miss", tags=texts.listing(map(texts.tag, sorted(referral.tags))))
        return texts.say(
            "tags.all" if len(shared) == len(referral.tags) else "tags.some",
            covered=len(shared),
            total=len(referral.tags),
            tags=texts.listing(map(texts.tag, shared)),
        )

    def _block_reason(self, b: int, r: int, constraint: str, texts: Texts) -> str:
        buddy, referral = self.buddies[b], self.referrals[r]
        if constraint == "capacity":
            return texts.say("block.capacity", active=buddy.active, capacity=buddy.capacity)
        if constraint == "until":
            end = referral.shortest_end or referral.planned_end
            return texts.say(
                "block.until", day=texts.day(buddy.available_until), end=texts.day(end)
            )
        if constraint == "modules":
            missing = buddy.missing_modules | (
                buddy.missing_minor_modules if referral.minor else frozenset()
            )
            return texts.say("block.modules", modules=texts.listing(sorted(missing)))
        if constraint == "place":
            shared = buddy.modes & referral.modes
            if shared & set(IN_PERSON_MODES):
                d = int(self._distance_m(np.array([b]), np.array([r]))[0])
                radius = texts.km(int(self._b_radius_m[b]))
                return texts.say("block.place.far", km=texts.km(d), radius=radius)
            modes = texts.listing(texts.say(f"mode.{m}") for m in MODES if m in buddy.modes)
            return texts.say("block.place.mode", modes=modes)
        if constraint == "language":
            return texts.say(
                "block.language", language=texts.language(referral.contact_language or "")
            )
        if constraint == "needs":
            needs = texts.listing(texts.competence(n) for n in sorted(referral.needs))
            return texts.say("block.needs", needs=needs)
        return texts.say(f"block.{constraint}")

    def _none_reason(self, r: int, constraint: str, texts: Texts) -> str:
        referral = self.referrals[r]
        if constraint == "language":
            return texts.say(
                "none.language", language=texts.language(referral.contact_language or "")
            )
        if constraint == "needs":
            needs = texts.listing(texts.competence(n) for n in sorted(referral.needs))
            return texts.say("none.needs", needs=needs)
        return texts.say(f"none.{constraint}")

    # ---- public: one pair

    def referral_index(self, referral_id: str) -> int:
        return self._referral_index[referral_id]

    def buddy_index(self, buddy_id: str) -> int:
        return self._buddy_index[buddy_id]

    def check(self, referral_id: str, buddy_id: str) -> tuple[str, ...]:
        """The hard constraints this pair breaks (empty when it is feasible)."""
        b, r = self.buddy_index(buddy_id), self.referral_index(referral_id)
        bi, ri = np.array([b]), np.array([r])
        masks = self._evaluate(bi, ri, self._distance_m(bi, ri))
        return tuple(c for c, m in zip(CONSTRAINTS, masks, strict=True) if not m[0])

    def explain(self, referral_id: str, buddy_id: str, texts: Texts = DUTCH) -> Candidate:
        """Score and parts of one pair, feasible or not."""
        b, r = self.buddy_index(buddy_id), self.referral_index(referral_id)
        parts = self._parts(b, r, texts)
        return Candidate(buddy_id, sum(p.points for p in parts), parts)

    # ---- public: suggestions

    def suggest_buddies(
        self, referral_id: str, limit: int = 10, blocked_limit: int = 10, texts: Texts = DUTCH
    ) -> Suggestions:
        """The best feasible buddies for one referral, and buddies blocked by one constraint."""
        r = self.referral_index(referral_id)
        ri = np.array([r])
        everyone = slice(None)
        dist = self._distance_m(everyone, ri)
        masks = self._evaluate(everyone, ri, dist)
        parts = self._score_parts(everyone, ri, dist)
        return self._suggest(
            referral_id,
            masks,
            parts,
            limit,
            blocked_limit,
            texts,
            name=lambda k: self.buddy_ids[k],
            explain=lambda k: self._parts(k, r, texts),
            block=lambda k, c: self._block_reason(k, r, c, texts),
            none=lambda c: self._none_reason(r, c, texts),
        )

    def suggest_referrals(
        self, buddy_id: str, limit: int = 10, blocked_limit: int = 10, texts: Texts = DUTCH
    ) -> Suggestions:
        """The referrals that fit one buddy best (the reverse view)."""
        b = self.buddy_index(buddy_id)
        bi = np.array([b])
        everyone = slice(None)
        dist = self._distance_m(bi, everyone)
        masks = self._evaluate(bi, everyone, dist)
        parts = self._score_parts(bi, everyone, dist)
        return self._suggest(
            buddy_id,
            masks,
            parts,
            limit,
            blocked_limit,
            texts,
            name=lambda k: self.referral_ids[k],
            explain=lambda k: self._parts(b, k, texts),
            block=lambda k, c: self._block_reason(b, k, c, texts),
            none=lambda c: texts.say(f"buddy.none.{c}"),
        )

    def _suggest(
        self,
        for_id: str,
        masks: list[BoolArray],
        parts: list[IntArray],
        limit: int,
        blocked_limit: int,
        texts: Texts,
        *,
        name: Any,
        explain: Any,
        block: Any,
        none: Any,
    ) -> Suggestions:
        stack = np.stack(masks)
        n = stack.shape[1]
        score = np.add.reduce(parts)
        feasible = stack.all(axis=0)
        # ties go to the smaller id: indices are in id order, so sort on (-score, index)
        key = (MAX_SCORE - score) * (n + 1) + np.arange(n)
        chosen = _smallest(np.flatnonzero(feasible), key, limit)
        fails = (~stack).sum(axis=0)
        near = _smallest(np.flatnonzero(fails == 1), key, blocked_limit)
        first_fail = np.argmin(stack, axis=0)
        candidates = tuple(Candidate(name(k), int(score[k]), explain(k)) for k in chosen)
        blocked = tuple(
            Blocked(
                name(k),
                CONSTRAINTS[first_fail[k]],
                block(k, CONSTRAINTS[first_fail[k]]),
                int(score[k]),
            )
            for k in near
        )
        constraint = reason = None
        count = int(feasible.sum())
        if count == 0:
            constraint = _cascade(stack)
            reason = none(constraint)
        return Suggestions(for_id, candidates, blocked, count, constraint, reason)

    # ---- public: batch

    def pairs(self) -> Pairs:
        """Every feasible pair with its score (computed once, then cached)."""
        if self._pairs is None:
            self._pairs = self._feasible_pairs()
        return self._pairs

    def _feasible_pairs(self) -> Pairs:
        eligible = np.flatnonzero(self._b_approved & self._b_available & (self._b_capleft > 0))
        chunks: list[tuple[IntArray, ...]] = []
        for bi, ri in self._candidate_pairs(eligible):
            for start in range(0, bi.shape[0], _CHUNK):
                cb, cr = bi[start : start + _CHUNK], ri[start : start + _CHUNK]
                # the same hard constraints as _evaluate (approved, available and capacity
                # hold for every eligible buddy), the cheap integer tests first, so the
                # distance is computed only for the pairs that pass them
                ok = self._pair_rules(cb, cr)
                cb, cr = cb[ok], cr[ok]
                dist = self._distance_m(cb, cr)
                shared = self._b_modes[cb] & self._r_modes[cr]
                in_person = ((shared & _IN_PERSON_BITS) != 0) & (dist <= self._b_radius_m[cb])
                ok = ((shared & _ONLINE_BIT) != 0) | in_person
                cb, cr, dist, in_person = cb[ok], cr[ok], dist[ok], in_person[ok]
                score = np.add.reduce(self._score_parts(cb, cr, dist))
                chunks.append((cr, cb, score, dist, in_person))
        if chunks:
            ri_all, bi_all, score, dist, in_person = (
                np.concatenate(c) for c in zip(*chunks, strict=True)
            )
        else:
            ri_all = bi_all = score = dist = np.zeros(0, dtype=np.int64)
            in_person = np.zeros(0, dtype=np.bool_)
        # the keys are unique, so any sort gives the same order (the default is the fastest)
        n_b = max(len(self.buddies), 1)
        key = ri_all * n_b + bi_all
        if len(self.referrals) * n_b < 2**31:
            key = key.astype(np.int32)  # a 32-bit sort is faster
        order = np.argsort(key)
        return Pairs(
            referral=ri_all[order].astype(np.int32),
            buddy=bi_all[order].astype(np.int32),
            score=score[order].astype(np.int32),
            distance_m=dist[order].astype(np.int64),
            in_person=in_person[order].astype(np.bool_),
        )

    def _pair_rules(self, bi: IntArray, ri: IntArray) -> BoolArray:
        """The hard constraints of _evaluate that need no distance, for eligible buddies
        (approved, available, with a place left): the dates, screening, slots, language,
        needs."""
        ok = _any_common(self._b_slots[bi], self._r_slots[ri])
        ok &= _any_common(self._b_comps[bi], self._r_needs[ri])
        ok &= self._r_until[ri] <= self._b_until[bi]
        ok &= self._b_modules_ok[bi] & (~self._r_minor[ri] | self._b_minor_modules_ok[bi])
        ok &= ~self._r_minor[ri] | (
            self._b_screened[bi] & (self._r_planned_end[ri] <= self._b_screened_until[bi])
        )
        if self._r_wants_contact.any():
            ok &= ~self._r_wants_contact[ri] | _any_common(self._b_langs[bi], self._r_contact[ri])
        if self._has_dates:
            ok &= (self._b_from[bi] <= self._r_lo[ri]) & (self._r_hi[ri] <= self._b_until[bi])
        return ok

    def _candidate_pairs(self, eligible: IntArray) -> Iterable[tuple[IntArray, IntArray]]:
        """Pairs that can meet: within reach for in-person modes (a grid search), or both
        online.

        The two sets are disjoint (pairs where both offer online come only from the second),
        so no pair is evaluated twice. Candidates still go through every hard constraint.
        """
        b_online = (self._b_modes[eligible] & _ONLINE_BIT) != 0
        r_online = (self._r_modes & _ONLINE_BIT) != 0
        b_in_person = eligible[(self._b_modes[eligible] & _IN_PERSON_BITS) != 0]
        r_in_person = np.flatnonzero((self._r_modes & _IN_PERSON_BITS) != 0)
        if b_in_person.size and r_in_person.size:
            r_xyz = self._r_xyz[r_in_person]
            r_tree: list[Any] = []  # the referrals' k-d tree, built once for every bucket
            radius = self._b_radius_m[b_in_person]
            # one search per radius bucket: buckets are the distinct radii when there are
            # few (the usual case), else whole kilometres rounded up
            buckets = radius if np.unique(radius).size <= 64 else -(-radius // 1000) * 1000
            for bucket in np.unique(buckets):
                group = b_in_person[buckets == bucket]
                # 1 m and a relative epsilon of slack: the exact test comes after
                reach = _chord(float(bucket) + 1.0) * (1 + 1e-9) + 1e-12
                found_b, found_r = _pairs_within(self._b_xyz[group], r_xyz, reach, r_tree)
                bi = group[found_b]
                ri = r_in_person[found_r]
                keep = ~(((self._b_modes[bi] & self._r_modes[ri]) & _ONLINE_BIT) != 0)
                yield bi[keep].astype(np.int64), ri[keep].astype(np.int64)
        b_on = eligible[b_online]
        r_on = np.flatnonzero(r_online)
        if b_on.size and r_on.size:
            step = max(1, _CHUNK // b_on.size)
            for start in range(0, r_on.size, step):
                block = r_on[start : start + step]
                yield (
                    np.tile(b_on, block.size).astype(np.int64),
                    np.repeat(block, b_on.size).astype(np.int64),
                )

    def solve(self, texts: Texts = DUTCH) -> Batch:
        """The assignment that matches the most referrals and, among those, has the highest
        total (urgency-weighted) score, under every hard constraint and capacity. Exact."""
        pairs = self.pairs()
        n_r, n_b, n_p = len(self.referrals), len(self.buddies), len(pairs)
        if n_p == 0:
            return self._batch(np.zeros(0, dtype=np.int64), texts)
        # OR-tools loads only when a batch is solved (a start-up cost of ~0.1 s otherwise).
        from ortools.graph.python import min_cost_flow

        flow = min_cost_flow.SimpleMinCostFlow()
        source, sink = 0, 1
        r_node = np.arange(n_r, dtype=np.int32) + 2
        b_node = np.arange(n_b, dtype=np.int32) + 2 + n_r
        weighted = pairs.score.astype(np.int64) * self._r_multiplier[pairs.referral]
        # costs >= 0: every unit of flow crosses exactly one pair arc, so with a maximum flow
        # fixed, minimising sum(top - weighted) maximises the weighted score
        top = MAX_SCORE * int(self._r_multiplier.max())
        tails = np.concatenate([np.full(n_r, source, np.int32), r_node[pairs.referral], b_node])
        heads = np.concatenate([r_node, b_node[pairs.buddy], np.full(n_b, sink, np.int32)])
        capacities = np.concatenate(
            [np.ones(n_r + n_p, np.int64), np.maximum(self._b_capleft, 0).astype(np.int64)]
        )
        costs = np.concatenate([np.zeros(n_r, np.int64), top - weighted, np.zeros(n_b, np.int64)])
        flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
        flow.set_node_supply(source, n_r)
        flow.set_node_supply(sink, -n_r)
        status = flow.solve_max_flow_with_min_cost()
        if status != flow.OPTIMAL:
            raise RuntimeError(f"min-cost flow failed: {status}")
        used = np.asarray(flow.flows(np.arange(n_r, n_r + n_p, dtype=np.int32))) > 0
        return self._batch(np.flatnonzero(used), texts)

    def greedy(self, texts: Texts = DUTCH) -> Batch:
        """First come, first served: referrals in input order each take their best-scoring
        feasible buddy with a place left (ties to the smaller buddy id). For comparison."""
        pairs = self.pairs()
        capacity = np.maximum(self._b_capleft, 0).copy()
        # pairs per referral, best score first, then buddy id
        order = np.lexsort((pairs.buddy, -pairs.score.astype(np.int64), pairs.referral))
        starts = np.searchsorted(pairs.referral[order], np.arange(len(self.referrals) + 1))
        chosen: list[int] = []
        buddy_sorted = pairs.buddy[order]
        for r in np.argsort(self._arrival, kind="stable"):
            lo, hi = int(starts[r]), int(starts[r + 1])
            if lo == hi:
                continue
            free = np.flatnonzero(capacity[buddy_sorted[lo:hi]] > 0)
            if free.size:
                k = lo + int(free[0])
                capacity[buddy_sorted[k]] -= 1
                chosen.append(int(order[k]))
        return self._batch(np.sort(np.array(chosen, dtype=np.int64)), texts)

    def _batch(self, chosen: IntArray, texts: Texts) -> Batch:
        pairs = self.pairs()
        ri, bi = pairs.referral[chosen], pairs.buddy[chosen]
        scores, dist = pairs.score[chosen], pairs.distance_m[chosen]
        assignments = tuple(
            Assignment(self.referral_ids[r], self.buddy_ids[b], int(s), int(d))
            for r, b, s, d in zip(
                ri.tolist(), bi.tolist(), scores.tolist(), dist.tolist(), strict=True
            )
        )
        matched = np.zeros(len(self.referrals), dtype=np.bool_)
        matched[ri] = True
        has_pair = np.zeros(len(self.referrals), dtype=np.bool_)
        has_pair[pairs.referral] = True
        unmatched = []
        for r in np.flatnonzero(~matched).tolist():
            if has_pair[r]:
                constraint = TAKEN
            else:
                r_idx = np.array([r])
                everyone = slice(None)
                stack = np.stack(self._evaluate(everyone, r_idx, self._distance_m(everyone, r_idx)))
                constraint = _cascade(stack)
            unmatched.append(
                Unmatched(self.referral_ids[r], constraint, self._none_reason(r, constraint, texts))
            )
        in_person = pairs.in_person[chosen]
        total = int(scores.sum())
        figures = Figures(
            matched=len(assignments),
            unmatched=len(unmatched),
            total_score=total,
            mean_score=round(total / len(assignments), 1) if assignments else 0.0,
            mean_distance_km=round(float(dist[in_person].mean()) / 1000, 2)
            if in_person.any()
            else 0.0,
            objective=int((scores.astype(np.int64) * self._r_multiplier[ri]).sum()) // 100,
        )
        return Batch(assignments, tuple(unmatched), figures)


_DAY_ORDER: Final = {day: i for i, day in enumerate(_DAY_NAMES["en"])}
_PART_ORDER: Final = {part: i for i, part in enumerate(_PART_NAMES["en"])}


def _slot_order(label: str) -> tuple[int, int, str]:
    """Week order for labels like "wed-pm"; other labels after them, alphabetically."""
    day, _, part = label.partition("-")
    return (_DAY_ORDER.get(day, 99), _PART_ORDER.get(part, 99), label)


# Above this many point pairs, scipy's k-d tree lists the pairs within reach faster than the
# grid (20,000 referrals x 8,000 buddies: 6-9 s against 10-12 s); below, scipy's import
# time is most of the cost (see _pairs_within).
GRID_MAX_PRODUCT = 20_000_000
_NEIGHBOURS: Final = np.array(
    [(dx, dy, dz) for dx in (-1, 0, 1) for dy in (-1, 0, 1) for dz in (-1, 0, 1)],
    dtype=np.int64,
)


def _pairs_within(
    a: Any, b: Any, reach: float, b_tree: list[Any] | None = None
) -> tuple[IntArray, IntArray]:
    """Every index pair (i, j) with |a[i] - b[j]| <= reach (3-D points).

    Up to GRID_MAX_PRODUCT candidate pairs (the 1x instance and every programme's batch):
    a uniform grid of cells of side `reach`. A point within reach of another lies in the
    same cell or one of the 26 around it, so each point of `a` is compared with the points
    of `b` in those 27 cells only (sorted cell keys, one binary search per cell). Plain
    numpy, because importing scipy for its k-d tree costs `buddywerk match` 0.3 s of
    start-up (issue 17, point 5). Beyond that size (all of Flanders at once), and when the
    cells could not be numbered in 64 bits, scipy's k-d tree is faster and its import
    does not matter. `b_tree` keeps the k-d tree of `b` for the next call with the same `b`.
    """
    empty = np.zeros(0, dtype=np.int64)
    if not len(a) or not len(b):
        return empty, empty
    origin = np.minimum(a.min(axis=0), b.min(axis=0))
    cells_a = np.floor((a - origin) / reach).astype(np.int64) + 1  # room for the -1 offset
    cells_b = np.floor((b - origin) / reach).astype(np.int64) + 1
    span = np.maximum(cells_a.max(axis=0), cells_b.max(axis=0)) + 2
    if (
        len(a) * len(b) > GRID_MAX_PRODUCT
        or float(span[0]) * float(span[1]) * float(span[2]) >= 2.0**62
    ):
        from scipy.spatial import cKDTree

        if b_tree is None:
            b_tree = []
        if not b_tree:
            b_tree.append(cKDTree(b))
        found = cKDTree(a).sparse_distance_matrix(b_tree[0], reach, output_type="ndarray")
        return found["i"].astype(np.int64), found["j"].astype(np.int64)

    def key(cells: IntArray) -> IntArray:
        keys: IntArray = (cells[:, 0] * span[1] + cells[:, 1]) * span[2] + cells[:, 2]
        return keys

    order = np.argsort(key(cells_b), kind="stable")
    sorted_keys = key(cells_b)[order]
    reach_sq = reach * reach
    found_a: list[IntArray] = []
    found_b: list[IntArray] = []
    for offset in _NEIGHBOURS:
        wanted = key(cells_a + offset)
        low = np.searchsorted(sorted_keys, wanted, side="left")
        counts = np.searchsorted(sorted_keys, wanted, side="right") - low
        total = int(counts.sum())
        if not total:
            continue
        ia = np.repeat(np.arange(len(a), dtype=np.int64), counts)
        within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
        jb = order[np.repeat(low, counts) + within]
        close = ((a[ia] - b[jb]) ** 2).sum(axis=1) <= reach_sq
        found_a.append(ia[close])
        found_b.append(jb[close].astype(np.int64))
    if not found_a:
        return empty, empty
    return np.concatenate(found_a), np.concatenate(found_b)


def _unit_vectors(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]) -> Any:
    cos_lat = np.cos(lat)
    return np.column_stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)])


def _smallest(indices: npt.NDArray[np.intp], key: IntArray, limit: int) -> list[int]:
    """The `limit` indices with the smallest key, in key order."""
    if limit <= 0 or indices.size == 0:
        return []
    keys = key[indices]
    if indices.size > limit:
        part = np.argpartition(keys, limit - 1)[:limit]
        indices, keys = indices[part], keys[part]
    return [int(i) for i in indices[np.argsort(keys, kind="stable")]]


def _cascade(stack: BoolArray) -> str:
    """Apply the constraints in order; the first after which nobody is left."""
    alive = np.logical_and.accumulate(stack, axis=0).any(axis=1)
    return CONSTRAINTS[int(np.argmin(alive))] if not alive.all() else TAKEN


def solve(
    buddies: Sequence[Buddy], referrals: Sequence[Referral], weights: Weights | None = None
) -> Batch:
    """Shortcut: the optimal batch for these buddies and referrals."""
    return Problem(buddies, referrals, weights).solve()
