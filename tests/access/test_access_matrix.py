"""Walk every URL pattern for every role and compare with the declared table.

Each declared route (name + method) is its own test, which asks the route as every
principal and reports every mismatch of that route. The world is built once per module
(so once per xdist worker) inside a transaction that is rolled back at the end; each test
runs in a savepoint of it, and each principal's request in a savepoint of that, so a POST
never changes what the next principal or the next route finds.
"""

from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access.matrix import LOGIN, REDIRECT, Route, all_rows
from tests.access.world import ROLES, World, build_world
from tests.conftest import TEST_SETTINGS
from tests.days import resolved

ROUTES, EXEMPT = all_rows()


def _route_ids(routes: list[Route]) -> list[str]:
    """`name-METHOD`, numbered from the second row of the same route on (other objects)."""
    seen: Counter[str] = Counter()
    ids = []
    for route in routes:
        key = f"{route.name}-{route.method.upper()}"
        seen[key] += 1
        ids.append(key if seen[key] == 1 else f"{key}-{seen[key]}")
    return ids


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    """(route prefix, name) of every pattern, with namespaces."""
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found.extend(_walk(entry, route, ns))
        elif isinstance(entry, URLPattern):
            found.append((route, f"{namespace}{entry.name}" if entry.name else ""))
    return found


def _outcome(client: Client, response) -> int | str:
    """The status, or where a chain of redirects ends: the sign-in page (LOGIN), a refusal
    (403, e.g. the admin's own login for a non-admin), or anywhere else (REDIRECT)."""
    if response.status_code not in (301, 302, 303):
        return response.status_code
    for _hop in range(5):
        target = urlsplit(response["Location"]).path
        if target == reverse(settings.LOGIN_URL):
            return LOGIN
        response = client.get(response["Location"])
        if response.status_code == 403:
            return 403
        if response.status_code not in (301, 302, 303):
            return REDIRECT
    return REDIRECT


@pytest.mark.django_db
def test_every_route_is_declared():
    declared = {route.name for route in ROUTES}
    missing = [
        (pattern, name)
        for pattern, name in _walk(get_resolver())
        if not any(pattern.lstrip("^").startswith(e.prefix) for e in EXEMPT)
        and (not name or name not in declared)
    ]
    assert not missing, f"Routes missing from the access matrix: {missing}"
    for route in ROUTES:
        assert set(route.expect) == set(ROLES), f"{route.name}: declare every role"


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """The world, built once for the module in an outer transaction that is rolled back
    when the module is done (the tests' own transactions become savepoints in it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(**TEST_SETTINGS):
            world = build_world()
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(matrix_world: World, db) -> World:
    """The module's world, re-read from the database for this test."""
    return matrix_world.reread()


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=_route_ids(ROUTES))
def test_access_matrix(route: Route, world: World):
    url = reverse(route.name, kwargs=route.args(world) if route.args else None)
    mismatches = []
    for role in ROLES:
        client = Client()
        user = world.users[role]
        with transaction.atomic():
            if user is not None:
                client.force_login(user)
            response = getattr(client, route.method)(url, resolved(route.data, iso=True))
            got = _outcome(client, response)
            transaction.set_rollback(True)
        if got != route.expect[role]:
            mismatches.append(f"as {role}: expected {route.expect[role]}, got {got}")
    assert not mismatches, f"{route.method.upper()} {url}\n" + "\n".join(mismatches)
