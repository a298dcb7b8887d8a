"""Instance files: a matching problem as JSON, so results can be compared with other solvers.

Reads and checks the format documented in docs/matching.md, and writes results and the list
of feasible pairs. Pure like the engine (no Django): the `buddywerk match` command and the
benchmark both use it. Nothing is guessed: a missing or malformed required field is an error
that names the record and the field; fields the engine does not use are ignored.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import IO, Any, cast

import numpy as np

from buddywerk.matching.engine import (
    COMPLEXITIES,
    LEVELS,
    MODES,
    URGENCIES,
    Batch,
    Buddy,
    Problem,
    Referral,
    Weights,
)

MAX_ERRORS = 20


class InstanceError(ValueError):
    """The instance is not valid; `errors` lists every problem found (up to MAX_ERRORS)."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        more = "" if len(errors) < MAX_ERRORS else f"\n(stopped after {MAX_ERRORS} errors)"
        super().__init__("invalid instance:\n" + "\n".join(f"- {e}" for e in errors) + more)


@dataclass(frozen=True)
class Instance:
    buddies: list[Buddy]
    referrals: list[Referral]
    weights: Weights
    # the optional "region" of each record, in the same order (None where it has none)
    buddy_regions: list[str | None] = field(default_factory=list)
    referral_regions: list[str | None] = field(default_factory=list)

    def problem(self) -> Problem:
        return Problem(self.buddies, self.referrals, self.weights)

    def by_region(self) -> list[tuple[str, Instance]]:
        """One instance per region, in region order: each can be solved on its own (issue
        22, point 4), so no more than one region's pairs need to be in memory at once.
        Raises InstanceError when a record has no region."""
        ids: tuple[tuple[str, list[str], list[str | None]], ...] = (
            ("buddies", [b.id for b in self.buddies], self.buddy_regions),
            ("referrals", [r.id for r in self.referrals], self.referral_regions),
        )
        missing = [
            f'{kind}[{i}] (id "{item_id}"): missing field "region"'
            for kind, item_ids, regions in ids
            for i, (item_id, region) in enumerate(zip(item_ids, regions, strict=True))
            if region is None
        ]
        if missing:
            raise InstanceError(missing[:MAX_ERRORS])
        buddies: dict[str, list[Buddy]] = {}
        referrals: dict[str, list[Referral]] = {}
        for buddy, region in zip(self.buddies, self.buddy_regions, strict=True):
            buddies.setdefault(cast(str, region), []).append(buddy)
        for referral, region in zip(self.referrals, self.referral_regions, strict=True):
            referrals.setdefault(cast(str, region), []).append(referral)
        return [
            (
                region,
                Instance(
                    buddies.get(region, []),
                    referrals.get(region, []),
                    self.weights,
                    [region] * len(buddies.get(region, [])),
                    [region] * len(referrals.get(region, [])),
                ),
            )
            for region in sorted(buddies.keys() | referrals.keys())
        ]


class _Stop(Exception):
    """Too many errors: stop reading."""


_MISSING = object()


class _Reader:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")
        if len(self.errors) >= MAX_ERRORS:
            raise _Stop

    def field(
        self,
        record: dict[str, Any],
        where: str,
        name: str,
        check: Callable[[Any], Any],
        expected: str,
        default: Any = _MISSING,
    ) -> Any:
        """The value of `name` passed through `check` (which raises ValueError or TypeError)."""
        if name not in record:
            if default is _MISSING:
                self.fail(where, f'missing required field "{name}"')
            return default
        try:
            return check(record[name])
        except (TypeError, ValueError):
            self.fail(where, f'field "{name}" must be {expected}, got {_show(record[name])}')
            return default if default is not _MISSING else None


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _number(low: float, high: float) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError
        if not (math.isfinite(value) and low <= value <= high):
            raise ValueError
        return float(value)

    return check


def _integer(low: int, high: int | None = None) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError
        if value < low or (high is not None and value > high):
            raise ValueError
        return value

    return check


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise TypeError
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _choice(options: Iterable[str]) -> Callable[[Any], str]:
    allowed = tuple(options)

    def check(value: Any) -> str:
        if value not in allowed:
            raise ValueError
        return str(value)

    return check


def _labels(non_empty: bool = False, among: Iterable[str] | None = None) -> Callable[[Any], Any]:
    allowed = None if among is None else frozenset(among)

    def check(value: Any) -> frozenset[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise TypeError
        if (non_empty and not value) or (allowed is not None and not set(value) <= allowed):
            raise ValueError
        return _label_set(tuple(value))

    return check


@functools.lru_cache(maxsize=1 << 16)
def _label_set(labels: tuple[str, ...]) -> frozenset[str]:
    """One shared frozenset per distinct list of labels: most records repeat a few
    combinations, and at 100x one set per record was most of the instance's memory."""
    return frozenset(labels)


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) != 10:
        raise TypeError
    return date.fromisoformat(value)


LABELS = "a list of non-empty strings"
MODE_LIST = f"a non-empty list of {', '.join(MODES)}"
DAY = "a date YYYY-MM-DD or null"


def _records(
    reader: _Reader, data: dict[str, Any], key: str
) -> Iterator[tuple[str, dict[str, Any]]]:
    items = data.get(key, _MISSING)
    if items is _MISSING:
        reader.fail("instance", f'missing required field "{key}"')
        return
    if not isinstance(items, list):
        reader.fail("instance", f'field "{key}" must be a list, got {_show(items)}')
        return
    for i, record in enumerate(items):
        where = f"{key}[{i}]"
        if not isinstance(record, dict):
            reader.fail(where, f"must be an object, got {_show(record)}")
            continue
        if isinstance(record.get("id"), str) and record["id"]:
            where += f' (id "{record["id"]}")'
        yield where, record


def _buddy(reader: _Reader, where: str, rec: dict[str, Any]) -> Buddy | None:
    f = reader.field
    values = {
        "id": f(rec, where, "id", _text, "a non-empty string"),
        "lat": f(rec, where, "lat", _number(-90, 90), "a number from -90 to 90"),
        "lon": f(rec, where, "lon", _number(-180, 180), "a number from -180 to 180"),
        "radius_km": f(rec, where, "radius_km", _number(0, 20_000), "a number >= 0 (km)"),
        "capacity": f(rec, where, "capacity", _integer(0), "a whole number >= 0"),
        "modes": f(rec, where, "modes", _labels(True, MODES), MODE_LIST),
        "slots": f(rec, where, "slots", _labels(), LABELS),
        "languages": f(rec, where, "languages", _labels(), LABELS),
        "competences": f(rec, where, "competences", _labels(), LABELS),
        "level": f(rec, where, "level", _choice(LEVELS), " or ".join(f'"{v}"' for v in LEVELS)),
        "screened": f(rec, where, "screened", _boolean, "true or false"),
        "approved": f(rec, where, "approved", _boolean, "true or false", True),
        "available": f(rec, where, "available", _boolean, "true or false", True),
        "available_from": f(rec, where, "available_from", _day, DAY, None),
        "available_until": f(rec, where, "available_until", _day, DAY, None),
        "active": f(rec, where, "active", _integer(0), "a whole number >= 0", 0),
        # issue 21 (optional): a mentor's sector, a role model's own tracks and path tags
        "sector": f(rec, where, "sector", _optional_text, "a non-empty string or null", None),
        "tracks": f(rec, where, "tracks", _labels(), LABELS, frozenset()),
        "tags": f(rec, where, "tags", _labels(), LABELS, frozenset()),
    }
    optional = ("available_from", "available_until", "sector")
    if any(v is None for k, v in values.items() if k not in optional):
        return None
    if values["available_from"] and values["available_until"]:
        if values["available_from"] > values["available_until"]:
            reader.fail(where, '"available_from" is after "available_until"')
            return None
    return Buddy(**values)


def _referral(reader: _Reader, where: str, rec: dict[str, Any]) -> Referral | None:
    f = reader.field
    values = {
        "id": f(rec, where, "id", _text, "a non-empty string"),
        "lat": f(rec, where, "lat", _number(-90, 90), "a number from -90 to 90"),
        "lon": f(rec, where, "lon", _number(-180, 180), "a number from -180 to 180"),
        "modes": f(rec, where, "modes", _labels(True, MODES), MODE_LIST),
        "slots": f(rec, where, "slots", _labels(), LABELS),
        "needs": f(rec, where, "needs", _labels(True), "a non-empty list of non-empty strings"),
        "minor": f(rec, where, "minor", _boolean, "true or false"),
        "urgency": f(rec, where, "urgency", _integer(min(URGENCIES), max(URGENCIES)), "1, 2 or 3"),
        "complexity": f(
            rec,
            where,
            "complexity",
            _choice(COMPLEXITIES),
            ", ".join(f'"{c}"' for c in COMPLEXITIES),
        ),
        "contact_language": f(
            rec, where, "contact_language", _optional_text, "a non-empty string or null", None
        ),
        "home_languages": f(rec, where, "home_languages", _labels(), LABELS, frozenset()),
        "start": f(rec, where, "start", _day, DAY, None),
        "end": f(rec, where, "end", _day, DAY, None),
        # issue 21 (optional): the dream's sector, the pupil's study track, path tags asked
        "sector": f(rec, where, "sector", _optional_text, "a non-empty string or null", None),
        "track": f(rec, where, "track", _optional_text, "a non-empty string or null", None),
        "tags": f(rec, where, "tags", _labels(), LABELS, frozenset()),
    }
    optional = ("contact_language", "start", "end", "sector", "track")
    if any(v is None for k, v in values.items() if k not in optional):
        return None
    if values["start"] and values["end"] and values["start"] > values["end"]:
        reader.fail(where, '"start" is after "end"')
        return None
    return Referral(**values)


def _weights(reader: _Reader, data: dict[str, Any]) -> Weights:
    raw = data.get("weights")
    if raw is None:
        return Weights()
    if not isinstance(raw, dict):
        reader.fail("weights", f"must be an object, got {_show(raw)}")
        return Weights()
    known = {f.name for f in fields(Weights)}
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in known:
            continue  # unknown fields are ignored, like everywhere in the file
        if name.endswith("_fit"):
            ok = isinstance(value, list) and all(_is_int(v) for v in value)
            values[name] = tuple(value) if ok else value
        elif name == "distance_scale_km":
            ok = not isinstance(value, bool) and isinstance(value, int | float)
            values[name] = value
        else:
            ok = _is_int(value)
            values[name] = value
        if not ok:
            reader.fail("weights", f'field "{name}" must be a whole number, got {_show(value)}')
            return Weights()
    try:
        return Weights(**values)
    except ValueError as error:
        reader.fail("weights", str(error))
        return Weights()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number in JSON")


def parse_instance(text: str | bytes) -> Instance:
    """Read and check an instance; raises InstanceError naming every bad record and field."""
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except ValueError as error:
        raise InstanceError([f"not valid JSON: {error}"]) from None
    if not isinstance(data, dict):
        raise InstanceError(['the file must hold one JSON object with "buddies" and "referrals"'])
    reader = _Reader()
    buddies: list[Buddy] = []
    referrals: list[Referral] = []
    buddy_regions: list[str | None] = []
    referral_regions: list[str | None] = []
    weights = Weights()
    try:
        for kind, build, out, regions in (
            ("buddies", _buddy, buddies, buddy_regions),
            ("referrals", _referral, referrals, referral_regions),
        ):
            seen: dict[str, str] = {}
            for where, record in _records(reader, data, kind):
                item = build(reader, where, record)
                region = reader.field(
                    record, where, "region", _optional_text, "a non-empty string or null", None
                )
                if item is None:
                    continue
                if item.id in seen:
                    reader.fail(where, f'duplicate id "{item.id}" (also {seen[item.id]})')
                    continue
                seen[item.id] = where
                out.append(item)  # type: ignore[arg-type]
                regions.append(region)
        weights = _weights(reader, data)
    except _Stop:
        pass
    if reader.errors:
        raise InstanceError(reader.errors)
    return Instance(buddies, referrals, weights, buddy_regions, referral_regions)


def load_instance(path: str | Path) -> Instance:
    try:
        text = Path(path).read_bytes()
    except OSError as error:
        raise InstanceError([f"cannot read {path}: {error.strerror}"]) from None
    return parse_instance(text)


def result_document(batch: Batch, greedy: Batch | None = None) -> dict[str, Any]:
    """The result file: matched count, total score, assignments, unmatched with reasons."""
    document: dict[str, Any] = {
        "matched": batch.figures.matched,
        "total_score": batch.figures.total_score,
        "assignments": [
            {"referral": a.referral, "buddy": a.buddy, "score": a.score} for a in batch.assignments
        ],
        "unmatched": [
            {"referral": u.referral, "reason": u.reason, "constraint": u.constraint}
            for u in batch.unmatched
        ],
    }
    if greedy is not None:
        document["greedy"] = {
            "matched": greedy.figures.matched,
            "total_score": greedy.figures.total_score,
            "mean_score": greedy.figures.mean_score,
            "mean_distance_km": greedy.figures.mean_distance_km,
        }
    return document


def result_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def _csv_field(value: str) -> str:
    if any(c in value for c in ',"\r\n'):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow([value])
        return buffer.getvalue()
    return value


def write_pairs(problem: Problem, out: IO[str], *, header: bool = True) -> int:
    """Every feasible pair as CSV `referral,buddy,score`, sorted by referral then buddy.

    Built with numpy string operations: at Flanders scale there are millions of rows.
    """
    pairs = problem.pairs()
    text_type = np.dtypes.StringDType()
    referral = np.array([_csv_field(i) + "," for i in problem.referral_ids], dtype=text_type)
    buddy = np.array([_csv_field(i) + "," for i in problem.buddy_ids], dtype=text_type)
    if header:
        out.write("referral,buddy,score\n")
    step = 1 << 18
    for start in range(0, len(pairs), step):
        chunk = slice(start, start + step)
        lines = np.strings.add(
            np.strings.add(referral[pairs.referral[chunk]], buddy[pairs.buddy[chunk]]),
            pairs.score[chunk].astype(text_type),
        )
        out.write("\n".join(lines.tolist()))
        out.write("\n")
    return len(pairs)
