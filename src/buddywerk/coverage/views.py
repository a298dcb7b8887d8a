"""The coverage map (issue 19): a page per reader's scope, its CSV, and a municipality's
figures. Works without JavaScript; htmx swaps the map and table when a measure is chosen.
Nothing here names a person: every figure is a count."""

from __future__ import annotations

import csv
import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.geo.models import Province
from buddywerk.geo.svgmap import Area, choropleth
from buddywerk.reports.periods import Period

from . import measures as m
from .forms import PeriodForm, period_form, period_of
from .published import BY_KEY, DEFAULT, MEASURES, Measure, PublishedRow, publish
from .scopes import MapScope, scope_for


@dataclass(frozen=True)
class ProvinceLink:
    code: str
    name: str


@dataclass(frozen=True)
class MapPage:
    scope: MapScope
    codes: tuple[str, ...]
    province: Province | None
    measure: Measure
    period: Period
    end: dt.date  # the day of the snapshot measures (the period's end, or today)
    running: bool
    form: PeriodForm
    base: str  # the query of province and period, for the links ("" or "...&")
    period_query: str  # the period alone, for the province links ("" or "...&")
    link: str  # a municipality's figures: .format(nis_code)
    rows: list[PublishedRow]
    svg: SafeString
    table_body: SafeString  # the rows of the table under the map


def _scope(request: AuthenticatedHttpRequest) -> MapScope:
    scope = scope_for(request.user)
    if scope is None:
        raise PermissionDenied
    return scope


def _province(
    request: AuthenticatedHttpRequest, scope: MapScope
) -> tuple[Province | None, tuple[str, ...]]:
    """`?province=VAN` zooms in on one province of the scope; any other is 404."""
    code = request.GET.get("province", "")
    if not code:
        return None, scope.codes
    province = Province.objects.filter(code=code).first()
    known = m.municipalities()
    codes = tuple(
        c
        for c in scope.codes
        if province is not None and c in known and known[c].province_code == province.code
    )
    if not codes:
        raise Http404
    return province, codes


def build_page(
    request: AuthenticatedHttpRequest, scope: MapScope, *, today: dt.date | None = None
) -> MapPage:
    province, codes = _province(request, scope)
    measure = BY_KEY.get(request.GET.get("measure", ""), BY_KEY[DEFAULT])
    today = today or timezone.localdate()
    form = period_form(request.GET, today)
    period = period_of(*form.chosen())
    end, running = m.period_end(period, today)
    found = m.measures(codes, period=period, today=today, programme_ids=scope.programme_ids)
    rows = sorted((publish(row, scope.restricted) for row in found.values()), key=lambda r: r.name)
    query = ({"province": province.code} if province else {}) | form.query()
    # One reverse for every municipality (a NIS code is five digits).
    suffix = f"?{urlencode(query)}" if query else ""
    link = reverse("coverage:municipality", args=["00000"]).replace("00000", "{}") + suffix
    areas = [
        Area(
            row.nis_code,
            f"{row.name}: {measure.label} {row.cells[measure.key].text}",
            row.cells[measure.key].value,
            link.format(row.nis_code),
        )
        for row in rows
    ]
    caption = _("%(measure)s per municipality: %(scope)s") % {
        "measure": measure.label,
        "scope": province.name if province else scope.title,
    }
    svg = choropleth(areas, scale=measure.scale, caption=caption, map_id="coverage-map")
    # Built here rather than in the template: 304 rows of 9 cells, every value escaped
    # (with the standard library's escape, which Django's wraps: the same text, without
    # the lazy-string check that cost a third of the funder's rendering).
    yes = html.escape(_("yes"))
    texts: dict[str, str] = {}  # a cell's text, escaped once: a few hundred distinct
    table_body = mark_safe(  # noqa: S308 - every interpolated value is escaped
        "".join(
            f'<tr><th scope="row"><a href="{html.escape(area.href)}">{html.escape(row.name)}'
            "</a></th>"
            + "".join(
                '<td class="text-end">'
                + (texts.get(c.text) or texts.setdefault(c.text, html.escape(c.text)))
                + "</td>"
                for c in row.cells_in_order
            )
            + f"<td>{yes if row.white_spot else ''}</td></tr>"
            for row, area in zip(rows, areas, strict=True)
        )
    )
    base = f"{urlencode(query)}&" if query else ""
    period_query = f"{urlencode(form.query())}&" if form.query() else ""
    return MapPage(
        scope,
        codes,
        province,
        measure,
        period,
        end,
        running,
        form,
        base,
        period_query,
        link,
        rows,
        svg,
        table_body,
    )


def white_spot_card(
    page: MapPage,
    row: PublishedRow,
    programmes: list[m.Nearby],
    institutions: Sequence[m.Nearby],
    labels: dict[str, str] | None = None,
) -> str:
    """One white spot beside the map, as HTML (every value escaped). Built here rather
    than in the template: a hundred cards at N=10 cost the template engine 100 ms.
    `labels`: the escaped words of a card (card_labels()), translated once per page."""
    words = labels or card_labels()
    esc = html.escape
    none = f"<li>{words['none']}</li>"
    near_programmes = "".join(
        f'<li><a href="{esc(n.url)}">{esc(n.name)}</a> ({n.km_rounded} km)</li>' for n in programmes
    )
    near_institutions = "".join(f"<li>{esc(n.name)} ({n.km_rounded} km)</li>" for n in institutions)
    return (
        '<div class="bw-card mb-2">'
        f'<h3 class="h5"><a href="{esc(page.link.format(row.nis_code))}">'
        f"{esc(row.name)}</a></h3>"
        f'<p class="mb-1">{words["waiting"]}: {esc(row.cells["waiting"].text)}'
        f" · {words['free']}: {esc(row.cells['free_places'].text)}</p>"
        f'<p class="mb-1">{words["programmes"]}:</p>'
        f'<ul class="mb-1">{near_programmes or none}</ul>'
        f'<p class="mb-1">{words["institutions"]}:'
        f'</p><ul class="mb-0">{near_institutions or none}</ul></div>'
    )


def card_labels() -> dict[str, str]:
    return {
        key: html.escape(text)
        for key, text in (
            ("none", _("none")),
            ("waiting", _("Referrals waiting")),
            ("free", _("Free places")),
            ("programmes", _("Nearest programmes")),
            ("institutions", _("Teacher-training institutions nearby, to recruit buddies")),
        )
    }


@require_GET
def coverage_map(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = _scope(request)
    page = build_page(request, scope)
    areas = m.programme_areas()  # always: the same queries with or without white spots
    labels = card_labels()
    cards = [
        white_spot_card(
            page,
            row,
            m.nearest_programmes(row.nis_code, areas),
            m.institutions_near(row.nis_code),
            labels,
        )
        for row in page.rows
        if row.white_spot
    ]
    known = m.municipalities()
    provinces = sorted(
        {
            ProvinceLink(known[c].province_code, known[c].province_name)
            for c in scope.codes
            if c in known
        },
        key=lambda p: (p.name, p.code),
    )
    context = {
        "page": page,
        "measures": MEASURES,
        "white_spots": mark_safe("".join(cards)),  # noqa: S308 - built escaped
        "provinces": provinces if len(scope.codes) > 1 else [],
        "threshold": m.DEMAND_THRESHOLD,
    }
    template = "coverage/map.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#map"
    return render(request, template, context)


@require_GET
def coverage_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The table under the map, every measure, exactly as published on the page."""
    scope = _scope(request)
    page = build_page(request, scope)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"coverage-{page.period.start.isoformat()}-{page.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(
        [
            _("NIS code"),
            _("Municipality"),
            *[str(measure.label) for measure in MEASURES],
            _("White spot"),
        ]
    )
    for row in page.rows:
        writer.writerow(
            [
                row.nis_code,
                row.name,
                *[row.cells[measure.key].text for measure in MEASURES],
                _("yes") if row.white_spot else _("no"),
            ]
        )
    return response


@require_GET
def coverage_municipality(request: AuthenticatedHttpRequest, nis_code: str) -> HttpResponse:
    """One municipality's figures, the target of its link on the map; a municipality
    outside the reader's scope does not exist for them (404)."""
    scope = _scope(request)
    if nis_code not in scope.codes:
        raise Http404
    today = timezone.localdate()
    form = period_form(request.GET, today)
    period = period_of(*form.chosen())
    end, running = m.period_end(period, today)
    found = m.measures([nis_code], period=period, today=today, programme_ids=scope.programme_ids)
    row = publish(found[nis_code], scope.restricted)
    measured = found[nis_code]
    points = m.municipality_points()
    context = {
        "row": row,
        "measures": MEASURES,
        "scope": scope,
        "period": period,
        "end": end,
        "running": running,
        "nearest_programmes": m.nearest_programmes(nis_code, m.programme_areas()),
        "nearest_institutions": m.nearest_institutions(measured, points),
        "back": reverse("coverage:map") + (f"?{request.GET.urlencode()}" if request.GET else ""),
    }
    return render(request, "coverage/municipality.html", context)
