"""A map of municipalities drawn on the server as SVG (issue 19 point 2).

One path per municipality, filled by a class of a sequential scale. The colours are
ColorBrewer's YlGnBu (light yellow to dark blue), which ColorBrewer marks safe for the
common colour-vision deficiencies: the classes differ in lightness, not only in hue. A
municipality with a link is an SVG <a> (focusable with the keyboard) holding a <title>,
which is its accessible name and its tooltip. The same numbers are in a table beside the
map: the map adds nothing the table does not say. Nothing is downloaded at run time.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from .shapes import drawing

COLOURS = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494")
ZERO = "#f0f0f0"
HIDDEN = "#bdbdbd"  # a figure not published (a median under five referrals)
OUTSIDE = "#ffffff"
STROKE = "#6b6b6b"


@dataclass(frozen=True)
class Scale:
    """Classes by lower bound: a value falls in the last class whose bound it reaches;
    0 has a class of its own. `labels` are the legend's words for each class."""

    bounds: tuple[float, ...]
    labels: tuple[str, ...]
    zero_label: str = "0"

    def colour(self, value: float | None) -> str:
        if value is None:
            return HIDDEN
        if value == 0:
            return ZERO
        index = 0
        for i, bound in enumerate(self.bounds):
            if value >= bound:
                index = i
        # Spread the classes over the palette so that two classes are never neighbours.
        step = (len(COLOURS) - 1) / max(len(self.bounds) - 1, 1)
        return COLOURS[round(index * step)]

    def legend(self) -> list[tuple[str, str]]:
        entries = [(ZERO, self.zero_label)]
        entries += [
            (self.colour(bound if bound > 0 else math.ulp(0.0)), label)
            for bound, label in zip(self.bounds, self.labels, strict=True)
        ]
        return entries


@dataclass(frozen=True)
class Area:
    nis_code: str
    title: str  # "Mechelen: 12 referrals waiting"
    value: float | None  # None: not published
    href: str = ""


def choropleth(
    areas: Sequence[Area],
    *,
    scale: Scale,
    caption: str,
    map_id: str,
    backdrop: Sequence[str] = (),
    css_class: str = "bw-map",
) -> SafeString:
    """The SVG of the areas; `backdrop` municipalities are drawn blank around them (the
    province's neighbours, the finder's surroundings) without a link or a title."""
    by_code = {area.nis_code: area for area in areas}
    picture = drawing([*by_code, *backdrop])
    blank = format_html_join(
        "",
        '<path d="{}" fill="{}" stroke="#c8c8c8" stroke-width="0.6" aria-hidden="true"></path>',
        ((picture.paths[c], OUTSIDE) for c in backdrop if c in picture.paths and c not in by_code),
    )
    # f-strings and the standard library's escape (what Django's escape wraps): 304
    # municipalities through format_html cost more than the rest of the drawing. The path
    # data are numbers, spaces and the letters M and Z (shapes.py), nothing to escape.
    esc = html.escape
    shapes = []
    for area in areas:
        d = picture.paths.get(area.nis_code)
        if d is None:
            continue
        colour = scale.colour(area.value)
        if area.href:
            shapes.append(
                f'<a href="{esc(str(area.href))}" class="bw-map-area">'
                f"<title>{esc(str(area.title))}</title>"
                f'<path d="{d}" fill="{colour}" stroke="{STROKE}" stroke-width="0.6"></path></a>'
            )
        else:
            shapes.append(
                f'<path d="{d}" fill="{colour}" stroke="{STROKE}" stroke-width="0.6">'
                f"<title>{esc(str(area.title))}</title></path>"
            )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" '
        'class="{}" role="group" aria-labelledby="{}-title" id="{}">'
        '<title id="{}-title">{}</title>{}{}</svg>',
        picture.width,
        picture.height,
        css_class,
        map_id,
        map_id,
        map_id,
        caption,
        blank,
        SafeString("".join(shapes)),  # every interpolated text escaped above
    )
