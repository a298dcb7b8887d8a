"""The hand-counted report world plus what the qualitative report needs: an interim period
2025-2026 with two questions, the coordinators of both programmes, a regional coordinator
of Antwerp, the funder and a platform admin."""

from dataclasses import dataclass
from typing import Any

from buddywerk.access.models import Role
from buddywerk.geo.models import Province
from buddywerk.organisations.models import OrganisationKind
from buddywerk.reports.qualitative_services import qualitative_period_open
from tests.factories import OrganisationFactory, UserFactory, member
from tests.reports.world import build

QUESTIONS = [
    "Hoe liep de samenwerking met lerarenopleidingen en scholen in je regio?",
    "Wat werkte goed?",
]


@dataclass
class QualitativeWorld:
    period: Any
    p1: Any
    p2: Any
    van: Any
    coordinator: Any  # of p1
    other_coordinator: Any  # of p2
    regional: Any  # of VAN
    funder: Any
    admin: Any


def build_qualitative() -> QualitativeWorld:
    world = build()
    van = Province.objects.get(code="VAN")
    region = OrganisationFactory(
        name="Regio Antwerpen (rapport)", kind=OrganisationKind.REGION, province=van
    )
    funder_org = OrganisationFactory(name="Vlaanderen (rapport)", kind=OrganisationKind.FUNDER)
    umbrella = OrganisationFactory(name="Koepel (rapport)", kind=OrganisationKind.UMBRELLA)
    coordinator = member(
        UserFactory(email="coord1@example.org", first_name="Greta", last_name="Vandeputte"),
        world.p1,
        Role.PROGRAMME_COORDINATOR,
    )
    other = member(UserFactory(email="coord2@example.org"), world.p2, Role.PROGRAMME_COORDINATOR)
    regional = member(
        UserFactory(email="regio@example.org", first_name="Roel", last_name="Claeskens"),
        region,
        Role.REGIONAL_COORDINATOR,
    )
    funder = member(UserFactory(email="funder@example.org"), funder_org, Role.FUNDER)
    admin = member(
        UserFactory(email="admin@example.org", is_staff=True), umbrella, Role.PLATFORM_ADMIN
    )
    period = qualitative_period_open(
        kind="interim", school_year=2025, questions=QUESTIONS, actor=funder
    )
    return QualitativeWorld(
        period=period,
        p1=world.p1,
        p2=world.p2,
        van=van,
        coordinator=coordinator,
        other_coordinator=other,
        regional=regional,
        funder=funder,
        admin=admin,
    )
