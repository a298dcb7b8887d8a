"""Registration, screening, profile and pause services: rules, audit, mail, nothing stored
on bad input."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from buddywerk.access.models import Membership, Role, User
from buddywerk.buddies import rules, services
from buddywerk.buddies.models import Buddy, BuddyStatusChange, ScreeningStatus
from buddywerk.common.models import AuditEvent
from buddywerk.geo.models import Municipality
from tests.buddies.factories import applicant, coordinated_programme, profile
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def register(programmes, **overrides):
    return services.buddy_register(
        email=overrides.pop("email", "sara@example.org"),
        password="Een-lang-wachtwoord-2026",
        first_name="Sara",
        last_name="Peeters",
        profile=profile(**overrides.pop("profile", {})),
        declaration_accepted=overrides.pop("declaration_accepted", True),
        programmes=programmes,
    )


def test_register_creates_everything_and_sends_verification(django_capture_on_commit_callbacks):
    programme = ProgrammeFactory()
    with django_capture_on_commit_callbacks(execute=True):
        buddy = register([programme])
    assert buddy.status == ScreeningStatus.APPLIED
    assert buddy.declaration_text == rules.DECLARATION_TEXT
    assert "model 2" in buddy.declaration_text
    assert buddy.declaration_accepted_at is not None
    assert list(buddy.programmes.all()) == [programme]
    assert Membership.objects.filter(user=buddy.user, organisation=programme, role=Role.BUDDY)
    assert buddy.user.check_password("Een-lang-wachtwoord-2026")
    assert not EmailAddress.objects.get(user=buddy.user).verified
    assert AuditEvent.objects.filter(action="buddy.register").count() == 1
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    assert mail.outbox[0].to == ["sara@example.org"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"profile": {"field_of_study": "other"}}, "kind"),
        ({"profile": {"kind": "teacher", "teaching_qualification": "none"}}, "kind"),
        ({"profile": {"kind": "role_model", "background": "x"}}, "kind"),
        ({"declaration_accepted": False}, "declaration"),
        ({"profile": {"slots": []}}, "slots"),
        ({"profile": {"capacity": 0}}, "capacity"),
        ({"profile": {"capacity": 4}}, "capacity"),
        ({"profile": {"travel_radius_km": 10_000}}, "travel_radius_km"),
        ({"profile": {"slots": ["sun-am"]}}, "slots"),
        ({"profile": {"home_postcode": None}}, "home_postcode"),
    ],
)
def test_register_refuses_and_stores_nothing(overrides, field):
    programme = ProgrammeFactory()
    with pytest.raises(ValidationError) as exc:
        register([programme], **overrides)
    assert field in exc.value.message_dict
    assert not User.objects.filter(email="sara@example.org").exists()
    assert Buddy.objects.count() == 0
    assert not mail.outbox


def test_register_refuses_a_programme_out_of_reach():
    far = ProgrammeFactory(
        municipalities=Municipality.objects.filter(nis_code="44021"), meeting_modes=["school"]
    )
    with pytest.raises(ValidationError):
        register([far], profile={"travel_radius_km": 5})
    assert Buddy.objects.count() == 0


def test_student_internship_answer_sets_kind():
    programme = ProgrammeFactory()
    buddy = register([programme], profile={"on_internship": True, "field_of_study": "other"})
    assert buddy.kind == "student_internship"


def test_approve_and_decline_mail_and_log(django_capture_on_commit_callbacks):
    programme, coordinator = coordinated_programme()
    first, second = applicant(programme), applicant(programme)
    with django_capture_on_commit_callbacks(execute=True):
        services.buddy_approve(actor=coordinator, buddy=first, programme=programme)
        services.buddy_decline(
            actor=coordinator, buddy=second, programme=programme, reason="Geen plaats meer."
        )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ScreeningStatus.APPROVED
    assert second.status == ScreeningStatus.DECLINED
    assert second.decline_reason == "Geen plaats meer."
    assert len(mail.outbox) == 2
    assert "Geen plaats meer." in mail.outbox[1].body
    assert BuddyStatusChange.objects.filter(buddy=second, to_status="declined").count() == 1
    assert AuditEvent.objects.filter(action="buddy.approve").count() == 1
    # Approved is not enough for a minor (R2).
    assert not rules.buddy_may_meet_minors(first)


def test_forbidden_transitions_and_empty_reason():
    programme, coordinator = coordinated_programme()
    buddy = applicant(programme, status=ScreeningStatus.APPROVED)
    with pytest.raises(ValidationError):
        services.buddy_approve(actor=coordinator, buddy=buddy, programme=programme)
    with pytest.raises(ValidationError):
        services.buddy_reopen(actor=coordinator, buddy=buddy, programme=programme)
    other = applicant(programme)
    with pytest.raises(ValidationError):
        services.buddy_decline(actor=coordinator, buddy=other, programme=programme, reason=" ")
    other.refresh_from_db()
    assert other.status == ScreeningStatus.APPLIED
    elsewhere = applicant(ProgrammeFactory())
    with pytest.raises(ValidationError):
        services.buddy_approve(actor=coordinator, buddy=elsewhere, programme=programme)
    assert BuddyStatusChange.objects.count() == 0


def test_record_extract_then_minor_rule_and_level():
    programme, coordinator = coordinated_programme()
    buddy = applicant(programme, status=ScreeningStatus.APPROVED)
    assert not rules.buddy_may_meet_minors(buddy)
    with pytest.raises(ValidationError):
        services.buddy_record_extract(
            actor=coordinator,
            buddy=buddy,
            programme=programme,
            seen_on=timezone.localdate() + dt.timedelta(days=1),
        )
    buddy = services.buddy_record_extract(
        actor=coordinator, buddy=buddy, programme=programme, seen_on=timezone.localdate()
    )
    assert rules.buddy_may_meet_minors(buddy)
    buddy = services.buddy_set_level(
        actor=coordinator, buddy=buddy, programme=programme, level="expert"
    )
    assert buddy.level == "expert"
    with pytest.raises(ValidationError):
        services.buddy_set_level(actor=coordinator, buddy=buddy, programme=programme, level="x")


def test_update_profile_and_pause():
    programme = ProgrammeFactory()
    buddy = register([programme])
    user = buddy.user
    buddy = services.buddy_update_profile(
        actor=user, buddy=buddy, profile=profile(capacity=3, slots=["fri-eve"])
    )
    assert buddy.capacity == 3 and buddy.slots == ["fri-eve"]
    with pytest.raises(ValidationError):
        services.buddy_update_profile(actor=user, buddy=buddy, profile=profile(slots=[]))
    with pytest.raises(ValidationError):
        services.buddy_update_profile(actor=user, buddy=buddy, profile=profile(capacity=0))
    buddy.refresh_from_db()
    assert buddy.capacity == 3 and buddy.slots == ["fri-eve"]
    assert services.buddy_pause(actor=user, buddy=buddy).is_paused
    assert Buddy.objects.available().filter(pk=buddy.pk).count() == 0
    assert not services.buddy_resume(actor=user, buddy=buddy).is_paused
