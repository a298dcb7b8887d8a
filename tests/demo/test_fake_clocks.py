"""The fake clocks the demo needs to put its history in the past, given to the services
that had none: referral transitions (`now`), buddy registration (`now`), event
registration (`now`) and the Q&A review (`today`)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.buddies import services as buddy_services
from buddywerk.buddies.models import BuddyStatusChange
from buddywerk.learning import services as learning_services
from buddywerk.network import services as network_services
from buddywerk.network.models import Question
from buddywerk.organisations.models import OrganisationKind
from buddywerk.referrals import services as referral_services
from buddywerk.referrals.models import ReferralStatus
from tests.buddies.factories import profile
from tests.factories import (
    BuddyFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ReferralFactory,
    UserFactory,
    member,
)
from tests.learning.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_referral_transitions_happen_at_the_moment_given():
    referral = ReferralFactory(draft=True)
    submitted = timezone.now() - dt.timedelta(days=30)
    accepted = submitted + dt.timedelta(days=2)
    referral_services.referral_submit(actor=None, referral=referral, now=submitted)
    referral_services.referral_accept(actor=None, referral=referral, now=accepted)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.submitted_at == submitted
    assert referral.status_changed_at == accepted
    assert referral.waiting_days == 30
    assert [t.at for t in referral.transitions.order_by("at")] == [submitted, accepted]


def _register(programme, email, **clock):
    return buddy_services.buddy_register(
        email=email,
        password="Een-lang-wachtwoord-2026",
        first_name="Lina",
        last_name="Lezen",
        profile=profile(),
        declaration_accepted=True,
        programmes=[programme],
        **clock,
    )


def test_a_buddy_registration_on_a_fake_clock_carries_its_date():
    programme = ProgrammeFactory()
    moment = timezone.now() - dt.timedelta(days=12)
    buddy = _register(programme, "lina@example.org", now=moment)
    buddy.refresh_from_db()
    assert buddy.created_at == moment
    assert buddy.declaration_accepted_at == moment
    assert BuddyStatusChange.objects.get(buddy=buddy).at == moment


def test_a_buddy_registers_for_an_event_before_its_deadline_on_a_fake_clock():
    programme = ProgrammeFactory()
    user = member(BuddyFactory(programmes=[programme]).user, programme, Role.BUDDY)
    event = EventFactory()
    event.registration_deadline = timezone.now() - dt.timedelta(days=1)
    event.save()
    with pytest.raises(ValidationError):
        learning_services.registration_create(actor=user, event=event)
    before = timezone.now() - dt.timedelta(days=3)
    registration = learning_services.registration_create(actor=user, event=event, now=before)
    assert registration.transitions.get().at == before


def test_a_question_is_reviewed_on_the_day_given():
    umbrella = OrganisationFactory(kind=OrganisationKind.UMBRELLA)
    admin = member(UserFactory(is_staff=True), umbrella, Role.PLATFORM_ADMIN)
    day = timezone.localdate() - dt.timedelta(days=90)
    question = network_services.question_save(
        actor=admin,
        question=Question(),
        fields={
            "audience": "buddies",
            "question": "Hoe lang duurt een traject?",
            "answer": "Lang.",
        },
        today=day,
    )
    assert question.last_reviewed_on == day
