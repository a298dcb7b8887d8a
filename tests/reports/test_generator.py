"""The synthetic Flanders: reproducible, and never on a database that holds data."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F

from buddywerk.buddies.models import Buddy
from buddywerk.organisations.models import Organisation, OrganisationKind, Service
from buddywerk.referrals.models import Referral
from buddywerk.reports import generator
from buddywerk.reports.figures import Scope, build_report
from buddywerk.reports.periods import final
from buddywerk.trajectories.enums import MeetingStatus
from buddywerk.trajectories.models import DuoMonth, Meeting, Participant, Trajectory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small(monkeypatch):
    """A smaller "scale 1" keeps the tests quick; the shape is the same."""
    monkeypatch.setattr(
        generator,
        "sizes",
        lambda scale: {"programmes": 6, "schools": 12, "buddies": 40, "referrals": 80},
    )


def test_generate_and_refuse_a_second_run():
    call_command("generate", "--scale", "1", "--years", "3", verbosity=0)
    assert Buddy.objects.count() == 40
    assert Referral.objects.count() == 3 * 80  # per school year
    # Every service has its details, so it shows on the services pages (issue 20).
    services = Organisation.objects.filter(kind=OrganisationKind.SERVICE)
    assert services.count() == 6
    assert not services.filter(service__isnull=True).exists()
    assert not Service.objects.filter(municipality__isnull=True).exists()
    statuses = set(Meeting.objects.values_list("status", flat=True))
    assert statuses == {MeetingStatus.HAPPENED, MeetingStatus.CANCELLED, MeetingStatus.PLANNED}
    # Buddies do several duos, one after another, and some duos are small groups.
    assert Trajectory.objects.values("buddy").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert Participant.objects.values("trajectory").annotate(n=Count("pk")).filter(n__gt=1)
    # No buddy has a duo before being approved, nor more duos at once than their capacity
    # allows (the duo that follows starts after the last meeting of the one before).
    assert not Trajectory.objects.filter(planned_start__lt=F("buddy__screened_at__date"))
    # Every closed duo has a reason.
    assert not Trajectory.objects.filter(status="closed", close_reason="").exists()
    report = build_report(Scope(), final(2025))
    assert report.table("meetings").rows[0].values[-1] > 0
    # Meetings written in bulk bypass the services: the generator rebuilds the rollup, and
    # the whole-month report from it equals the report from the meetings.
    assert DuoMonth.objects.exists()
    assert [t.rows for t in report.tables] == [
        t.rows for t in build_report(Scope(), final(2025), from_rollup=False).tables
    ]
    assert report.table("referrals").rows[0].values[-1] > 0
    with pytest.raises(CommandError, match="already holds"):
        call_command("generate", "--scale", "1", verbosity=0)


class _Rollback(Exception):
    pass


def _fingerprint():
    """Generate inside a transaction that is rolled back; return what was made."""
    found = None
    try:
        with transaction.atomic():
            generator.generate(scale=1, seed=7, years=2)
            found = sorted(
                Meeting.objects.values_list(
                    "date", "status", "duration_minutes", "trajectory__programme__name"
                )
            )
            raise _Rollback
    except _Rollback:
        pass
    return found


def test_the_same_seed_gives_the_same_data():
    first = _fingerprint()
    assert first
    assert _fingerprint() == first


def test_long_serving_buddies_renew_their_extract():
    """Buddies renew the criminal-record extract while they keep taking duos, so the daily
    extract check pauses none of the generated running duos of this school year."""
    from django.utils import timezone

    from buddywerk.trajectories.enums import TrajectoryStatus
    from buddywerk.trajectories.safeguarding_services import extracts_expire

    today = timezone.localdate()
    school_year = today.year if today.month >= 9 else today.year - 1
    call_command(
        "generate", "--scale", "1", "--years", "6", "--school-year", str(school_year), verbosity=0
    )
    assert Trajectory.objects.filter(status=TrajectoryStatus.ACTIVE).exists()
    assert not Buddy.objects.filter(extract_seen_on__gt=today).exists()
    # Six years of duos outlast one extract: some buddies have renewed theirs since.
    assert Buddy.objects.filter(extract_seen_on__gt=F("screened_at__date")).exists()
    assert extracts_expire(today=today) == []
