"""Issue 11, point 2: a declined (or withdrawn) buddy loses programme access in the same
transaction as the decision. The buddy memberships end, the calendar link goes, and the
policy asks for an approved buddy wherever a buddy's rights are meant: internal events,
registrations, duos, proposals. Public pages stay public; the own profile stays readable."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from buddywerk.access import policy
from buddywerk.access.models import Membership, Role
from buddywerk.buddies import services
from buddywerk.buddies.models import ScreeningStatus
from buddywerk.common.models import AuditEvent
from buddywerk.learning import services as learning_services
from buddywerk.learning.models import CalendarFeed, Event, EventKind, Registration
from buddywerk.matching.models import Proposal
from buddywerk.organisations.models import School
from buddywerk.trajectories import services as duo_services
from buddywerk.trajectories.models import Trajectory
from tests.buddies.factories import applicant, coordinated_programme
from tests.factories import ProgrammeFactory, UserFactory, member
from tests.learning.factories import EventFactory, ModuleFactory
from tests.matching.helpers import open_proposal
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db


def _fresh(user):
    """The user as the next request loads it (the policy caches roles per request)."""
    return type(user).objects.get(pk=user.pk)


def _joined(programme, status=ScreeningStatus.APPLIED, *also):
    """A person who applied to `programme` (and `also`), with the buddy memberships that
    registration gives."""
    buddy = applicant(programme, status=status)
    member(buddy.user, programme, Role.BUDDY)
    for other in also:
        buddy.programmes.add(other)
        member(buddy.user, other, Role.BUDDY)
    return buddy


def test_declining_ends_every_buddy_membership_and_the_calendar_link_at_once():
    programme, coordinator = coordinated_programme()
    second = ProgrammeFactory()
    buddy = _joined(programme, ScreeningStatus.APPROVED, second)
    learning_services.calendar_feed_reset(actor=buddy.user)
    services.buddy_decline(
        actor=coordinator, buddy=buddy, programme=programme, reason="Geen uittreksel."
    )
    memberships = Membership.objects.filter(user=buddy.user, role=Role.BUDDY)
    assert memberships.count() == 2
    assert not memberships.filter(is_active=True).exists()
    assert not CalendarFeed.objects.filter(buddy=buddy).exists()
    assert AuditEvent.objects.filter(action="membership.revoke", actor=coordinator).count() == 2
    assert policy.roles_of(_fresh(buddy.user)) == set()
    # Reopened: back in the queue with the memberships, not yet with an approved buddy's
    # rights.
    services.buddy_reopen(actor=coordinator, buddy=buddy, programme=programme)
    assert memberships.filter(is_active=True).count() == 2
    assert not policy.is_approved_buddy(_fresh(buddy.user))
    assert not policy.can_register_for_events(_fresh(buddy.user))


def test_a_declined_applicant_no_longer_sees_or_joins_the_programmes_meetups(client):
    programme, coordinator = coordinated_programme()
    buddy = _joined(programme)
    meetup = EventFactory(kind=EventKind.MEETUP, programme=programme, title="Buddymoment mei")
    flemish = EventFactory(title="Intervisie voor iedereen")
    services.buddy_decline(
        actor=coordinator, buddy=buddy, programme=programme, reason="Geen uittreksel."
    )
    client.force_login(buddy.user)
    assert client.get(f"/learning/events/{meetup.uuid}/").status_code == 404
    assert "Buddymoment mei" not in client.get("/learning/events/").content.decode()
    assert client.post(f"/learning/events/{meetup.uuid}/register/").status_code == 403
    assert client.post(f"/learning/events/{flemish.uuid}/register/").status_code == 403
    user = _fresh(buddy.user)
    for event in (meetup, flemish):
        with pytest.raises(PermissionDenied):
            learning_services.registration_create(actor=user, event=event)
    assert not Registration.objects.exists()
    # Public pages stay public, and the own profile stays readable.
    assert client.get(f"/programmes/{programme.uuid}/").status_code == 200
    assert client.get("/buddies/profile/").status_code == 200


def test_the_policy_asks_for_approval_even_where_an_old_membership_was_left_active():
    """A person declined before this fix kept an active buddy membership: the predicates
    refuse them anyway; an unscreened applicant is refused the same way."""
    programme = ProgrammeFactory()
    meetup = EventFactory(kind=EventKind.MEETUP, programme=programme)
    module = ModuleFactory()
    declined = _joined(programme, ScreeningStatus.DECLINED)
    pending = _joined(programme)
    approved = _joined(programme, ScreeningStatus.APPROVED)
    assert policy.has_role(declined.user, Role.BUDDY)  # the left-over membership
    for buddy in (declined, pending):
        assert not policy.can_register_for_events(buddy.user)
        assert (
            not policy.events_visible_to(buddy.user, Event.objects.all())
            .filter(pk=meetup.pk)
            .exists()
        )
        assert not policy.can_have_calendar_feed(buddy.user)
        with pytest.raises(PermissionDenied):
            learning_services.registration_create(actor=buddy.user, event=meetup)
    assert (
        policy.events_visible_to(approved.user, Event.objects.all()).filter(pk=meetup.pk).exists()
    )
    assert policy.can_register_for_events(approved.user)
    # Modules: an applicant prepares (a programme may require them before a first duo);
    # a declined person no longer takes them.
    assert policy.can_take_modules(pending.user)
    assert policy.can_take_modules(approved.user)
    assert not policy.can_take_modules(declined.user)
    with pytest.raises(PermissionDenied):
        learning_services.module_complete(actor=declined.user, module=module)


def test_withdrawing_an_approval_ends_the_buddys_access_to_duos_and_proposals():
    duo = TrajectoryFactory()
    buddy = duo.buddy
    school = School.objects.get(pk=duo.school_id)
    proposal = open_proposal(programme=duo.programme, buddy=buddy, school=school)
    coordinator = member(UserFactory(), duo.programme, Role.PROGRAMME_COORDINATOR)
    client = Client()
    client.force_login(buddy.user)
    assert client.get(f"/duos/{duo.uuid}/").status_code == 200
    assert client.get(f"/matching/proposals/{proposal.uuid}/").status_code == 200
    services.buddy_decline(
        actor=coordinator, buddy=buddy, programme=duo.programme, reason="Een signaal."
    )
    assert client.get(f"/duos/{duo.uuid}/").status_code == 404
    assert client.get(f"/duos/{duo.uuid}/meetings/new/").status_code == 404
    assert client.get(f"/matching/proposals/{proposal.uuid}/").status_code == 404
    user = _fresh(buddy.user)
    assert not policy.trajectories_visible_to(user, Trajectory.objects.all()).exists()
    assert not Proposal.objects.filter(
        pk__in=policy.proposals_visible_to(user, Proposal.objects.all())
    ).exists()
    duo = Trajectory.objects.get(pk=duo.pk)
    assert not policy.is_trajectory_buddy(user, duo)
    with pytest.raises(PermissionDenied):
        duo_services.meeting_log(actor=user, trajectory=duo, date=duo.planned_start)
