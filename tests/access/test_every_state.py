"""Issue 16, point 1: no server error from any reachable URL.

A sibling of the access matrix: every declared route, asked by every principal with GET
and with POST (the row's form data, and an empty form), with the world's objects in each
state of their life: the duo planned (a draft: agreements not yet confirmed), active,
paused and closed; the referral a draft, submitted and declined; the proposal pending,
accepted and declined. Any server error (an exception in a view) fails the route's test,
whatever the principal was allowed to see: a page or a clean 4xx is the only answer.

The world is the access matrix's, built once per module; each state is set through the
services inside the test's savepoint, and each request runs in a savepoint of that.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from buddywerk.access.models import Role
from tests.access.matrix import Route, all_rows
from tests.access.world import ROLES, World, build_world
from tests.conftest import TEST_SETTINGS

ROUTES, _EXEMPT = all_rows()
ROUTE_NAMES = sorted({route.name for route in ROUTES})


def _coordinator(world: World):
    return world.users[Role.PROGRAMME_COORDINATOR.value]


def _draft(world: World) -> None:
    """A duo that is planned (agreements not yet confirmed) and a draft referral."""
    from tests.trajectories.factories import TrajectoryFactory

    world.objects["duo"] = TrajectoryFactory(
        planned=True, programme=world.programme, buddy=world.buddy, school=world.school
    )
    world.objects["referral"] = world.draft_referral


def _active(world: World) -> None:
    """As the world is built: the duo active, the referral submitted, the proposal
    pending."""


def _paused(world: World) -> None:
    from buddywerk.matching import services as matching_services
    from buddywerk.trajectories import services

    services.trajectory_pause(actor=_coordinator(world), trajectory=world.duo, reason="Ziek")
    matching_services.proposal_accept(actor=world.buddy.user, proposal=world.proposal)


def _closed(world: World) -> None:
    from buddywerk.matching import services as matching_services
    from buddywerk.referrals import services as referral_services
    from buddywerk.trajectories import services

    services.trajectory_close(
        actor=_coordinator(world),
        trajectory=world.duo,
        reason="ended_as_planned",
        closed_on=timezone.localdate(),
        final_wellbeing=3,
    )
    matching_services.proposal_decline(
        actor=world.buddy.user, proposal=world.proposal, reason="Geen tijd."
    )
    referral_services.referral_decline(
        actor=_coordinator(world), referral=world.referral, reason="Past niet."
    )


STATES: dict[str, Callable[[World], None]] = {
    "draft": _draft,
    "active": _active,
    "paused": _paused,
    "closed": _closed,
}


@pytest.fixture(scope="module")
def state_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(**TEST_SETTINGS):
            world = build_world()
        yield world
        transaction.set_rollback(True)


def _requests(name: str, world: World) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, url, data) for every object the route's rows name: GET, POST with each
    POST row's data, and POST with an empty form."""
    asked: list[tuple[str, str, dict[str, Any]]] = []
    rows: list[Route] = [route for route in ROUTES if route.name == name]
    for route in rows:
        try:
            url = reverse(name, kwargs=route.args(world) if route.args else None)
        except AttributeError:
            continue  # an object this state does not have (e.g. a meeting of a draft duo)
        for request in [("get", url, {}), ("post", url, {}), ("post", url, route.data)]:
            if request not in asked:
                asked.append(request)
    return asked


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("name", ROUTE_NAMES)
def test_no_server_error(name: str, state: str, state_world: World, db):
    errors = []
    with transaction.atomic():
        world = state_world.reread()
        with override_settings(**TEST_SETTINGS):
            STATES[state](world)
        for method, url, data in _requests(name, world):
            for role in ROLES:
                client = Client()
                user = world.users[role]
                with transaction.atomic():
                    if user is not None:
                        client.force_login(user)
                    try:
                        response = getattr(client, method)(url, data)
                    except Exception as exc:  # the view raised: a 500 in production
                        errors.append(f"{method.upper()} {url} as {role}: {exc!r}")
                    else:
                        if response.status_code >= 500:
                            errors.append(f"{method.upper()} {url} as {role}: {response}")
                    transaction.set_rollback(True)
        transaction.set_rollback(True)
    assert not errors, f"{state}: server errors\n" + "\n".join(errors)
