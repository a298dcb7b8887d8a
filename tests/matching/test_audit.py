"""Issue 11, point 3: the matching pages that name a pupil or a family write one view
event per child shown (the child as target, the referral and proposal in the detail):
the matching home, the batch preview (the proposed matches and the unmatched), the
suggestion pages, the proposal lists and a proposal. Lists in one INSERT whose query
count does not grow with the rows."""

import pytest
from django.urls import reverse

from buddywerk.common.models import AuditEvent
from tests.access.audit_helpers import (
    assert_list_events,
    get_with_events,
    page_queries,
    pupil_ref,
)
from tests.factories import ProgrammeFactory, PupilFactory, SchoolFactory
from tests.matching.helpers import (
    coordinator_of,
    fitting_buddy,
    open_proposal,
    queued_referral,
    staff_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    programme = ProgrammeFactory()
    school = SchoolFactory()
    return {
        "programme": programme,
        "school": school,
        "coordinator": coordinator_of(programme),
        "staff": staff_of(school),
    }


def _proposals(world, n):
    return [
        open_proposal(
            programme=world["programme"],
            buddy=fitting_buddy(world["programme"]),
            school=world["school"],
        )
        for _ in range(n)
    ]


def test_the_matching_home_audits_the_participant_of_every_open_proposal(client, world):
    proposals = _proposals(world, 3)
    client.force_login(world["coordinator"])
    response, events = get_with_events(client, reverse("matching:home"))
    assert response.status_code == 200
    assert all(p.referral.pupil.last_name in response.content.decode() for p in proposals)
    assert_list_events(
        events,
        actor=world["coordinator"],
        expected=[pupil_ref(p.referral.pupil) for p in proposals],
        proposal=[p.uuid for p in proposals],
        referral=[p.referral.uuid for p in proposals],
    )


def test_the_matching_home_audits_in_one_insert_whatever_its_length(client, world):
    _proposals(world, 2)
    client.force_login(world["coordinator"])
    url = reverse("matching:home")
    page_queries(client, url)
    few = page_queries(client, url)
    _proposals(world, 4)
    assert page_queries(client, url) == few
    assert few[1] == 1


def test_the_proposal_lists_of_the_buddy_and_the_school_are_audited(client, world):
    proposals = _proposals(world, 2)
    buddy = proposals[0].buddy
    client.force_login(buddy.user)
    response, events = get_with_events(client, reverse("matching:my_proposals"))
    assert response.status_code == 200
    assert_list_events(events, actor=buddy.user, expected=[pupil_ref(proposals[0].referral.pupil)])
    client.force_login(world["staff"])
    response, events = get_with_events(client, reverse("matching:my_proposals"))
    assert_list_events(
        events,
        actor=world["staff"],
        expected=[pupil_ref(p.referral.pupil) for p in proposals],
        proposal=[p.uuid for p in proposals],
    )
    few = page_queries(client, reverse("matching:my_proposals"))
    _proposals(world, 3)
    assert page_queries(client, reverse("matching:my_proposals")) == few
    assert few[1] == 1


@pytest.mark.parametrize("who", ["buddy", "staff", "coordinator"])
def test_a_proposal_audits_its_participant(client, world, who):
    [proposal] = _proposals(world, 1)
    user = proposal.buddy.user if who == "buddy" else world[who]
    client.force_login(user)
    url = reverse("matching:proposal_detail", args=[proposal.uuid])
    response, [event] = get_with_events(client, url)
    assert response.status_code == 200
    assert (event.object_type, event.object_id) == pupil_ref(proposal.referral.pupil)
    assert event.actor == user
    assert event.detail == {
        "referral": str(proposal.referral.uuid),
        "proposal": str(proposal.uuid),
    }


def test_the_batch_audits_the_matched_and_the_unmatched_participants(client, world):
    programme, school = world["programme"], world["school"]
    matched = [queued_referral(programme, pupil=PupilFactory(school=school)) for _ in range(2)]
    for _ in matched:
        fitting_buddy(programme)
    # no buddy meets on Friday morning: shown as unmatched, with its name
    unmatched = queued_referral(programme, pupil=PupilFactory(school=school), time_slots=["fri-am"])
    client.force_login(world["coordinator"])
    url = reverse("matching:batch", args=[programme.uuid])
    response, events = get_with_events(client, url)
    assert response.status_code == 200
    assert unmatched.pupil.last_name in response.content.decode()
    shown = [*matched, unmatched]
    assert_list_events(
        events,
        actor=world["coordinator"],
        expected=[pupil_ref(r.pupil) for r in shown],
        referral=[r.uuid for r in shown],
    )
    # the cached preview: the second look is audited as well, still in one INSERT
    response, events = get_with_events(client, url)
    assert len(events) == 3
    few = page_queries(client, url)
    for _ in range(4):
        queued_referral(programme, pupil=PupilFactory(school=school))
        fitting_buddy(programme)
    page_queries(client, url)  # the first look after a change solves again
    assert page_queries(client, url) == few
    assert few[1] == 1


def test_the_suggestions_fragment_after_a_proposal_is_audited(client, world):
    programme, school = world["programme"], world["school"]
    referral = queued_referral(programme, pupil=PupilFactory(school=school))
    buddy = fitting_buddy(programme)
    client.force_login(world["coordinator"])
    url = reverse("matching:referral_suggestions", args=[referral.uuid])
    last = get_with_events(client, url)[1][-1].id
    response = client.post(url, {"buddy": str(buddy.uuid)}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    [event] = AuditEvent.objects.filter(id__gt=last, action="view")
    assert (event.object_type, event.object_id) == pupil_ref(referral.pupil)
    assert event.detail == {"referral": str(referral.uuid)}
