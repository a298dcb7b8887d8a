"""The concern's pages (issue 13, point 5): its page with its history, audited as a view
of each child of the duo; one POST per step; outsiders of every role get 404 on every new
route and change nothing; refusals come back in Dutch and change nothing; a closed duo's
concern is still followed up from its page."""

import pytest
from django.urls import reverse

from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.trajectories import concern_services as cs
from buddywerk.trajectories import services
from buddywerk.trajectories.enums import ConcernStatus
from buddywerk.trajectories.models import Concern, ConcernTransition
from tests.trajectories.factories import TrajectoryFactory, coordinator_of, school_staff_of

pytestmark = pytest.mark.django_db

ROUTES = ["concern_detail", "concern_acknowledge", "concern_outcome", "concern_close"]


def _url(name, concern):
    return reverse(f"trajectories:{name}", args=[concern.trajectory.uuid, concern.uuid])


def _raise(duo):
    return cs.concern_raise(
        actor=duo.buddy.user, trajectory=duo, urgency="urgent", text="Blauwe plekken."
    )


def _state(concern):
    row = Concern.objects.get(pk=concern.pk)
    return (
        row.status,
        row.acknowledged_at,
        row.outcome,
        row.closed_at,
        ConcernTransition.objects.filter(concern=concern).count(),
    )


@pytest.mark.parametrize("route", ROUTES)
def test_outsiders_of_each_role_get_404_on_every_route_and_change_nothing(client, route):
    duo = TrajectoryFactory(pupils=2)
    coordinator = coordinator_of(duo)
    concern = _raise(duo)
    if route == "concern_close":
        cs.concern_acknowledge(actor=coordinator, concern=concern)
        cs.concern_record_outcome(actor=coordinator, concern=concern, outcome="care_team")
    elif route == "concern_outcome":
        cs.concern_acknowledge(actor=coordinator, concern=concern)
    other = TrajectoryFactory()
    outsiders = {
        "coordinator of another programme": coordinator_of(other),
        "buddy of another duo": other.buddy.user,
        "staff of another school": school_staff_of(other),
    }
    before = _state(concern)
    views_before = AuditEvent.objects.filter(action=AuditAction.VIEW).count()
    data = {"outcome": "resolved", "note": "Opgelost."}
    for who, user in outsiders.items():
        client.force_login(user)
        assert client.get(_url(route, concern)).status_code in (404, 405), who
        assert client.post(_url(route, concern), data).status_code == 404, who
    assert _state(concern) == before
    assert AuditEvent.objects.filter(action=AuditAction.VIEW).count() == views_before


def test_a_concern_of_another_duo_under_this_duos_address_is_404(client):
    duo, other = TrajectoryFactory(), TrajectoryFactory()
    coordinator = coordinator_of(duo)
    foreign = _raise(other)
    client.force_login(coordinator)
    for route in ROUTES:
        url = reverse(f"trajectories:{route}", args=[duo.uuid, foreign.uuid])
        assert client.post(url, {"outcome": "resolved", "note": "x"}).status_code == 404


def test_the_steps_are_post_only(client):
    duo = TrajectoryFactory()
    concern = _raise(duo)
    client.force_login(coordinator_of(duo))
    assert client.get(_url("concern_outcome", concern)).status_code == 405
    assert client.get(_url("concern_close", concern)).status_code == 405


def test_the_page_is_audited_per_child_and_shows_who_saw_it_to_the_coordinator_only(client):
    duo = TrajectoryFactory(pupils=2)
    coordinator = coordinator_of(duo)
    concern = _raise(duo)
    client.force_login(coordinator)
    response = client.get(_url("concern_detail", concern))
    assert response.status_code == 200
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=coordinator)
    assert sorted(v.object_id for v in views) == sorted(
        str(p.pupil.uuid) for p in duo.participants.all()
    )
    assert all(v.detail["concern"] == str(concern.uuid) for v in views)
    history = response.context["history"]
    assert [step.viewed for step in history] == [False, True]  # raised, then one page view
    page = client.get(_url("concern_detail", concern)).content.decode()
    assert "Zorgsignaal bekeken" in page
    # the buddy sees the steps, not who read it; no pupil name in any address
    client.force_login(duo.buddy.user)
    response = client.get(_url("concern_detail", concern))
    assert response.status_code == 200
    assert all(not step.viewed for step in response.context["history"])
    assert "Ik neem dit zorgsignaal op" not in response.content.decode()


def test_acknowledge_outcome_and_close_through_the_pages(client):
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    concern = _raise(duo)
    client.force_login(coordinator)
    detail = _url("concern_detail", concern)
    # an outcome before anyone took it up: back to the page with the reason, nothing changed
    before = _state(concern)
    response = client.post(
        _url("concern_outcome", concern), {"outcome": "care_team", "note": ""}, follow=True
    )
    assert response.redirect_chain == [(detail, 302)]
    assert "Neem het zorgsignaal eerst op" in response.content.decode()
    assert _state(concern) == before
    response = client.post(
        _url("concern_acknowledge", concern), {"note": "Ik bel.", "from": "concern"}
    )
    assert response.status_code == 302 and response.url == detail
    # a missing choice: the page again with a Dutch error, nothing changed
    before = _state(concern)
    response = client.post(_url("concern_outcome", concern), {"outcome": "", "note": ""})
    assert response.status_code == 200
    assert "Kies wat er gedaan is." in response.content.decode()
    assert _state(concern) == before
    # resolved needs a note
    response = client.post(_url("concern_outcome", concern), {"outcome": "resolved", "note": ""})
    assert "Schrijf een paar woorden." in response.content.decode()
    assert _state(concern) == before
    # closing before an outcome: refused in Dutch
    response = client.post(_url("concern_close", concern), follow=True)
    assert "Een zorgsignaal sluit je pas af met een uitkomst" in response.content.decode()
    assert _state(concern) == before
    response = client.post(
        _url("concern_outcome", concern), {"outcome": "resolved", "note": "Gesprek gehad."}
    )
    assert response.status_code == 302
    response = client.post(_url("concern_close", concern), follow=True)
    assert "Het zorgsignaal is afgesloten." in response.content.decode()
    assert Concern.objects.get(pk=concern.pk).status == ConcernStatus.CLOSED
    closed = _state(concern)
    response = client.post(_url("concern_close", concern), follow=True)
    assert "Dit zorgsignaal werd al afgesloten door" in response.content.decode()
    assert _state(concern) == closed


def test_the_buddy_and_the_school_may_not_close(client):
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    concern = _raise(duo)
    cs.concern_acknowledge(actor=coordinator, concern=concern)
    cs.concern_record_outcome(actor=coordinator, concern=concern, outcome="care_team")
    before = _state(concern)
    for user in (duo.buddy.user, school_staff_of(duo)):
        client.force_login(user)
        assert client.post(_url("concern_close", concern)).status_code == 403
    client.force_login(duo.buddy.user)
    assert client.post(_url("concern_outcome", concern), {"outcome": "resolved"}).status_code == (
        403
    )
    assert _state(concern) == before


def test_a_closed_duos_concern_is_followed_up_and_closed_from_its_page(client):
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    concern = _raise(duo)
    services.trajectory_close(
        actor=coordinator, trajectory=duo, reason="ended_as_planned", final_wellbeing=3
    )
    client.force_login(coordinator)
    page = client.get(_url("concern_detail", concern)).content.decode()
    assert "Dit duo is afgesloten, maar het zorgsignaal wordt opgevolgd" in page
    client.post(_url("concern_acknowledge", concern), {"note": ""})
    client.post(_url("concern_outcome", concern), {"outcome": "outside_service", "note": ""})
    client.post(_url("concern_close", concern))
    assert Concern.objects.get(pk=concern.pk).status == ConcernStatus.CLOSED
