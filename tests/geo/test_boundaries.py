"""The municipal boundaries shipped in data/ (issue 19 point 1, data/SOURCES.md section 4)."""

import csv
import importlib.util
import json
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
BOUNDARIES = DATA / "municipal_boundaries_2025.geojson"
# The suite's autouse fixtures touch the database.
pytestmark = pytest.mark.django_db

SOURCE_CANDIDATES = [
    ROOT.parent / "shared" / "data" / "geo" / "belgium-municipalities-2019.topojson",
    Path("/work/shared/data/geo/belgium-municipalities-2019.topojson"),
]


@pytest.fixture(scope="module")
def collection():
    return json.loads(BOUNDARIES.read_text(encoding="utf-8"))


def served_codes() -> set[str]:
    with (DATA / "municipalities.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {row["nis_code"] for row in rows if row["region_code"] in {"VLG", "BRU"}}


def test_every_flemish_and_brussels_municipality_has_exactly_one_valid_shape(collection):
    codes = [feature["properties"]["nis_code"] for feature in collection["features"]]
    assert len(codes) == len(set(codes)), "a NIS code has more than one shape"
    assert set(codes) == served_codes()
    assert len(codes) == 285 + 19
    for feature in collection["features"]:
        geometry = shape(feature["geometry"])
        assert geometry.geom_type in {"Polygon", "MultiPolygon"}
        assert geometry.is_valid, feature["properties"]["nis_code"]
        assert geometry.area > 0


def test_no_shape_overlaps_another_beyond_the_tolerance(collection):
    tolerance = collection["simplification_tolerance"]
    shapes = [shape(feature["geometry"]) for feature in collection["features"]]
    tree = shapely.STRtree(shapes)
    overlaps = []
    for i, geometry in enumerate(shapes):
        for j in tree.query(geometry, predicate="intersects"):
            if j <= i:
                continue
            area = geometry.intersection(shapes[j]).area
            # Neighbours may share at most a sliver a tolerance wide along their border.
            allowed = tolerance * min(geometry.length, shapes[j].length) * 0.01
            if area > allowed:
                overlaps.append((i, int(j), area))
    assert overlaps == []


def test_merged_municipalities_have_one_shape_under_the_new_code(collection):
    by_code = {f["properties"]["nis_code"]: shape(f["geometry"]) for f in collection["features"]}
    # Borsbeek (11007) joined Antwerpen (11002); Beveren, Kruibeke and Zwijndrecht became
    # 46030: the old codes have no shape, the new one is a single polygon.
    assert not {"11007", "46003", "46013", "11056"} & set(by_code)
    assert by_code["46030"].geom_type == "Polygon"


def _script():
    spec = importlib.util.spec_from_file_location(
        "build_municipal_boundaries", ROOT / "scripts" / "build_municipal_boundaries.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_script_rebuilds_the_shipped_file_and_joins_the_2019_shapes(collection):
    source = next((path for path in SOURCE_CANDIDATES if path.exists()), None)
    if source is None:
        pytest.skip("the shared 2019 TopoJSON is not beside this checkout")
    module = _script()
    rebuilt = json.loads(json.dumps(module.build(source)))
    assert rebuilt == collection
    # Borsbeek's 2019 shape lies inside Antwerpen's 2025 shape (up to the simplification).
    topology = json.loads(source.read_text(encoding="utf-8"))
    arcs = module.decode_arcs(topology)
    (borsbeek,) = [
        module.geometry(arcs, g)
        for g in topology["objects"]["regions"]["geometries"]
        if g["properties"]["NISCODE_2019"] == 11007
    ]
    by_code = {f["properties"]["nis_code"]: shape(f["geometry"]) for f in collection["features"]}
    assert by_code["11002"].contains(borsbeek.representative_point())
    assert by_code["11002"].intersection(borsbeek).area > 0.95 * borsbeek.area
