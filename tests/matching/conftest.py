import pytest


@pytest.fixture(autouse=True)
def _fresh_matching_cache():
    """Primary keys repeat between tests: start every test without cached inputs."""
    from buddywerk.matching.candidates import cache_clear

    cache_clear()
