"""Open data: the published practice sheets (R15), searched and faceted as on the page
"Databank goede praktijken", for anyone, without a token."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import ValidationError

from buddywerk.network import selectors
from buddywerk.network.forms import PracticeSearchForm
from buddywerk.network.models import Practice
from buddywerk.network.search import (
    PracticeFilters,
    practice_facets,
    practice_search_ids,
    practices_in_order,
)

from ..pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_cursor, encode_cursor
from ..problems import PUBLIC, responses
from .open_data import form_errors

router = Router(tags=["open data"])


class Place(Schema):
    nis_code: str
    name: str


class PracticeOut(Schema):
    uuid: UUID
    title: str
    organisation_name: str
    summary: str
    categories: list[str]
    policy_domains: list[str]
    places: list[Place]
    website: str
    contact_email: str


class FacetOption(Schema):
    code: str
    name: str
    count: int


class FacetOut(Schema):
    param: str
    options: list[FacetOption]


class PracticePage(Schema):
    items: list[PracticeOut]
    facets: list[FacetOut]
    next_cursor: str | None


class PracticeQuery(Schema):
    """The page's search fields, under the same names (network.forms.PracticeSearchForm);
    repeat a facet parameter to choose several values."""

    q: str = ""
    category: list[str] = []
    domain: list[str] = []
    province: list[str] = []
    target: list[str] = []
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT


def _practice_out(p: Practice) -> PracticeOut:
    return PracticeOut(
        uuid=p.uuid,
        title=p.title,
        organisation_name=p.organisation_name,
        summary=p.summary,
        categories=[c.slug for c in p.categories.all()],
        policy_domains=[d.slug for d in p.policy_domains.all()],
        places=[Place(nis_code=m.nis_code, name=m.name) for m in p.places.all()],
        website=p.website,
        contact_email=p.contact_email,
    )


@router.get(
    "/practices",
    response=responses({200: PracticePage}, *PUBLIC),
    summary="Search the published practice sheets",
)
def practice_search(request: HttpRequest, query: Query[PracticeQuery]) -> PracticePage:
    """Best match first (or by title without words); each facet counts the sheets of the
    whole result, as on the page."""
    form = PracticeSearchForm(query.dict(exclude={"cursor", "limit"}))
    if not form.is_valid():
        raise form_errors(form)
    if not 1 <= query.limit <= MAX_LIMIT:
        raise ValidationError(
            [{"loc": ["query", "limit"], "msg": f"1..{MAX_LIMIT}", "type": "int_parsing"}]
        )
    data = form.cleaned_data
    ids = practice_search_ids(
        PracticeFilters(
            q=data["q"],
            categories=data["category"],
            policy_domains=data["domain"],
            provinces=data["province"],
            target_groups=data["target"],
        )
    )
    start = decode_cursor(query.cursor) if query.cursor else 0
    window = ids[start : start + query.limit]
    more = start + query.limit < len(ids)
    practices = practices_in_order(window)
    return PracticePage(
        items=[_practice_out(p) for p in practices],
        facets=[
            FacetOut(
                param=facet.param,
                options=[
                    FacetOption(code=str(o.code), name=o.name, count=o.n) for o in facet.options
                ],
            )
            for facet in practice_facets(ids)
        ],
        next_cursor=encode_cursor(start + query.limit) if more else None,
    )


@router.get(
    "/practices/{practice_uuid}",
    response=responses({200: PracticeOut}, 404, 422),
    summary="One published practice sheet",
)
def practice_get(request: HttpRequest, practice_uuid: UUID) -> PracticeOut:
    p = selectors.practice_get_public(practice_uuid=practice_uuid)
    return _practice_out(p)
