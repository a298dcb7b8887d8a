"""Issue 15 point 3: the purge anonymises into the archive, and every figure of every past
report stays the same (live rows plus archive rows)."""

import datetime as dt

import pytest
from django.db.models import Count
from django.utils import timezone

from buddywerk.access.models import Membership, Role, User
from buddywerk.buddies.models import Buddy, ScreeningStatus
from buddywerk.buddies.services import buddy_decline
from buddywerk.geo.models import Municipality
from buddywerk.organisations.models import Programme
from buddywerk.privacy import purge
from buddywerk.privacy.account_services import account_anonymise, account_held
from buddywerk.privacy.archive_models import (
    ArchivedDuo,
    ArchivedDuoMonth,
    ArchivedParticipation,
    ArchivedPerson,
    ArchivedReferral,
    ArchivedReferralMove,
    ArchivedScore,
)
from buddywerk.privacy.buddy_services import declined_buddies_purge, extract_facts_purge
from buddywerk.privacy.models import RetentionOverride
from buddywerk.privacy.schedule import DataKind
from buddywerk.referrals.models import Family, Pupil, Referral
from buddywerk.reports import generator
from buddywerk.reports.figures import Scope, build_report
from buddywerk.reports.periods import final, interim
from buddywerk.trajectories.models import Meeting, Participant, Trajectory, WellbeingScore

pytestmark = pytest.mark.django_db

ARCHIVE = (
    ArchivedPerson,
    ArchivedDuo,
    ArchivedDuoMonth,
    ArchivedParticipation,
    ArchivedScore,
    ArchivedReferral,
    ArchivedReferralMove,
)


@pytest.fixture
def world(monkeypatch):
    """Four school years of the synthetic Flanders, small: pupils and families, group
    duos, held, cancelled and planned meetings, scores, every referral status."""
    monkeypatch.setattr(
        generator,
        "sizes",
        lambda scale: {"programmes": 6, "schools": 12, "buddies": 40, "referrals": 80},
    )
    generator.generate(scale=1, seed=11, school_year=2025, years=4)


def _scopes():
    programmes = list(Programme.objects.order_by("pk"))
    provinces = {p.province for p in programmes if p.province is not None}
    schools = Pupil.objects.values("school__municipality")
    return (
        [Scope()]
        + [Scope(province=p) for p in sorted(provinces, key=lambda p: p.code)]
        + [Scope(programme=p) for p in programmes]
        # A city's report (issue 14 point 3): the municipalities of the pupils' schools.
        + [Scope(municipality=m) for m in Municipality.objects.filter(pk__in=schools)[:4]]
    )


def _figures(scopes):
    """Every figure of every interim and final report of the school years 2021-2025, in
    every scope: values and the counts the derived figures rest on."""
    found = {}
    for year in range(2021, 2026):
        for period in (interim(year), final(year)):
            for scope in scopes:
                report = build_report(scope, period)
                found[(year, period.end, scope.label)] = [
                    (table.key, [(str(row.label), row.values, row.parts) for row in table.rows])
                    for table in report.tables
                ]
    return found


def test_purge_keeps_every_figure_of_every_past_report(world):
    # One programme keeps its participants' data shorter: its groups go earlier.
    shorter = Programme.objects.order_by("pk").first()
    RetentionOverride.objects.create(programme=shorter, kind=DataKind.PARTICIPANT, days=60)
    RetentionOverride.objects.create(programme=shorter, kind=DataKind.FOLLOWUP, days=60)
    scopes = _scopes()
    before = _figures(scopes)
    people_before = Pupil.objects.count() + Family.objects.count()

    counts = purge.participants_purge(today=dt.date(2026, 10, 1))

    # A good part went, a good part stays (the duos of the last school year, and those
    # still running), so periods mix live and archived rows.
    assert counts.pupils > 0 and counts.families > 0 and counts.meetings > 0
    assert counts.scores > 0 and counts.referrals > 0
    left = Pupil.objects.count() + Family.objects.count()
    assert 0 < left < people_before
    assert counts.pupils + counts.families == people_before - left
    assert ArchivedPerson.objects.count() == counts.pupils + counts.families
    assert ArchivedDuo.objects.count() == counts.duos
    assert ArchivedScore.objects.count() == counts.scores
    assert ArchivedReferralMove.objects.exists()
    # Group duos are archived whole: a person counted in two duos stays one person.
    assert ArchivedParticipation.objects.values("duo").annotate(n=Count("pk")).filter(n__gt=1)
    # Nothing live refers to what went.
    assert not Participant.objects.filter(trajectory__isnull=True).exists()
    assert Meeting.objects.count() + counts.meetings > counts.meetings
    assert not WellbeingScore.objects.exclude(trajectory__in=Trajectory.objects.all()).exists()

    after = _figures(scopes)
    assert after.keys() == before.keys()
    for key, tables in before.items():
        assert after[key] == tables, key

    # The buddies' own kinds (issue 15 point 2): declining applicants counts in no past
    # figure (the report counts approved buddies only), and after the purge of declined
    # buddies' data and of the extract fact of every buddy who left, every figure is the
    # same: an approved buddy keeps the month the extract was seen, which is all the
    # whole-month periods ask.
    applicants = list(Buddy.objects.filter(status=ScreeningStatus.APPLIED).order_by("pk")[:5])
    assert applicants
    for buddy in applicants:
        buddy_decline(
            actor=None, buddy=buddy, programme=buddy.programmes.first(), reason="Geen plaats."
        )
    assert _figures(scopes) == before
    # Every buddy left: each has a buddy membership that ended (the generator makes none).
    Membership.objects.filter(role=Role.BUDDY).update(is_active=False)
    Membership.objects.bulk_create(
        Membership(user_id=user, organisation_id=programme, role=Role.BUDDY, is_active=False)
        for user, programme in Buddy.objects.exclude(
            user__in=Membership.objects.filter(role=Role.BUDDY).values("user")
        ).values_list("user_id", "programmes")
        if programme is not None
    )
    later = timezone.now() + dt.timedelta(days=400)
    assert declined_buddies_purge(now=later) == len(applicants)
    assert extract_facts_purge(now=later) > 0
    # Only a duo that runs (or a safeguarding hold) keeps more than the month.
    rows = Buddy.objects.values_list("user_id", "extract_dated_on", "extract_seen_on")
    for user, dated, seen in rows:
        if not account_held(user):
            assert dated is None and (seen is None or seen.day == 1)
    assert _figures(scopes) == before

    # Buddies go too (issue 15 point 4): anonymising every buddy whose duos are closed or
    # archived moves no figure (the duos and the archive keep the buddy's kind and
    # training institution).
    anonymised = 0
    for user in User.objects.filter(pk__in=Buddy.objects.values("user_id")):
        if not account_held(user.pk):
            account_anonymise(user=user, kind=DataKind.INACTIVE_ACCOUNT, now=timezone.now())
            anonymised += 1
    assert anonymised > 0
    assert _figures(scopes) == before

    # A second run changes nothing.
    archive = [model.objects.count() for model in ARCHIVE]
    live = (Referral.objects.count(), Trajectory.objects.count(), Meeting.objects.count())
    again = purge.participants_purge(today=dt.date(2026, 10, 1))
    assert again.rows == 0
    assert [model.objects.count() for model in ARCHIVE] == archive
    assert (Referral.objects.count(), Trajectory.objects.count(), Meeting.objects.count()) == live
    assert _figures(scopes) == before
