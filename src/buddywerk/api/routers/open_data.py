"""Open data: what the public finder shows, for anyone, without a token."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import ValidationError

from buddywerk.organisations import selectors
from buddywerk.organisations.forms import FinderForm
from buddywerk.organisations.models import Programme

from ..problems import PUBLIC, responses

router = Router(tags=["open data"])


class Municipality(Schema):
    nis_code: str
    name: str


class Contact(Schema):
    email: str
    phone: str
    website: str


class ProgrammeOut(Schema):
    """A programme as the finder and its public page show it."""

    uuid: UUID
    name: str
    organising_body: str
    description: str
    participant_kind: str
    target_school_years: list[int]
    meeting_modes: list[str]
    buddy_kinds: list[str]
    accepts_buddies: bool
    accepts_referrals: bool
    contact: Contact
    coverage: list[Municipality]


class FoundProgramme(Schema):
    programme: ProgrammeOut
    distance_km: float
    covers_place: bool


class FinderQuery(Schema):
    """The finder's fields (organisations.forms.FinderForm), under the same names."""

    q: str
    km: int | None = None
    participants: str | None = None
    year: int | None = None
    mode: str | None = None


def programme_out(programme: Programme) -> ProgrammeOut:
    """The public fields of a programme whose municipalities are prefetched."""
    return ProgrammeOut(
        uuid=programme.uuid,
        name=programme.name,
        organising_body=programme.organising_body,
        description=programme.description,
        participant_kind=programme.participant_kind,
        target_school_years=list(programme.target_school_years),
        meeting_modes=list(programme.meeting_modes),
        buddy_kinds=list(programme.buddy_kinds),
        accepts_buddies=programme.accepts_buddies,
        accepts_referrals=programme.accepts_referrals,
        contact=Contact(
            email=programme.contact_email,
            phone=programme.contact_phone,
            website=programme.website,
        ),
        coverage=[
            Municipality(nis_code=m.nis_code, name=m.name)
            for m in sorted(programme.municipalities.all(), key=lambda m: m.name)
        ],
    )


def form_errors(form: forms.Form, where: str = "query") -> ValidationError:
    """A Django form's errors as the API's validation error (field by field)."""
    return ValidationError(
        [
            {"loc": [where, field], "msg": str(message), "type": "invalid"}
            for field, messages in form.errors.items()
            for message in messages
        ]
    )


@router.get(
    "/programmes",
    response=responses({200: list[FoundProgramme]}, *PUBLIC),
    summary="Find programmes for a place",
)
def programme_find(request: HttpRequest, filters: Query[FinderQuery]) -> list[FoundProgramme]:
    """The public finder: programmes working in the place (a postcode or a municipality),
    or within `km` of it, closest first; filtered by participants (`pupils`, `families`),
    school year and meeting mode. Validated by the finder's own form."""
    data = {k: v for k, v in filters.dict().items() if v is not None}
    form = FinderForm(data)
    if not form.is_valid():
        raise form_errors(form)
    results = selectors.programme_find(form.criteria())
    prefetch_related_objects([r.programme for r in results], "municipalities")
    return [
        FoundProgramme(
            programme=programme_out(r.programme),
            distance_km=round(r.distance_km, 1),
            covers_place=r.covers_place,
        )
        for r in results
    ]


@router.get(
    "/programmes/{programme_uuid}",
    response=responses({200: ProgrammeOut}, 404, 422),
    summary="One programme",
)
def programme_get(request: HttpRequest, programme_uuid: UUID) -> ProgrammeOut:
    """A programme's public page: its coverage, modes, target school years and contact."""
    return programme_out(selectors.programme_get_public(programme_uuid=programme_uuid))
