"""Issue 11, point 3: every page of a duo, its follow-up pages and the lists of duos write
one view event per participant shown. The target is the pupil (or family), the duo and
the follow-up record it was seen through are in the detail; a list writes its events in
one INSERT and its query count does not grow with the rows."""

import pytest
from django.urls import reverse
from django.utils import timezone

from buddywerk.followup import services as fs
from buddywerk.referrals.models import ReferralStatus
from buddywerk.trajectories import concern_services
from tests.access.audit_helpers import (
    assert_list_events,
    get_with_events,
    page_queries,
    pupil_ref,
)
from tests.factories import PupilFactory, ReferralFactory
from tests.trajectories.factories import TrajectoryFactory, coordinator_of, school_staff_of

pytestmark = pytest.mark.django_db


def pupils_of(duo):
    return [p.pupil for p in duo.participants.select_related("pupil")]


def assert_duo_events(events, *, duo, actor, **via):
    """One event per pupil of the duo, by `actor`, with the duo (and `via`) as detail."""
    assert sorted((e.object_type, e.object_id) for e in events) == sorted(
        pupil_ref(p) for p in pupils_of(duo)
    )
    for event in events:
        assert event.actor == actor and event.action == "view"
        assert event.detail == {"trajectory": str(duo.uuid), **{k: str(v) for k, v in via.items()}}


# --- The list of duos -------------------------------------------------------------------


def test_the_duo_list_audits_every_pupil_of_every_duo_shown(client):
    group = TrajectoryFactory(group=True)
    single = TrajectoryFactory(programme=group.programme)
    TrajectoryFactory()  # another programme's duo: not shown, not audited
    coordinator = coordinator_of(group)
    client.force_login(coordinator)
    response, events = get_with_events(client, reverse("trajectories:list"))
    assert response.status_code == 200
    duos = [group, single]
    assert_list_events(
        events,
        actor=coordinator,
        expected=[pupil_ref(p) for duo in duos for p in pupils_of(duo)],
        trajectory=[duo.uuid for duo in duos for _ in pupils_of(duo)],
    )


def test_the_duo_list_audits_in_one_insert_whatever_its_length(client):
    first = TrajectoryFactory(pupils=2)
    TrajectoryFactory(programme=first.programme)
    client.force_login(coordinator_of(first))
    url = reverse("trajectories:list")
    page_queries(client, url)
    few = page_queries(client, url)
    for _ in range(4):
        TrajectoryFactory(programme=first.programme, pupils=2)
    assert page_queries(client, url) == few
    assert few[1] == 1


# --- The pages of one duo ---------------------------------------------------------------


def test_the_page_of_a_group_duo_audits_each_pupil_in_one_insert(client):
    duo = TrajectoryFactory(group=True)
    client.force_login(coordinator_of(duo))
    response, events = get_with_events(client, reverse("trajectories:detail", args=[duo.uuid]))
    assert response.status_code == 200
    assert_duo_events(events, duo=duo, actor=coordinator_of(duo))
    assert page_queries(client, reverse("trajectories:detail", args=[duo.uuid]))[1] == 1


def test_a_meeting_form_shown_again_with_its_errors_is_audited_again(client):
    duo = TrajectoryFactory()
    client.force_login(duo.buddy.user)
    url = reverse("trajectories:wellbeing_create", args=[duo.uuid])
    response = client.post(url, {"score": "9"})
    assert response.status_code == 200  # the form again, with the pupil's name in it
    response, events = get_with_events(client, url)
    assert_duo_events(events, duo=duo, actor=duo.buddy.user)


def test_starting_a_duo_audits_the_referrals_offered_by_name(client):
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    waiting = [
        ReferralFactory(
            programme=duo.programme, pupil=PupilFactory(), status=ReferralStatus.ACCEPTED
        )
        for _ in range(2)
    ]
    client.force_login(coordinator)
    response, events = get_with_events(client, reverse("trajectories:start"))
    assert response.status_code == 200
    assert all(r.pupil.last_name in response.content.decode() for r in waiting)
    assert_list_events(
        events,
        actor=coordinator,
        expected=[pupil_ref(r.pupil) for r in waiting],
        referral=[r.uuid for r in waiting],
    )


# --- The follow-up pages (buddywerk.followup) and the concern pages ---------------------


def _followup_objects(duo):
    coordinator = coordinator_of(duo)
    concern = concern_services.concern_raise(
        actor=duo.buddy.user, trajectory=duo, urgency="attention", text="Hij lijkt moe."
    )
    criteria = fs.observation_criteria_for(duo.programme)
    observation = fs.observation_record(
        actor=coordinator,
        trajectory=duo,
        observed_on=timezone.localdate(),
        scores={c.pk: (3, "") for c in criteria},
    )
    return coordinator, concern, observation


@pytest.mark.parametrize(
    ("route", "who", "record"),
    [
        ("followup:duo", "buddy", None),
        ("followup:tandem", "school", None),
        ("trajectories:concern_create", "buddy", None),
        ("trajectories:concern_create", "school", None),
        ("followup:observation_create", "coordinator", None),
        ("followup:checkin_create", "coordinator", None),
        ("followup:survey_create@buddy", "buddy", None),
        ("followup:survey_create@participant", "school", None),
        ("trajectories:concern_acknowledge", "coordinator", "concern"),
        ("trajectories:concern_detail", "coordinator", "concern"),
        ("trajectories:concern_detail", "buddy", "concern"),
        ("trajectories:concern_detail", "school", "concern"),
        ("followup:observation_detail", "coordinator", "observation"),
    ],
)
def test_every_followup_page_audits_each_participant(client, route, who, record):
    duo = TrajectoryFactory(pupils=2)
    coordinator, concern, observation = _followup_objects(duo)
    user = {
        "buddy": duo.buddy.user,
        "school": school_staff_of(duo),
        "coordinator": coordinator,
    }[who]
    name, _, respondent = route.partition("@")
    args = [duo.uuid]
    if respondent:
        args.append(respondent)
    if record == "concern":
        args.append(concern.uuid)
    if record == "observation":
        args.append(observation.uuid)
    client.force_login(user)
    response, events = get_with_events(client, reverse(name, args=args))
    assert response.status_code == 200
    via = {record: {"concern": concern, "observation": observation}[record].uuid} if record else {}
    assert_duo_events(events, duo=duo, actor=user, **via)


def test_a_concern_form_refused_and_shown_again_is_audited(client):
    duo = TrajectoryFactory()
    client.force_login(duo.buddy.user)
    url = reverse("trajectories:concern_create", args=[duo.uuid])
    response = client.post(url, {"urgency": "info", "text": ""})
    assert response.status_code == 200
    response, events = get_with_events(client, url)
    assert_duo_events(events, duo=duo, actor=duo.buddy.user)


def test_the_followup_overview_audits_each_participant_in_one_insert(client):
    first = TrajectoryFactory(pupils=2)
    second = TrajectoryFactory(programme=first.programme)
    TrajectoryFactory()  # another programme's
    coordinator = coordinator_of(first)
    client.force_login(coordinator)
    url = reverse("followup:overview")
    response, events = get_with_events(client, url)
    assert response.status_code == 200
    assert_list_events(
        events,
        actor=coordinator,
        expected=[pupil_ref(p) for duo in (first, second) for p in pupils_of(duo)],
    )
    few = page_queries(client, url)
    for _ in range(3):
        TrajectoryFactory(programme=first.programme, pupils=2)
    assert page_queries(client, url) == few
    assert few[1] == 1
