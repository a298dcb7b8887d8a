"""Issue 11, point 1 (critical): a family's introductions to local services are read and
added by the family's own buddy only: the approved buddy of a running duo with that
family. Every other person, buddies of the same programme included, finds no family (404)
and nothing is stored."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from buddywerk.access import policy
from buddywerk.access.models import Role
from buddywerk.buddies import services as buddy_services
from buddywerk.buddies.models import ScreeningStatus
from buddywerk.network import services
from buddywerk.network.models import ServiceIntroduction
from buddywerk.organisations.models import OrganisationKind
from buddywerk.referrals.models import Family
from buddywerk.trajectories import services as duo_services
from buddywerk.trajectories.enums import CloseReason
from tests.factories import BuddyFactory, OrganisationFactory, UserFactory, member
from tests.network.factories import LocalServiceFactory
from tests.network.world import family_programme
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    """A family programme with the family's buddy, and one outsider of every kind."""
    programme = family_programme()
    service = OrganisationFactory(kind=OrganisationKind.SERVICE)
    coordinator = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)
    duo = TrajectoryFactory(family=True, programme=programme, service=service)
    own = duo.buddy
    family = duo.participants.get().family
    services.service_introduction_record(
        actor=own.user,
        family=family,
        service=LocalServiceFactory(name="Bib De Krook"),
        introduced_on=timezone.localdate(),
        note="Samen de leeskaart gehaald.",
    )

    def buddy_in_programme(status):
        buddy = BuddyFactory(programmes=[programme], status=status)
        member(buddy.user, programme, Role.BUDDY)
        return buddy

    other = buddy_in_programme(ScreeningStatus.APPROVED)
    TrajectoryFactory(family=True, programme=programme, service=service, buddy=other)  # their own
    declined = buddy_in_programme(ScreeningStatus.APPLIED)
    buddy_services.buddy_decline(
        actor=coordinator, buddy=declined, programme=programme, reason="Geen uittreksel."
    )
    outsiders = {
        "approved buddy of another duo": other.user,
        "declined applicant": declined.user,
        "unscreened applicant": buddy_in_programme(ScreeningStatus.APPLIED).user,
        "the programme's coordinator": coordinator,
        "staff of the referring service": member(UserFactory(), service, Role.SERVICE_STAFF),
    }
    return {"duo": duo, "family": family, "own": own, "outsiders": outsiders}


def _url(family):
    return f"/network/families/{family.uuid}/introductions/"


def _post_data():
    return {"service": LocalServiceFactory().pk, "introduced_on": timezone.localdate()}


def test_the_familys_own_buddy_reads_and_adds(scene):
    client = Client()
    client.force_login(scene["own"].user)
    page = client.get(_url(scene["family"]))
    assert page.status_code == 200
    assert "Bib De Krook" in page.content.decode()
    assert client.post(_url(scene["family"]), _post_data()).status_code == 302
    assert ServiceIntroduction.objects.count() == 2


def test_every_outsider_gets_404_reading_and_posting_and_nothing_is_stored(scene):
    family = scene["family"]
    for who, user in scene["outsiders"].items():
        client = Client()
        client.force_login(user)
        page = client.get(_url(family))
        assert page.status_code == 404, who
        assert "Bib De Krook" not in page.content.decode(), who
        assert family.contact_name not in page.content.decode(), who
        assert client.post(_url(family), _post_data()).status_code == 404, who
        with pytest.raises(PermissionDenied):
            services.service_introduction_record(
                actor=user,
                family=family,
                service=LocalServiceFactory(),
                introduced_on=timezone.localdate(),
            )
        assert not policy.families_for_service_introduction(user, Family.objects.all()).filter(
            pk=family.pk
        ), who
    assert ServiceIntroduction.objects.count() == 1


def test_the_duo_must_be_running(scene):
    """Running is active or paused; a closed duo, or a buddy declined since, gives nothing.
    (A planned duo, before its agreements, gives nothing either: next test.)"""
    duo, family, buddy = scene["duo"], scene["family"], scene["own"].user
    coordinator = member(UserFactory(), duo.programme, Role.PROGRAMME_COORDINATOR)
    client = Client()
    client.force_login(buddy)
    duo_services.trajectory_pause(actor=coordinator, trajectory=duo, reason="Vakantie")
    assert client.get(_url(family)).status_code == 200
    duo_services.trajectory_close(
        actor=coordinator, trajectory=duo, reason=CloseReason.ENDED_AS_PLANNED, final_wellbeing=4
    )
    assert client.get(_url(family)).status_code == 404
    assert client.post(_url(family), _post_data()).status_code == 404
    assert ServiceIntroduction.objects.count() == 1


def test_a_planned_duo_gives_no_access_until_its_agreements(scene):
    duo = TrajectoryFactory(family=True, planned=True, programme=scene["duo"].programme)
    family = duo.participants.get().family
    client = Client()
    client.force_login(duo.buddy.user)
    assert client.get(_url(family)).status_code == 404


def test_a_buddy_declined_during_the_duo_loses_the_family(scene):
    duo, family, buddy = scene["duo"], scene["family"], scene["own"]
    coordinator = member(UserFactory(), duo.programme, Role.PROGRAMME_COORDINATOR)
    buddy_services.buddy_decline(
        actor=coordinator, buddy=buddy, programme=duo.programme, reason="Een signaal."
    )
    client = Client()
    client.force_login(buddy.user)
    assert client.get(_url(family)).status_code == 404
    assert client.post(_url(family), _post_data()).status_code == 404
    assert ServiceIntroduction.objects.count() == 1
