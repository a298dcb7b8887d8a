"""The municipal boundaries shipped in data/ (data/SOURCES.md section 4), as SVG paths.

The GeoJSON is read once per process (it changes only with a data update, which is a
deployment) and its coordinates are drawn as they are: they lie in a Mercator-like plane
with y pointing down, which is what SVG wants. No geometry library runs here: the shapes
were simplified by scripts/build_municipal_boundaries.py.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

BOUNDARIES = "municipal_boundaries_2025.geojson"
# The drawing is this many user units wide; one decimal keeps a border within 0.05 unit.
WIDTH = 1000
PADDING = 6


@dataclass(frozen=True)
class Shape:
    nis_code: str
    rings: tuple[tuple[tuple[float, float], ...], ...]
    bbox: tuple[float, float, float, float]  # min x, min y, max x, max y


@dataclass(frozen=True)
class Drawing:
    """The paths of a set of municipalities, fitted to a viewBox WIDTH units wide."""

    width: int
    height: int
    paths: dict[str, str]  # NIS code -> the `d` attribute
    centres: dict[str, tuple[float, float]]  # NIS code -> the middle of its bounding box


@functools.cache
def shapes() -> dict[str, Shape]:
    path = Path(settings.DATA_DIR) / BOUNDARIES
    collection = json.loads(path.read_text(encoding="utf-8"))
    result: dict[str, Shape] = {}
    for feature in collection["features"]:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        rings = tuple(
            tuple((float(x), float(y)) for x, y in ring) for polygon in polygons for ring in polygon
        )
        xs = [x for ring in rings for x, _ in ring]
        ys = [y for ring in rings for _, y in ring]
        code = feature["properties"]["nis_code"]
        result[code] = Shape(code, rings, (min(xs), min(ys), max(xs), max(ys)))
    return result


def drawing(codes: Iterable[str]) -> Drawing:
    return _drawing(tuple(sorted(set(codes))))


@functools.lru_cache(maxsize=64)
def _drawing(codes: tuple[str, ...]) -> Drawing:
    known = shapes()
    chosen = [known[code] for code in codes if code in known]
    if not chosen:
        return Drawing(WIDTH, 1, {}, {})
    min_x = min(s.bbox[0] for s in chosen)
    min_y = min(s.bbox[1] for s in chosen)
    max_x = max(s.bbox[2] for s in chosen)
    max_y = max(s.bbox[3] for s in chosen)
    scale = (WIDTH - 2 * PADDING) / max(max_x - min_x, 1e-9)
    height = round((max_y - min_y) * scale) + 2 * PADDING

    def point(x: float, y: float) -> str:
        return f"{(x - min_x) * scale + PADDING:.1f} {(y - min_y) * scale + PADDING:.1f}"

    paths: dict[str, str] = {}
    centres: dict[str, tuple[float, float]] = {}
    for shape in chosen:
        parts = []
        for ring in shape.rings:
            # The closing point repeats the first: "Z" draws that segment.
            parts.append("M" + " ".join(point(x, y) for x, y in ring[:-1]) + "Z")
        paths[shape.nis_code] = "".join(parts)
        centres[shape.nis_code] = (
            round(((shape.bbox[0] + shape.bbox[2]) / 2 - min_x) * scale + PADDING, 1),
            round(((shape.bbox[1] + shape.bbox[3]) / 2 - min_y) * scale + PADDING, 1),
        )
    return Drawing(WIDTH, height, paths, centres)
