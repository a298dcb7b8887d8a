"""The referral state machine: every allowed and every forbidden transition, generated
from the one table (ARCHITECTURE.md 4)."""

import pytest
from django.core.exceptions import PermissionDenied

from buddywerk.access.models import Role
from buddywerk.common.models import AuditEvent
from buddywerk.common.workflow import TransitionNotAllowed
from buddywerk.referrals import services
from buddywerk.referrals.models import Referral, ReferralStatus, ReferralTransition
from buddywerk.referrals.workflow import OPEN_STATUSES, REFERRAL
from tests.factories import ReferralFactory, UserFactory, member

ALL = list(ReferralStatus.values)
ALLOWED = [(a, t.name) for t in REFERRAL.transitions for a in sorted(t.sources)]
FORBIDDEN = [(a, t.name) for t in REFERRAL.transitions for a in ALL if a not in t.sources]


def _service_for(_from_status: str, name: str):
    return services.TRANSITION_SERVICES[name]


def _call(service, referral, actor=None):
    if service is services.referral_submit:
        return service(actor=actor, referral=referral)
    return service(actor=actor, referral=referral, reason="Een reden")


@pytest.mark.django_db
def test_the_table_has_a_path_to_every_status_and_withdrawal_from_every_open_one():
    for status in ALL:
        assert REFERRAL.path(ReferralStatus.DRAFT, status) is not None
    for status in OPEN_STATUSES:
        assert ReferralStatus.WITHDRAWN in REFERRAL.targets_from(status)
    assert REFERRAL.open_states == OPEN_STATUSES
    assert REFERRAL.targets_from(ReferralStatus.MATCHED) >= {ReferralStatus.ACCEPTED}
    assert set(services.TRANSITION_SERVICES) == {t.name for t in REFERRAL.transitions}


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "name"), ALLOWED)
def test_allowed_transition_changes_status_logs_and_audits(from_status, name):
    to_status = REFERRAL[name].target
    referral = ReferralFactory(status=from_status)
    log_before = referral.transitions.count()
    coordinator = member(UserFactory(), referral.programme, Role.PROGRAMME_COORDINATOR)
    staff = member(UserFactory(), referral.referrer, Role.SCHOOL_STAFF)
    actor = (
        staff
        if to_status in (ReferralStatus.SUBMITTED, ReferralStatus.WITHDRAWN)
        else (coordinator)
    )
    result = _call(_service_for(from_status, name), referral, actor)
    referral.refresh_from_db()
    assert referral.status == to_status == result.status
    assert referral.status_changed_at is not None
    assert referral.transitions.count() == log_before + 1
    last = referral.transitions.order_by("at", "id").last()
    assert (last.from_status, last.to_status, last.actor) == (from_status, to_status, actor)
    assert last.transition == name
    assert AuditEvent.objects.filter(
        object_id=str(referral.uuid), actor=actor, action__startswith="referral."
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "name"), FORBIDDEN)
def test_forbidden_transition_is_refused_and_changes_nothing(from_status, name):
    referral = ReferralFactory(status=from_status)
    service = _service_for(from_status, name)
    log_before = ReferralTransition.objects.count()
    with pytest.raises(TransitionNotAllowed) as error:
        _call(service, referral)
    assert "kan niet" in str(error.value.messages[0])  # Dutch, for the user
    referral.refresh_from_db()
    assert referral.status == from_status
    assert ReferralTransition.objects.count() == log_before


@pytest.mark.django_db
def test_accept_does_not_requeue_and_requeue_does_not_accept():
    matched = ReferralFactory(status=ReferralStatus.MATCHED)
    with pytest.raises(TransitionNotAllowed):
        services.referral_accept(actor=None, referral=matched)
    submitted = ReferralFactory()
    with pytest.raises(TransitionNotAllowed):
        services.referral_requeue(actor=None, referral=submitted)
    assert Referral.objects.get(pk=matched.pk).status == ReferralStatus.MATCHED
    assert Referral.objects.get(pk=submitted.pk).status == ReferralStatus.SUBMITTED


@pytest.mark.django_db
def test_decline_needs_a_reason():
    referral = ReferralFactory()
    with pytest.raises(services.ValidationError) as error:
        services.referral_decline(actor=None, referral=referral, reason="  ")
    assert "reden" in str(error.value.message_dict["reason"][0])
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


@pytest.mark.django_db
def test_only_the_programme_triages_and_only_the_referrer_withdraws():
    referral = ReferralFactory()
    staff = member(UserFactory(), referral.referrer, Role.SCHOOL_STAFF)
    other_coordinator = member(
        UserFactory(), ReferralFactory().programme, Role.PROGRAMME_COORDINATOR
    )
    coordinator = member(UserFactory(), referral.programme, Role.PROGRAMME_COORDINATOR)
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=staff, referral=referral)
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=other_coordinator, referral=referral)
    with pytest.raises(PermissionDenied):
        services.referral_withdraw(actor=coordinator, referral=referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.transitions.count() == 1
