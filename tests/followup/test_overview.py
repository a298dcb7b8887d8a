"""Check-ins, surveys, the duo's follow-up page and the coordinator's overview: health and
flags from one query set, the query count does not grow with the number of duos."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from buddywerk.common.models import AuditEvent
from buddywerk.followup import services as fs
from buddywerk.followup.health import Health
from buddywerk.followup.models import CheckIn, RelationshipSurvey
from buddywerk.followup.selectors import duo_followup, followup_overview
from buddywerk.trajectories import concern_services, services
from tests.trajectories.factories import TrajectoryFactory, coordinator_of, school_staff_of

pytestmark = pytest.mark.django_db


def _days_ago(days):
    return timezone.localdate() - dt.timedelta(days=days)


def _healthy(duo, coordinator):
    """Meetings every week, a good score, check-ins as required, a kijkwijzer in week 2."""
    start = duo.planned_start
    day = start
    while day <= timezone.localdate():
        services.meeting_log(actor=duo.buddy.user, trajectory=duo, date=day, duration_minutes=45)
        day += dt.timedelta(days=7)
    services.wellbeing_record(
        actor=duo.buddy.user,
        trajectory=duo,
        participant=duo.participants.get(),
        moment="midway",
        score=4,
    )
    for offset in (3, 20):
        fs.checkin_record(
            actor=coordinator,
            trajectory=duo,
            date=start + dt.timedelta(days=offset),
            channel="phone",
        )
    criteria = fs.observation_criteria_for(duo.programme)
    fs.observation_record(
        actor=coordinator,
        trajectory=duo,
        observed_on=start + dt.timedelta(days=14),
        scores={c.pk: (4, "") for c in criteria},
    )


def test_a_well_followed_duo_is_on_track():
    duo = TrajectoryFactory(planned_start=_days_ago(25))
    _healthy(duo, coordinator_of(duo))
    state = duo_followup(trajectory=duo)
    assert state.health.status == Health.ON_TRACK, state.health.reasons
    assert state.flags == []


def test_missed_checkins_and_a_missing_kijkwijzer_show():
    duo = TrajectoryFactory(planned_start=_days_ago(40))
    coordinator_of(duo)
    state = duo_followup(trajectory=duo)
    assert state.health.status == Health.CHECK_IN
    assert state.checkins.missed == 2
    assert state.observation_missing
    assert len(state.flags) == 2


def test_a_new_duo_is_too_early_to_tell():
    duo = TrajectoryFactory(planned_start=_days_ago(3))
    assert duo_followup(trajectory=duo).health.status == Health.TOO_EARLY


def test_overdue_actions_are_flagged():
    duo = TrajectoryFactory(planned_start=_days_ago(20))
    criteria = fs.observation_criteria_for(duo.programme)
    fs.observation_record(
        actor=coordinator_of(duo),
        trajectory=duo,
        observed_on=_days_ago(10),
        scores={c.pk: (3, "") for c in criteria},
        actions=[("Bel de ouders", _days_ago(2))],
    )
    assert duo_followup(trajectory=duo).overdue_actions == 1


def test_a_weak_relationship_survey_feeds_the_health():
    duo = TrajectoryFactory(planned_start=_days_ago(25))
    coordinator = coordinator_of(duo)
    _healthy(duo, coordinator)
    fs.survey_record(
        actor=coordinator,
        trajectory=duo,
        respondent="participant",
        moment="day30",
        answers=[2, 2, 1, 3],
    )
    state = duo_followup(trajectory=duo)
    assert state.health.status == Health.CHECK_IN
    assert "De bevraging toont een zwakke band" in state.health.reasons


def test_the_buddy_fills_in_their_own_survey_on_the_page(client):
    duo = TrajectoryFactory()
    client.force_login(duo.buddy.user)
    url = reverse("followup:survey_create", args=[duo.uuid, "buddy"])
    data = {"moment": "day30", "item1": "4", "item2": "5", "item3": "4", "item4": "3"}
    assert client.post(url, data).status_code == 302
    survey = RelationshipSurvey.objects.get()
    assert (survey.respondent, survey.mean_score) == ("buddy", 4.0)
    # The same moment twice: a clear message, nothing more stored.
    response = client.post(url, data)
    assert "al ingevuld" in response.content.decode()
    assert RelationshipSurvey.objects.count() == 1
    # A 6 is not on the scale.
    response = client.post(url, {**data, "moment": "end", "item1": "6"})
    assert "Kies een antwoord van 1 tot 5" in response.content.decode()
    assert RelationshipSurvey.objects.count() == 1


def test_the_buddy_does_not_record_the_participants_answers(client):
    duo = TrajectoryFactory()
    client.force_login(duo.buddy.user)
    url = reverse("followup:survey_create", args=[duo.uuid, "participant"])
    assert client.get(url).status_code == 403
    client.force_login(school_staff_of(duo))
    assert client.get(url).status_code == 200


def test_a_checkin_in_the_future_is_refused():
    duo = TrajectoryFactory()
    with pytest.raises(ValidationError):
        fs.checkin_record(
            actor=coordinator_of(duo),
            trajectory=duo,
            date=timezone.localdate() + dt.timedelta(days=1),
            channel="phone",
        )
    assert CheckIn.objects.count() == 0


def _programme_with_duos(count):
    first = TrajectoryFactory(planned_start=_days_ago(45))
    coordinator = coordinator_of(first)
    for index in range(count - 1):
        duo = TrajectoryFactory(programme=first.programme, planned_start=_days_ago(10 + index * 7))
        concern_services.concern_raise(
            actor=duo.buddy.user, trajectory=duo, urgency="info", text="x"
        )
        fs.checkin_record(
            actor=coordinator, trajectory=duo, date=duo.planned_start, channel="visit"
        )
    return first, coordinator


@pytest.mark.parametrize("count", [2, 6])
def test_the_overview_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    first, coordinator = _programme_with_duos(count)
    TrajectoryFactory()  # another programme's duo: not listed
    client.force_login(coordinator)
    # 8 queries measured for 2 and for 6 duos (session, user, memberships, the annotated
    # duos, participants, check-ins, audit, home panel): it must not grow.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("followup:overview"))
    assert response.status_code == 200
    rows = followup_overview(user=coordinator)
    assert len(rows) == count
    html = response.content.decode()
    assert "Geen kijkwijzer in de eerste 4 weken" in html  # the 45-day-old duo
    # one view event per participant named, in that one audit INSERT
    named = {str(p.pupil.uuid) for row in rows for p in row.trajectory.participants.all()}
    events = AuditEvent.objects.filter(action="view", actor=coordinator)
    assert sorted(e.object_id for e in events) == sorted(named)
    assert all(e.object_type == "referrals.pupil" and e.detail["list"] for e in events)


def test_the_followup_page_shows_the_coordinator_everything_and_the_buddy_less(client):
    duo = TrajectoryFactory(planned_start=_days_ago(40))
    coordinator = coordinator_of(duo)
    client.force_login(coordinator)
    html = client.get(reverse("followup:duo", args=[duo.uuid])).content.decode()
    assert "In één oogopslag" in html and "Kijkwijzer invullen" in html
    client.force_login(duo.buddy.user)
    html = client.get(reverse("followup:duo", args=[duo.uuid])).content.decode()
    assert "In één oogopslag" not in html and "Kijkwijzer invullen" not in html
    assert "Zorgsignaal melden" in html


def test_the_30_day_survey_shows_as_due_until_both_answered(client):
    duo = TrajectoryFactory(planned_start=_days_ago(31))
    coordinator = coordinator_of(duo)
    client.force_login(coordinator)
    url = reverse("followup:duo", args=[duo.uuid])
    assert "nog niet ingevuld door: Buddy, Deelnemer of ouder" in client.get(url).content.decode()
    fs.survey_record(
        actor=duo.buddy.user,
        trajectory=duo,
        respondent="buddy",
        moment="day30",
        answers=[4, 4, 4, 4],
    )
    fs.survey_record(
        actor=coordinator,
        trajectory=duo,
        respondent="participant",
        moment="day30",
        answers=[4, 4, 4, 4],
    )
    assert "nog niet ingevuld" not in client.get(url).content.decode()


def _fill(duo, coordinator, count):
    criteria = fs.observation_criteria_for(duo.programme)
    for index in range(count):
        fs.tandem_note_add(actor=duo.buddy.user, trajectory=duo, text=f"Bericht {index}")
        concern_services.concern_raise(
            actor=duo.buddy.user, trajectory=duo, urgency="info", text="x"
        )
        fs.checkin_record(
            actor=coordinator, trajectory=duo, date=duo.planned_start, channel="phone"
        )
        fs.observation_record(
            actor=coordinator,
            trajectory=duo,
            observed_on=duo.planned_start,
            scores={c.pk: (3, "") for c in criteria},
            actions=[("Actie", duo.planned_start)],
        )


@pytest.mark.parametrize("count", [1, 5])
# Measured: 18 and 9 queries, the same for 1 and for 5 of everything.
@pytest.mark.parametrize(("route", "queries"), [("followup:duo", 18), ("followup:tandem", 9)])
def test_the_duo_pages_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, count, route, queries
):
    duo = TrajectoryFactory(planned_start=_days_ago(40))
    coordinator = coordinator_of(duo)
    _fill(duo, coordinator, count)
    client.force_login(coordinator)
    with django_assert_max_num_queries(queries):
        response = client.get(reverse(route, args=[duo.uuid]))
    assert response.status_code == 200
