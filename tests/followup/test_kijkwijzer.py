"""Kijkwijzer (R12): the programme's criteria (default list), scores 1-4 with notes,
follow-up actions with a due date, bad input refused with nothing stored."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from buddywerk.followup import services as fs
from buddywerk.followup.models import (
    FollowUpAction,
    Observation,
    ObservationCriterion,
    ObservationScore,
)
from tests.days import InDays, resolved
from tests.trajectories.factories import TrajectoryFactory, coordinator_of

pytestmark = pytest.mark.django_db


def test_a_programme_without_criteria_gets_the_default_six():
    duo = TrajectoryFactory()
    labels = [c.label for c in fs.observation_criteria_for(duo.programme)]
    assert len(labels) == 6
    assert labels[0] == "Warme band"  # stored in the site's language
    # Asking again does not add more.
    assert len(fs.observation_criteria_for(duo.programme)) == 6


def test_the_programme_sets_its_own_criteria():
    duo = TrajectoryFactory()
    ObservationCriterion.objects.create(programme=duo.programme, label="Huiswerkaanpak")
    assert [c.label for c in fs.observation_criteria_for(duo.programme)] == ["Huiswerkaanpak"]


def _form(criteria, **extra):
    today = timezone.localdate()
    data = {"observed_on": today.isoformat(), "summary": "Fijne sfeer."}
    for criterion in criteria:
        data[f"score_{criterion.pk}"] = "3"
        data[f"note_{criterion.pk}"] = ""
    data.update(
        {"action_0": "Bel de leerkracht", "due_0": (today + dt.timedelta(days=7)).isoformat()}
    )
    data.update(extra)
    return data


def test_the_coordinator_fills_in_a_kijkwijzer_with_an_action(client):
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    criteria = fs.observation_criteria_for(duo.programme)
    client.force_login(coordinator)
    url = reverse("followup:observation_create", args=[duo.uuid])
    page = client.get(url)
    assert "Warme band" in page.content.decode()
    response = client.post(url, _form(criteria, **{f"score_{criteria[0].pk}": "4"}))
    assert response.status_code == 302
    observation = Observation.objects.get()
    assert observation.observer == coordinator
    assert ObservationScore.objects.filter(observation=observation).count() == 6
    assert observation.scores.get(criterion=criteria[0]).score == 4
    action = FollowUpAction.objects.get()
    assert (action.text, action.owner, action.done_at) == ("Bel de leerkracht", coordinator, None)
    detail = client.get(response["Location"]).content.decode()
    assert "Bel de leerkracht" in detail


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"score": "5"}, "5 staat niet op de schaal"),
        ({"score": "0"}, "0 staat niet op de schaal"),
        ({"score": ""}, "Geef een score van 1 tot 4"),
        ({"note": "x" * 1_000_000}, "hoogstens 2000 tekens"),
        ({"due_0": ""}, "Geef de actie een datum"),
        # Issue 16, point 5: the form's plausible range (a year back, up to today).
        ({"observed_on": InDays(1)}, "niet in de toekomst"),
        ({"observed_on": "2099-01-01"}, "Kies een datum tussen"),
    ],
)
def test_bad_input_clear_message_nothing_stored(client, change, message):
    duo = TrajectoryFactory()
    criteria = fs.observation_criteria_for(duo.programme)
    first = criteria[0].pk
    data = _form(criteria)
    for key, value in resolved(change, iso=True).items():
        if key == "score":
            data[f"score_{first}"] = value
        elif key == "note":
            data[f"note_{first}"] = value
        else:
            data[key] = value
    client.force_login(coordinator_of(duo))
    response = client.post(reverse("followup:observation_create", args=[duo.uuid]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Observation.objects.count() == 0
    assert FollowUpAction.objects.count() == 0


def test_the_service_refuses_a_score_of_five_too():
    duo = TrajectoryFactory()
    criteria = fs.observation_criteria_for(duo.programme)
    with pytest.raises(ValidationError) as caught:
        fs.observation_record(
            actor=coordinator_of(duo),
            trajectory=duo,
            observed_on=timezone.localdate(),
            scores={c.pk: (5, "") for c in criteria},
        )
    assert f"score_{criteria[0].pk}" in caught.value.message_dict
    assert Observation.objects.count() == 0


def test_an_action_is_marked_done_by_the_coordinator(client):
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    criteria = fs.observation_criteria_for(duo.programme)
    today = timezone.localdate()
    observation = fs.observation_record(
        actor=coordinator,
        trajectory=duo,
        observed_on=today,
        scores={c.pk: (3, "") for c in criteria},
        actions=[("Gesprek met de buddy", today)],
    )
    action = observation.actions.get()
    client.force_login(coordinator)
    response = client.post(reverse("followup:action_done", args=[duo.uuid, action.uuid]))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done_by == coordinator and action.done_at is not None


def test_the_buddy_cannot_fill_in_a_kijkwijzer(client):
    duo = TrajectoryFactory()
    client.force_login(duo.buddy.user)
    url = reverse("followup:observation_create", args=[duo.uuid])
    assert client.get(url).status_code == 403


def test_the_coordinator_adds_a_criterion_and_takes_one_out_of_use(client):
    duo = TrajectoryFactory()
    client.force_login(coordinator_of(duo))
    url = reverse("followup:criteria_edit")
    assert "Warme band" in client.get(url).content.decode()
    assert client.post(url, {"label": "Huiswerkaanpak"}).status_code == 302
    first = ObservationCriterion.objects.get(programme=duo.programme, label="Warme band")
    toggle = reverse("followup:criterion_toggle", args=[first.pk])
    assert client.post(toggle).status_code == 302
    labels = [c.label for c in fs.observation_criteria_for(duo.programme)]
    assert "Huiswerkaanpak" in labels and "Warme band" not in labels
    # The same label twice: a clear message, nothing added.
    response = client.post(url, {"label": "huiswerkaanpak"})
    assert "heeft dit criterium al" in response.content.decode()
    assert ObservationCriterion.objects.filter(programme=duo.programme).count() == 7


def test_criteria_of_another_programme_cannot_be_toggled(client):
    duo = TrajectoryFactory()
    other = TrajectoryFactory()
    foreign = fs.observation_criteria_for(other.programme)[0]
    client.force_login(coordinator_of(duo))
    response = client.post(reverse("followup:criterion_toggle", args=[foreign.pk]))
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active


def test_the_last_criterion_in_use_is_not_taken_out_of_use(client):
    """The toggle has its own POST endpoint; the service's refusal is shown as a message."""
    duo = TrajectoryFactory()
    client.force_login(coordinator_of(duo))
    criteria = fs.observation_criteria_for(duo.programme)
    for criterion in criteria[1:]:
        fs.observation_criterion_toggle(actor=coordinator_of(duo), criterion=criterion)
    last = criteria[0]
    response = client.post(reverse("followup:criterion_toggle", args=[last.pk]), follow=True)
    assert "minstens" in response.content.decode()
    last.refresh_from_db()
    assert last.is_active
