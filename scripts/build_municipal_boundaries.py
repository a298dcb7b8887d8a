"""Build data/municipal_boundaries_2025.geojson from the 2019 municipal TopoJSON.

Run from the repository root (shapely is a dev dependency; the app never imports it):

    uv run python scripts/build_municipal_boundaries.py \
        ../shared/data/geo/belgium-municipalities-2019.topojson

Steps (data/SOURCES.md, section 6):
1. decode the TopoJSON arcs into one shapely polygon per 2019 municipality;
2. keep Flanders and Brussels and join the 2019 shapes that a 2025 merger joined
   (`merged_2025_from` in data/municipalities.csv), keyed by the 2025 NIS code;
3. simplify the 304 shapes together as one coverage (`shapely.coverage_simplify`), so a
   border shared by two municipalities is simplified once and they neither overlap nor
   leave a gap between them;
4. write GeoJSON with coordinates rounded to four decimals (about 5 m).

The source's coordinates are not longitude/latitude although its README says WGS84: they
lie in a plane of a Mercator-like projection with y pointing down (x 477-482, y 248-252
for Belgium; about 79 units a radian, so one unit is about 50 km east-west). They are kept
as they are: the server draws them as SVG, which wants a plane with y down, and nothing
places a point on the map (distances come from the centroids in municipalities.csv).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parent.parent
MUNICIPALITIES_CSV = ROOT / "data" / "municipalities.csv"
OUTPUT = ROOT / "data" / "municipal_boundaries_2025.geojson"
SERVED_REGIONS = {"VLG", "BRU"}
# Tolerance in the source's units (0.003 is about 150 m): keeps the SVG of Flanders and
# Brussels well under 400 KB while small municipalities (Koekelberg, Herstappe) keep a
# recognisable shape.
TOLERANCE = 0.003
DECIMALS = 4


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """The arcs as absolute coordinates (delta-decoded and scaled if quantised)."""
    transform = topology.get("transform")
    arcs: list[list[tuple[float, float]]] = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
            arcs.append(points)
        else:
            arcs.append([(float(x), float(y)) for x, y, *_ in arc])
    return arcs


def ring(arcs: list[list[tuple[float, float]]], indices: list[int]) -> list[tuple[float, float]]:
    """Join arcs into a ring; a negative index ~i means arc i reversed. Consecutive arcs
    share their end point, which is dropped once."""
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def geometry(arcs: list[list[tuple[float, float]]], geom: dict) -> Polygon | MultiPolygon:
    if geom["type"] == "Polygon":
        rings = [ring(arcs, r) for r in geom["arcs"]]
        return Polygon(rings[0], rings[1:])
    if geom["type"] == "MultiPolygon":
        polygons = []
        for polygon in geom["arcs"]:
            rings = [ring(arcs, r) for r in polygon]
            polygons.append(Polygon(rings[0], rings[1:]))
        return MultiPolygon(polygons)
    raise ValueError(f"unexpected geometry type {geom['type']}")


def build(topojson_path: Path, tolerance: float = TOLERANCE) -> dict:
    topology = json.loads(topojson_path.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    shapes_2019: dict[str, Polygon | MultiPolygon] = {}
    for geom in topology["objects"]["regions"]["geometries"]:
        code = str(geom["properties"]["NISCODE_2019"])
        shape = shapely.make_valid(geometry(arcs, geom))
        shapes_2019[code] = shape

    with MUNICIPALITIES_CSV.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["region_code"] in SERVED_REGIONS]

    codes: list[str] = []
    merged: list[Polygon | MultiPolygon] = []
    for row in rows:
        parts = row["merged_2025_from"].split(";") if row["merged_2025_from"] else []
        parts = parts or [row["nis_code"]]
        missing = [code for code in parts if code not in shapes_2019]
        if missing:
            raise SystemExit(f"{row['nis_code']}: no 2019 shape for {missing}")
        # Shared borders come from the same arcs, so the union leaves no seam.
        union = unary_union([shapes_2019[code] for code in parts])
        codes.append(row["nis_code"])
        merged.append(union)

    simplified = shapely.coverage_simplify(merged, tolerance)
    simplified = shapely.set_precision(simplified, 10**-DECIMALS)
    features = []
    for code, row, shape in zip(codes, rows, simplified, strict=True):
        features.append(
            {
                "type": "Feature",
                "properties": {"nis_code": code, "name": row["municipality_nl"]},
                "geometry": _rounded(mapping(shape)),
            }
        )
    return {
        "type": "FeatureCollection",
        "name": "municipalities of Flanders and Brussels, 2025",
        "license": "MIT, (c) 2015 mathiasleroy; see data/LICENSE-municipal-boundaries.txt",
        "coordinate_system": "source plane: Mercator-like, y down, about 50 km a unit",
        "simplification_tolerance": tolerance,
        "features": features,
    }


def _rounded(geom: dict) -> dict:
    def walk(value):
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], (int, float)):
                return [round(float(v), DECIMALS) for v in value]
            return [walk(v) for v in value]
        return value

    return {"type": geom["type"], "coordinates": walk(geom["coordinates"])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topojson", type=Path)
    parser.add_argument("--tolerance", type=float, default=TOLERANCE)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    collection = build(args.topojson, args.tolerance)
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    args.output.write_text(text + "\n", encoding="utf-8")
    print(f"{len(collection['features'])} municipalities, {len(text) // 1024} KB -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
