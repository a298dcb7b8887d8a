"""What the map, its table and its CSV publish for a measure (issue 19 points 2-4).

Restricted readers (the funder; anyone the policy marks `report_is_suppressed`) get the
report's rule (docs/reports.md, "Differencing"): every count in its band of five ("0",
"<5", "5-9", ...), demand per free place computed from the middles of the bands, the
median waiting time in whole days and hidden under five referrals. The map's colours are
classes whose bounds are multiples of five, so a colour says no more than the band. The
number of programmes covering a municipality is public (the finder shows it) and exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from buddywerk.geo.svgmap import Scale
from buddywerk.reports.figures import COUNT, band_text
from buddywerk.reports.suppression import SMALL_CELL, band_low, band_middle, is_small

from .measures import MunicipalityMeasures, demand_per_place, is_white_spot

KIND_COUNT = "count"
KIND_DAYS = "days"
KIND_RATIO = "ratio"
KIND_PLAIN = "plain"
NO_FIGURE = "–"

COUNT_SCALE = Scale((1, 5, 10, 20, 50), ("1-4", "5-9", "10-19", "20-49", "50+"))
DAYS_SCALE = Scale((1, 14, 30, 60, 90), ("1-13", "14-29", "30-59", "60-89", "90+"))
RATIO_SCALE = Scale((0.01, 0.5, 1, 2, 4), ("< 0,5", "0,5-1", "1-2", "2-4", "4+"))
PROGRAMME_SCALE = Scale((1, 2, 3), ("1", "2", "3+"))


@dataclass(frozen=True)
class Measure:
    key: str
    label: str | Promise
    kind: str
    scale: Scale


MEASURES = (
    Measure("waiting", _("Referrals waiting"), KIND_COUNT, COUNT_SCALE),
    Measure("median_days", _("Median waiting days"), KIND_DAYS, DAYS_SCALE),
    Measure("buddies", _("Available buddies"), KIND_COUNT, COUNT_SCALE),
    Measure("free_places", _("Free places"), KIND_COUNT, COUNT_SCALE),
    Measure("duos", _("Active duos"), KIND_COUNT, COUNT_SCALE),
    Measure("demand", _("Demand per free place"), KIND_RATIO, RATIO_SCALE),
    Measure("programmes", _("Programmes covering it"), KIND_PLAIN, PROGRAMME_SCALE),
)
BY_KEY = {measure.key: measure for measure in MEASURES}
DEFAULT = "waiting"


@dataclass(frozen=True)
class Cell:
    text: str  # what the table, the title and the CSV say
    value: float | None  # what the colour and the sort use; None: no figure


@dataclass(frozen=True)
class PublishedRow:
    nis_code: str
    name: str
    province_code: str
    cells: dict[str, Cell]
    white_spot: bool

    @property
    def cells_in_order(self) -> list[Cell]:
        return [self.cells[measure.key] for measure in MEASURES]

    @property
    def measure_cells(self) -> list[tuple[Measure, Cell]]:
        return [(measure, self.cells[measure.key]) for measure in MEASURES]


def count_cell(n: int, restricted: bool) -> Cell:
    if not restricted or n == 0:
        return Cell(str(n), float(n))
    if is_small(n):
        return Cell("<5", 1.0)
    return Cell(band_text(n, COUNT), float(band_low(n)))


def ratio_text(value: float | None) -> str:
    if value is None:
        return NO_FIGURE
    if math.isinf(value):
        return str(_("no free place"))
    return number_format(round(value, 1), decimal_pos=1)


def publish(row: MunicipalityMeasures, restricted: bool) -> PublishedRow:
    cells = {
        "waiting": count_cell(row.waiting, restricted),
        "buddies": count_cell(row.buddies, restricted),
        "free_places": count_cell(row.free_places, restricted),
        "duos": count_cell(row.duos, restricted),
        "programmes": Cell(str(row.programmes), float(row.programmes)),
    }
    median = row.median_days
    if median is None or (restricted and row.waiting < SMALL_CELL):
        cells["median_days"] = Cell(NO_FIGURE, None)
    else:
        days = round(median)
        cells["median_days"] = Cell(str(days), float(days))
    if restricted:
        waiting = band_middle(row.waiting)
        demand = demand_per_place(waiting, band_middle(row.free_places))
    else:
        waiting = row.waiting
        demand = row.demand_per_place
    shown = None if demand is None else (1e9 if math.isinf(demand) else demand)
    cells["demand"] = Cell(ratio_text(demand), shown)
    return PublishedRow(
        row.nis_code,
        row.name,
        row.province_code,
        cells,
        is_white_spot(waiting=waiting, programmes=row.programmes, demand=demand),
    )
