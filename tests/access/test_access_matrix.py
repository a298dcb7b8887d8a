"""Walk every URL pattern for every role and compare with the declared table."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access.matrix import LOGIN, REDIRECT, all_rows
from tests.access.world import ROLES, build_world


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
    routes, exempt = all_rows()
    declared = {route.name for route in routes}
    missing = [
        (pattern, name)
        for pattern, name in _walk(get_resolver())
        if not any(pattern.lstrip("^").startswith(e.prefix) for e in exempt)
        and (not name or name not in declared)
    ]
    assert not missing, f"Routes missing from the access matrix: {missing}"
    for route in routes:
        assert set(route.expect) == set(ROLES), f"{route.name}: declare every role"


@pytest.mark.django_db
def test_access_matrix():
    routes, _exempt = all_rows()
    world = build_world()
    mismatches = []
    for route in routes:
        url = reverse(route.name, kwargs=route.args(world) if route.args else None)
        for role in ROLES:
            client = Client()
            user = world.users[role]
            if user is not None:
                client.force_login(user)
            response = getattr(client, route.method)(url, route.data)
            got = _outcome(client, response)
            if got != route.expect[role]:
                mismatches.append(
                    f"{route.method.upper()} {url} as {role}: "
                    f"expected {route.expect[role]}, got {got}"
                )
    assert not mismatches, "\n".join(mismatches)
