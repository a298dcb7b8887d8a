"""Issue 18, point 3 (bulk): every read answers with an ETag, and If-None-Match with it
answers 304 without a body; for every GET operation of the API's access matrix, as a role
that reads it."""

import pytest
from django.test import Client

from tests.api.roles import token_world
from tests.api.test_access_matrix import MATRIX

pytestmark = pytest.mark.django_db

READS = sorted(name for name, (method, *_rest) in MATRIX.items() if method == "get")


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    settings.API_TOKEN_RATE_LIMIT = "1000/m"


def test_every_read_answers_an_etag_and_304_for_it():
    world = token_world()
    assert {"duo_list", "meeting_list", "proposal_get", "figures_open"} <= set(READS)
    for name in READS:
        _method, path, _body, expected = MATRIX[name]
        role = next(r for r, status in expected.items() if status == 200)
        key = world["keys"][role]
        client = Client(headers={"Authorization": f"Bearer {key}"} if key else {})
        first = client.get(path(world))
        assert first.status_code == 200, name
        again = client.get(path(world), headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304 and again.content == b"", name
