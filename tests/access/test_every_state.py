"""Issue 16, point 1: no server error from any reachable URL.

A sibling of the access matrix: every declared route, asked by every principal with GET
and with POST (the row's form data, and an empty form), with the world's objects in each
state of their life: the duo planned (a draft: agreements not yet confirmed), active,
paused and closed; the referral a draft, submitted and declined; the proposal pending,
accepted and declined. Any server error (an exception in a view) fails the route's test,
whatever the principal was allowed to see: a page or a clean 4xx is the only answer.

The world is the access matrix's, built once per module; each state is set through the
services inside the test's savepoint, and each request runs in a savepoint of that.

Careless and hostile input: every form shown with the objects active (a POST form on the
page, to the first principal who gets it) is also sent back with each of its fields set to
an implausible value (a very long text, a number beyond any column, a negative number, a
date in year 1 or 9999, not a date at all): a field error or a refusal, never a server
error.
"""

import uuid
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from buddywerk.access.models import Role
from tests.access.matrix import Route, all_rows
from tests.access.world import OUTSIDERS, ROLES, World, build_world
from tests.conftest import TEST_SETTINGS
from tests.days import resolved

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


HOSTILE = ["x" * 5000, "99999999999999999999", "-1", "0001-01-01", "9999-12-31", "31/02/2026"]


class _PostForms(HTMLParser):
    """The field names of the POST forms of a page that post back to the page itself."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[str]] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            own = not found.get("action")
            post = (found.get("method") or "").lower() == "post"
            self._current = [] if own and post else None
            if self._current is not None:
                self.forms.append(self._current)
        elif tag in ("input", "select", "textarea") and self._current is not None:
            name = found.get("name")
            if name and name != "csrfmiddlewaretoken" and name not in self._current:
                self._current.append(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def _hostile_posts(response) -> list[dict[str, str]]:
    """One form data per implausible value, for each POST form the page shows."""
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return []
    parser = _PostForms()
    parser.feed(response.content.decode())
    return [{name: value for name in fields} for fields in parser.forms for value in HOSTILE]


def _missing(value: Any) -> Any:
    """A URL argument of the same kind that names nothing: no such object, no such step."""
    if isinstance(value, uuid.UUID):
        return uuid.UUID(int=0)
    if isinstance(value, int):
        return 10**20
    return "missing"


def _requests(name: str, world: World, state: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, url, data) for every object the route's rows name: GET, POST with each
    POST row's data, and POST with an empty form; with the objects active, also with each
    URL argument naming nothing (an unknown object, a step beyond the last)."""
    asked: list[tuple[str, str, dict[str, Any]]] = []
    rows: list[Route] = [route for route in ROUTES if route.name == name]
    urls = []
    for route in rows:
        try:
            kwargs = route.args(world) if route.args else {}
        except AttributeError:
            continue  # an object this state does not have (e.g. a meeting of a draft duo)
        urls.append((route, reverse(name, kwargs=kwargs)))
        if state == "active" and kwargs:
            try:
                missing = reverse(name, kwargs={k: _missing(v) for k, v in kwargs.items()})
            except NoReverseMatch:
                continue  # the route takes no such value at all (its pattern refuses it)
            urls.append((route, missing))
    for route, url in urls:
        for request in [
            ("get", url, {}),
            ("post", url, {}),
            ("post", url, resolved(route.data, iso=True)),
        ]:
            if request not in asked:
                asked.append(request)
    return asked


def _principals(state: str) -> list[str]:
    """Everyone with the objects active; in the other states the insiders (an outsider is
    refused by the scoped lookup before the object's state is read)."""
    return ROLES if state == "active" else [r for r in ROLES if r not in OUTSIDERS]


def _ask(client: Client, method: str, url: str, data: dict, errors: list[str], role: str):
    """The response, in a savepoint rolled back after it; a server error is noted."""
    response = None
    with transaction.atomic():
        try:
            response = getattr(client, method)(url, data)
        except Exception as exc:  # the view raised: a 500 in production
            errors.append(f"{method.upper()} {url} as {role} {_short(data)}: {exc!r}")
        else:
            if response.status_code >= 500:
                errors.append(f"{method.upper()} {url} as {role} {_short(data)}: {response}")
        transaction.set_rollback(True)
    return response


def _short(data: dict) -> str:
    return str({name: str(value)[:20] for name, value in data.items()})[:200]


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("name", ROUTE_NAMES)
def test_no_server_error(name: str, state: str, state_world: World, db):
    errors: list[str] = []
    hostile_sent: set[str] = set()
    with transaction.atomic():
        world = state_world.reread()
        with override_settings(**TEST_SETTINGS):
            STATES[state](world)
        for method, url, data in _requests(name, world, state):
            for role in _principals(state):
                client = Client()
                user = world.users[role]
                if user is not None:
                    client.force_login(user)
                response = _ask(client, method, url, data, errors, role)
                if method == "get" and response is not None and state == "active":
                    for hostile in _hostile_posts(response):
                        key = f"{url} {sorted(hostile.items())}"
                        if key not in hostile_sent:
                            hostile_sent.add(key)
                            _ask(client, "post", url, hostile, errors, role)
        transaction.set_rollback(True)
    assert not errors, f"{state}: server errors\n" + "\n".join(errors)
