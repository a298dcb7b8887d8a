"""Small public maps (issue 19 point 4): which municipalities a programme covers, and on
the finder's result page the programmes near the place searched. Public facts only (a
programme's coverage area is on its page already): no count of people."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from buddywerk.geo.places import Place, gazetteer
from buddywerk.geo.svgmap import Area, choropleth
from buddywerk.organisations.models import Programme

from .published import PROGRAMME_SCALE


def _backdrop(codes: Iterable[str]) -> list[str]:
    """The served municipalities of the provinces of `codes`: the shapes drawn blank around
    the coloured ones, so the area reads in its place (from memory, no query)."""
    infos = gazetteer().municipalities
    provinces = {infos[c].province_code for c in codes if c in infos}
    return [
        nis for nis, info in infos.items() if info.province_code in provinces and info.is_served
    ]


def _small_map(areas: list[Area], caption: str, map_id: str, codes: Iterable[str]) -> SafeString:
    """A small map of programmes' areas (coloured by how many work there) on the blank
    shapes of their provinces."""
    return choropleth(
        areas,
        scale=PROGRAMME_SCALE,
        caption=caption,
        map_id=map_id,
        backdrop=_backdrop(codes),
        css_class="bw-map bw-map-small",
    )


def _finder_link(nis_code: str) -> str:
    name = gazetteer().municipalities[nis_code].name
    return f"{reverse('organisations:finder')}?{urlencode({'q': name})}"


def programme_map(programme: Programme, codes: Iterable[str]) -> SafeString | None:
    """The programme's coverage area, each municipality a link to the finder there."""
    codes = sorted(set(codes))
    if not codes:
        return None
    infos = gazetteer().municipalities
    areas = [
        Area(
            code,
            _("%(municipality)s: %(programme)s works here")
            % {"municipality": infos[code].name, "programme": programme.name},
            1,
            _finder_link(code),
        )
        for code in codes
        if code in infos
    ]
    caption = _("Where %(programme)s works") % {"programme": programme.name}
    return _small_map(areas, caption, "programme-map", codes)


def finder_map(place: Place, programme_ids: Iterable[int]) -> SafeString | None:
    """The coverage areas of the programmes found, coloured by how many of them work in
    each municipality; the searched municipality is named in its title. One query."""
    ids = list(programme_ids)
    if not ids:
        return None
    counts = Counter(
        Programme.municipalities.through.objects.filter(programme_id__in=ids).values_list(
            "municipality_id", flat=True
        )
    )
    own = place.municipality.nis_code
    infos = gazetteer().municipalities
    codes = sorted(set(counts) | {own})
    areas = []
    for code in codes:
        if code not in infos:
            continue
        title = _("%(municipality)s: %(n)s of the programmes found work here") % {
            "municipality": infos[code].name,
            "n": counts.get(code, 0),
        }
        if code == own:
            title = _("%(title)s (the place you searched)") % {"title": title}
        areas.append(Area(code, title, counts.get(code, 0), _finder_link(code)))
    caption = _("Programmes found near %(place)s") % {"place": place.label}
    return _small_map(areas, caption, "finder-map", codes)
