"""Shared test set-up: real database, fast hashing, strict templates, Chromium for browser tests."""

import importlib
import os
import shutil
import tempfile

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls in browser
# tests are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Every widget the tests render is rendered by Django's templates too, and must be the same
# (buddywerk.common.form_renderer writes the common widgets in Python).
from buddywerk.common.form_renderer import FastRenderer  # noqa: E402

FastRenderer.verify = True

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


class _InvalidVariable(str):
    """`string_if_invalid` that fails the test on any unknown template variable."""

    def __mod__(self, other: object) -> str:
        raise AssertionError(f"Unknown template variable: {other!r}")

    def __bool__(self) -> bool:  # templates test `{% if var %}` on missing variables
        return False


# Settings every test runs with; fixtures wider than a test (the access matrix's world)
# apply them with `override_settings(**TEST_SETTINGS)`.
TEST_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "TASKS": {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
    "WHITENOISE_AUTOREFRESH": True,
    # A test's webhook receiver listens on http://127.0.0.1 (as with DEBUG); the SSRF tests
    # turn these off to see production refuse it.
    "WEBHOOK_ALLOW_HTTP": True,
    "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": True,
    # Uploads the test worlds make (grant receipts) never land in the checkout's var/.
    "MEDIA_ROOT": tempfile.mkdtemp(prefix="bw-test-media-"),
}


@pytest.fixture(autouse=True)
def _test_settings(settings):
    for name, value in TEST_SETTINGS.items():
        setattr(settings, name, value)
    settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = _InvalidVariable("%s")


@pytest.fixture(autouse=True)
def _default_language():
    """LocaleMiddleware activates a request's language in the thread and nothing turns it
    off: a test that asked a page in English would leave later tests (on the same xdist
    worker, in whatever order) in English. Every test starts in the default language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _site_language():
    """A request through LocaleMiddleware leaves its language active in the thread: start
    every test in the site's language (Dutch), whichever test ran before it in this worker
    (with pytest-xdist, an English request of tests/common/test_i18n.py may come right
    before a test that reads a Dutch error)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield


@pytest.fixture(autouse=True)
def _no_personal_data_in_logs():
    """Fail a test whose log lines hold a pupil's or family's name, a mail body line or a
    secret key (tests/log_guard.py)."""
    from tests.log_guard import install

    guard = install()
    guard.clear_lines()
    yield guard
    leaks = guard.leaks()
    guard.clear_lines()
    if leaks:
        pytest.fail("Log lines hold personal data or secrets:\n  " + "\n  ".join(leaks))


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and TOTP replay marks live in the cache: start every test clean."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests (the browser journeys' live_server among them) empty every table
    when they end, the reference rows that migrations loaded included (the geography, the
    practice database's facet lists): put them back first."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from buddywerk.geo.loader import load_geography
    from buddywerk.geo.models import Municipality, Postcode, Province

    if not Postcode.objects.exists():
        load_geography(Province, Municipality, Postcode)
    facets = importlib.import_module("buddywerk.network.migrations.0002_vocabularies_search_index")
    facets.seed(apps, None)  # get_or_create: nothing doubles


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: nothing may be downloaded here. In CI a missing Chromium fails."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI must run the browser tests.")
        pytest.skip(f"Chromium not found at {CHROMIUM}: browser tests skipped (install chromium).")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--disable-gpu", "--disable-quic"],
    }
