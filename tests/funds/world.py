"""A programme with a grant fund, a duo, its school staff and three coordinators."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from buddywerk.access.models import Role, User
from buddywerk.funds import services
from buddywerk.funds.models import Grant, GrantFund
from buddywerk.referrals.models import Pupil
from buddywerk.reports.periods import school_year_of
from buddywerk.trajectories.models import Trajectory
from tests.factories import UserFactory, member
from tests.trajectories.factories import TrajectoryFactory, school_staff_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def upload(content: bytes = PDF, name: str = "bon.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@dataclass
class World:
    duo: Trajectory
    pupil: Pupil
    fund: GrantFund
    buddy: User
    school: User
    coord_a: User
    coord_b: User
    coord_c: User

    def request(self, amount: str = "100.00", actor: User | None = None) -> Grant:
        return services.grant_request(
            trajectory=self.duo,
            pupil=self.pupil,
            purpose="materials",
            amount=amount,
            reason="Tools for the welding course",
            care_coordinator=self.school,
            actor=actor or self.buddy,
        )

    def submitted(self, amount: str = "100.00") -> Grant:
        grant = self.request(amount)
        return services.grant_submit(grant=grant, actor=self.buddy)

    def approved(self, amount: str = "100.00") -> Grant:
        grant = self.submitted(amount)
        services.grant_approve(grant=grant, actor=self.coord_a)
        return services.grant_approve(grant=grant, actor=self.coord_b)

    def paid(self, amount: str = "100.00", on: dt.date | None = None) -> Grant:
        grant = self.approved(amount)
        services.grant_payment_record(
            grant=grant,
            amount=amount,
            payee="parent",
            paid_on=on or timezone.localdate(),
            reference="BW-1",
            actor=self.coord_a,
        )
        grant.refresh_from_db()
        return grant


def make_world(fund_amount: str = "300.00", **duo: object) -> World:
    duo_ = TrajectoryFactory(**duo)
    return _world(duo_, fund_amount)


def _world(duo: Trajectory, fund_amount: str) -> World:
    pupil = duo.participants.get().pupil
    coords = [member(UserFactory(), duo.programme, Role.PROGRAMME_COORDINATOR) for _ in range(3)]
    fund = services.grant_fund_set(
        programme=duo.programme,
        school_year=school_year_of(timezone.localdate()),
        amount=Decimal(fund_amount),
        funder="Stad Mechelen",
        actor=coords[0],
    )
    return World(
        duo=duo,
        pupil=pupil,
        fund=fund,
        buddy=duo.buddy.user,
        school=school_staff_of(duo),
        coord_a=coords[0],
        coord_b=coords[1],
        coord_c=coords[2],
    )
