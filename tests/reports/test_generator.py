"""The synthetic Flanders: reproducible, and never on a database that holds data."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from buddywerk.buddies.models import Buddy
from buddywerk.referrals.models import Referral
from buddywerk.reports import generator
from buddywerk.reports.figures import Scope, build_report
from buddywerk.reports.periods import final
from buddywerk.trajectories.models import Meeting

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
    call_command("generate", "--scale", "1", verbosity=0)
    assert Buddy.objects.count() == 40
    assert Referral.objects.count() == 80
    assert Meeting.objects.exists()
    report = build_report(Scope(), final(2025))
    assert report.table("meetings").rows[0].values[-1] > 0
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
            generator.generate(scale=1, seed=7)
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
