"""Issue 11, point 3: every page that shows a pupil or a family writes one view event per
child shown (the child is the target; the referral it was seen through is in the detail),
the lists in one INSERT whose query count does not grow with the rows."""

import pytest
from django.test import Client
from django.urls import reverse

from buddywerk.access.models import Role
from tests.access.audit_helpers import (
    assert_list_events,
    family_ref,
    get_with_events,
    page_queries,
    pupil_ref,
)
from tests.factories import (
    FamilyReferralFactory,
    ProgrammeFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def school():
    return SchoolFactory()


@pytest.fixture
def staff(school):
    return member(UserFactory(), school, Role.SCHOOL_STAFF)


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def coordinator(programme):
    return member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)


def assert_does_not_grow(client, url, add_rows, **headers):
    """The page's query count is the same with 2 rows and with 6, and its audit rows go
    in exactly one INSERT."""
    page_queries(client, url, **headers)  # warm: the session, the caches
    few = page_queries(client, url, **headers)
    add_rows(4)
    many = page_queries(client, url, **headers)
    assert few == many
    assert few[1] == 1


# --- The pupil list -------------------------------------------------------------------


def test_the_pupil_list_audits_every_pupil_it_shows(staff, school):
    pupils = [PupilFactory(school=school) for _ in range(3)]
    PupilFactory()  # another school's pupil: not shown, not audited
    response, events = get_with_events(client_for(staff), reverse("pupil_list"))
    assert response.status_code == 200
    assert_list_events(events, actor=staff, expected=[pupil_ref(p) for p in pupils])
    assert all(p.last_name in response.content.decode() for p in pupils)


def test_the_pupil_list_audits_in_one_insert_whatever_its_length(staff, school):
    PupilFactory.create_batch(2, school=school)
    assert_does_not_grow(
        client_for(staff),
        reverse("pupil_list"),
        lambda n: PupilFactory.create_batch(n, school=school),
    )


# --- The referrer's list --------------------------------------------------------------


def test_the_referral_list_audits_every_child_it_shows(staff, school, programme):
    referrals = [
        ReferralFactory(programme=programme, pupil=PupilFactory(school=school)),
        ReferralFactory(programme=programme, pupil=PupilFactory(school=school), draft=True),
    ]
    ReferralFactory()  # another school's
    url = reverse("referrals:list")
    for headers in ({}, {"HX-Request": "true"}):  # the page, and its htmx fragment
        response, events = get_with_events(client_for(staff), url, **headers)
        assert response.status_code == 200
        assert_list_events(
            events,
            actor=staff,
            expected=[pupil_ref(r.pupil) for r in referrals],
            referral=[r.uuid for r in referrals],
        )


def test_the_referral_list_of_a_service_audits_the_families():
    referral = FamilyReferralFactory(draft=True)
    worker = member(UserFactory(), referral.referrer, Role.SCHOOL_STAFF)
    response, events = get_with_events(client_for(worker), reverse("referrals:list"))
    assert response.status_code == 200
    assert_list_events(events, actor=worker, expected=[family_ref(referral.family)])


def test_the_referral_list_audits_in_one_insert_whatever_its_length(staff, school, programme):
    def add(n):
        for _ in range(n):
            ReferralFactory(programme=programme, pupil=PupilFactory(school=school))

    add(2)
    assert_does_not_grow(client_for(staff), reverse("referrals:list"), add)


# --- The programme's queue ------------------------------------------------------------


def test_the_queue_audits_every_child_it_shows(coordinator, programme):
    referrals = ReferralFactory.create_batch(3, programme=programme)
    ReferralFactory(programme=programme, draft=True)  # never in the queue
    ReferralFactory()  # another programme's
    url = reverse("referrals:queue")
    for headers in ({}, {"HX-Request": "true"}):
        response, events = get_with_events(client_for(coordinator), url, **headers)
        assert response.status_code == 200
        assert_list_events(
            events,
            actor=coordinator,
            expected=[pupil_ref(r.pupil) for r in referrals],
            referral=[r.uuid for r in referrals],
        )


def test_a_family_programmes_queue_audits_the_families():
    referral = FamilyReferralFactory()
    coordinator = member(UserFactory(), referral.programme, Role.PROGRAMME_COORDINATOR)
    response, events = get_with_events(client_for(coordinator), reverse("referrals:queue"))
    assert response.status_code == 200
    assert_list_events(events, actor=coordinator, expected=[family_ref(referral.family)])


def test_the_queue_audits_in_one_insert_whatever_its_length(coordinator, programme):
    ReferralFactory.create_batch(2, programme=programme)
    assert_does_not_grow(
        client_for(coordinator),
        reverse("referrals:queue"),
        lambda n: ReferralFactory.create_batch(n, programme=programme),
    )


# --- Forms that show a child on file --------------------------------------------------


def test_the_edit_page_audits_the_pupil_shown_and_again_with_errors(staff, school, programme):
    draft = ReferralFactory(programme=programme, pupil=PupilFactory(school=school), draft=True)
    client = client_for(staff)
    url = reverse("referrals:edit", args=[draft.uuid])
    response, events = get_with_events(client, url)
    assert response.status_code == 200
    assert draft.pupil.last_name in response.content.decode()
    [event] = events
    assert (event.object_type, event.object_id) == pupil_ref(draft.pupil)
    assert event.actor == staff
    assert event.detail == {"referral": str(draft.uuid)}
    # a refused change shows the form (and the pupil) again: audited again
    response = client.post(url, {"first_name": ""})
    assert response.status_code == 200
    assert len(get_with_events(client, url)[1]) == 1


def test_the_family_edit_page_audits_the_family():
    referral = FamilyReferralFactory(draft=True)
    worker = member(UserFactory(), referral.referrer, Role.SCHOOL_STAFF)
    url = reverse("referrals:edit", args=[referral.uuid])
    response, [event] = get_with_events(client_for(worker), url)
    assert response.status_code == 200
    assert (event.object_type, event.object_id) == family_ref(referral.family)
    assert event.detail == {"referral": str(referral.uuid)}


def test_a_new_referral_audits_the_pupils_it_offers_to_choose_from(staff, school):
    pupils = PupilFactory.create_batch(3, school=school)
    PupilFactory()  # another school's
    client = client_for(staff)
    response, events = get_with_events(client, reverse("referrals:create_pupil"))
    assert response.status_code == 200
    assert all(p.last_name in response.content.decode() for p in pupils)
    assert_list_events(events, actor=staff, expected=[pupil_ref(p) for p in pupils])
    # chosen: that pupil's data fills the form (a view of it), the others stay a list
    chosen = pupils[0]
    url = reverse("referrals:create_pupil") + f"?pupil={chosen.uuid}"
    response, events = get_with_events(client, url)
    assert response.status_code == 200
    by_target = {(e.object_type, e.object_id): e for e in events}
    assert sorted(by_target) == sorted(pupil_ref(p) for p in pupils)
    assert by_target[pupil_ref(chosen)].detail == {}
    assert all(by_target[pupil_ref(p)].detail == {"list": True} for p in pupils[1:])
