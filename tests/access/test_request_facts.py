"""Issue 17 point 4: what every signed-in page needs to know about its user (memberships,
buddy profile status, TOTP authenticator) is read in one query and kept for the request
(policy.read_user_facts); the policy's answers do not change. Query counts only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from buddywerk.access import policy
from buddywerk.access.middleware import has_totp
from buddywerk.access.models import Membership, Role, User
from tests.factories import BuddyFactory, ProgrammeFactory, UserFactory, enrol_totp, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return member(UserFactory(), ProgrammeFactory(), Role.PROGRAMME_COORDINATOR)


@pytest.fixture
def buddy():
    profile = BuddyFactory()
    member(profile.user, ProgrammeFactory(), Role.BUDDY)
    return profile.user


def _fresh(user: User) -> User:
    """The user as a request loads it: nothing cached yet."""
    return User.objects.get(pk=user.pk)


def test_a_signed_in_page_starts_with_three_queries(client, coordinator):
    """Session, user, the user's facts: nothing else before the page's own work (the
    privacy statement has none)."""
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("privacy")).status_code == 200
    assert len(captured) == 3, [q["sql"][:80] for q in captured]


def test_the_totp_check_rides_on_the_facts_query(client, coordinator):
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("trajectories:list")).status_code == 200
    alone = [q for q in captured if q["sql"].startswith('SELECT 1 AS "a" FROM "mfa_')]
    assert not alone
    assert [q for q in captured if '"mfa_authenticator"' in q["sql"]]


def test_a_user_without_totp_is_still_sent_to_set_it_up(client):
    """The answer the middleware reads from the facts query is the real one."""
    user = UserFactory()
    programme = ProgrammeFactory()
    Membership.objects.create(user=user, organisation=programme, role=Role.PROGRAMME_COORDINATOR)
    client.force_login(user)
    response = client.get(reverse("trajectories:list"))
    assert response.status_code == 302
    assert reverse("mfa_activate_totp") in response["Location"]
    enrol_totp(user)
    assert client.get(reverse("trajectories:list")).status_code == 200


@pytest.mark.parametrize("totp", [False, True])
def test_facts_in_one_query(coordinator, buddy, totp):
    for user, status, has in [(coordinator, None, True), (buddy, "approved", False)]:
        fresh = _fresh(user)
        with CaptureQueriesContext(connection) as captured:
            policy.read_user_facts(fresh, totp=totp)
            roles = policy.roles_of(fresh)
            is_buddy = policy.can_edit_own_buddy_profile(fresh)
            answers = policy.can_answer_proposals(fresh)
            if totp:
                assert has_totp(fresh) is has
        assert len(captured) == 1
        assert roles == ({Role.BUDDY} if status else {Role.PROGRAMME_COORDINATOR})
        assert is_buddy is (status is not None)
        assert answers is (status is not None)
        assert policy.is_approved_buddy(fresh) is (status == "approved")


def test_without_memberships_the_profile_is_read_apart():
    """No membership row carries the buddy status: it is read by itself, as before."""
    profile = BuddyFactory()
    fresh = _fresh(profile.user)
    assert policy.roles_of(fresh) == set()
    assert policy.can_edit_own_buddy_profile(fresh)
    assert not policy.can_edit_own_buddy_profile(_fresh(UserFactory()))


def test_the_lead_is_read_once_per_request(coordinator):
    programme_id = next(iter(policy.organisation_ids(coordinator, Role.PROGRAMME_COORDINATOR)))
    fresh = _fresh(coordinator)
    policy.roles_of(fresh)
    with CaptureQueriesContext(connection) as captured:
        # a programme without a lead: every coordinator answers for it
        assert policy.leads_programme_ids(fresh) == {programme_id}
        assert policy.can_see_stale_concerns(fresh)
    assert len(captured) == 1
    other = member(
        UserFactory(),
        policy.Programme.objects.get(pk=programme_id),
        Role.PROGRAMME_COORDINATOR,
        is_lead=True,
    )
    assert policy.leads_programme_ids(_fresh(other)) == {programme_id}
    assert policy.leads_programme_ids(_fresh(coordinator)) == set()
    policy.forget_memberships(fresh)
    assert policy.leads_programme_ids(fresh) == set()


def test_the_own_lead_flag_comes_with_the_facts():
    """A lead of each of their programmes needs no query to know it; a programme they do
    not lead is read apart (does it have a lead?)."""
    led, other = ProgrammeFactory(), ProgrammeFactory()
    lead = member(UserFactory(), led, Role.PROGRAMME_COORDINATOR, is_lead=True)
    fresh = _fresh(lead)
    policy.roles_of(fresh)
    with CaptureQueriesContext(connection) as captured:
        assert policy.leads_programme_ids(fresh) == {led.pk}
    assert len(captured) == 0
    member(lead, other, Role.PROGRAMME_COORDINATOR)
    member(UserFactory(), other, Role.PROGRAMME_COORDINATOR, is_lead=True)
    fresh = _fresh(lead)
    policy.roles_of(fresh)
    with CaptureQueriesContext(connection) as captured:
        assert policy.leads_programme_ids(fresh) == {led.pk}
    assert len(captured) == 1
    # the lead flag of another role in that programme does not make them its lead
    member(lead, other, Role.BUDDY, is_lead=True)
    assert policy.leads_programme_ids(_fresh(lead)) == {led.pk}


@pytest.mark.parametrize("kind", ["pupils", "families", "both"])
def test_family_programmes_come_with_the_facts(kind):
    """Group activities (coordinators) and the sociale kaart (approved buddies) follow the
    programme's participants, read with the memberships: no query of their own."""
    from buddywerk.organisations.models import ParticipantKind

    programme = ProgrammeFactory(participant_kind=kind)
    coordinator = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)
    profile = BuddyFactory()
    member(profile.user, programme, Role.BUDDY)
    families = kind in (ParticipantKind.FAMILIES, ParticipantKind.BOTH)
    fresh_coordinator, fresh_buddy = _fresh(coordinator), _fresh(profile.user)
    policy.roles_of(fresh_coordinator), policy.roles_of(fresh_buddy)
    with CaptureQueriesContext(connection) as captured:
        assert policy.can_plan_group_activities(fresh_coordinator) is families
        assert policy.group_activity_programme_ids(fresh_coordinator) == (
            {programme.pk} if families else set()
        )
        assert policy.can_use_social_map(fresh_buddy) is families
        assert not policy.can_plan_group_activities(fresh_buddy)
    assert len(captured) == 0
