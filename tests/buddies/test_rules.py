"""R1 eligibility for every kind, R2 minors rule, programmes within reach."""

import pytest
from django.utils import timezone

from buddywerk.buddies import rules
from buddywerk.buddies.models import Buddy, BuddyKind, FieldOfStudy, ScreeningStatus
from buddywerk.geo.models import Municipality
from tests.factories import BuddyFactory, ProgrammeFactory, postcode

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "field", "qualification", "eligible"),
    [
        (BuddyKind.STUDENT_INTERNSHIP, FieldOfStudy.OTHER, "", True),
        (BuddyKind.STUDENT_INTERNSHIP, FieldOfStudy.TEACHER_TRAINING, "", True),
        (BuddyKind.STUDENT, FieldOfStudy.TEACHER_TRAINING, "", True),
        (BuddyKind.STUDENT, FieldOfStudy.SPEECH_THERAPY, "", True),
        (BuddyKind.STUDENT, FieldOfStudy.OCCUPATIONAL_THERAPY, "", True),
        (BuddyKind.STUDENT, FieldOfStudy.OTHER, "", False),
        (BuddyKind.STUDENT, "", "", False),
        (BuddyKind.TEACHER, "", "bachelor", True),
        (BuddyKind.TEACHER, "", "none", False),
        (BuddyKind.TEACHER, "", "", False),
        (BuddyKind.RETIRED_TEACHER, "", "teacher_certificate", True),
        (BuddyKind.RETIRED_TEACHER, "", "none", False),
    ],
)
def test_r1_core_kinds(kind, field, qualification, eligible):
    problems = rules.buddy_eligibility_problems(
        kind=kind, field_of_study=field, teaching_qualification=qualification, programmes=[]
    )
    assert (problems == []) is eligible
    if not eligible:
        assert all(isinstance(p, str) and p for p in problems)


@pytest.mark.parametrize("kind", [BuddyKind.ROLE_MODEL, BuddyKind.SECTOR_MENTOR])
def test_r1_extra_kinds_only_where_a_programme_recruits_them(kind):
    plain = ProgrammeFactory()
    assert rules.buddy_eligibility_problems(kind=kind, programmes=[plain])
    recruiting = ProgrammeFactory(buddy_kinds=[kind, BuddyKind.STUDENT])
    assert rules.buddy_eligibility_problems(kind=kind, programmes=[plain, recruiting]) == []
    assert not rules.programme_recruits_kind(plain, kind)
    assert rules.programme_recruits_kind(recruiting, kind)
    assert not rules.programme_recruits_kind(recruiting, BuddyKind.TEACHER)


def test_r2_minor_rule():
    approved_seen = BuddyFactory(status=ScreeningStatus.APPROVED)
    approved_unseen = BuddyFactory(status=ScreeningStatus.APPROVED, extract_seen_on=None)
    applied_seen = BuddyFactory(status=ScreeningStatus.APPLIED)
    declined_seen = BuddyFactory(status=ScreeningStatus.DECLINED)
    assert rules.buddy_may_meet_minors(approved_seen)
    assert not rules.buddy_may_meet_minors(approved_unseen)
    assert not rules.buddy_may_meet_minors(applied_seen)
    assert not rules.buddy_may_meet_minors(declined_seen)
    allowed = set(rules.buddies_may_meet_minors(Buddy.objects.all()))
    assert allowed == {approved_seen}
    approved_unseen.extract_seen_on = timezone.localdate()
    assert rules.buddy_may_meet_minors(approved_unseen)


def test_programmes_in_reach():
    mechelen = ProgrammeFactory(name="Mechelen")
    gent = ProgrammeFactory(
        name="Gent", municipalities=Municipality.objects.filter(nis_code="44021")
    )
    online = ProgrammeFactory(
        name="Online", meeting_modes=["online"], municipalities=Municipality.objects.none()
    )
    closed = ProgrammeFactory(name="Closed", accepts_buddies=False)
    found = rules.programmes_for(
        kind=BuddyKind.STUDENT, postcode=postcode("2800"), radius_km=5, online_only=False
    )
    assert {p.name for p in found} == {"Mechelen", "Online"}
    found = rules.programmes_for(
        kind=BuddyKind.STUDENT, postcode=postcode("2800"), radius_km=100, online_only=False
    )
    assert {"Mechelen", "Gent"} <= {p.name for p in found}
    found = rules.programmes_for(
        kind=BuddyKind.STUDENT, postcode=None, radius_km=None, online_only=True
    )
    assert "Online" in {p.name for p in found}
    assert "Closed" not in {p.name for p in found}
    assert mechelen and gent and online and closed
