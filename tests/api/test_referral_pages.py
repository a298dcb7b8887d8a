"""Issue 18, "Tests and measures": listing referrals page by page through the API costs the
same number of queries on every page (cursor pagination; benchmarks/api_referrals.py times
it at 1,000 referrals on PostgreSQL)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from buddywerk.api.models import ApiScope
from tests.api.helpers import api, school_staff, token_for
from tests.factories import ProgrammeFactory, PupilFactory, ReferralFactory

pytestmark = pytest.mark.django_db

PAGE = 2
PAGES = 10


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    settings.API_TOKEN_RATE_LIMIT = "1000/m"


def test_every_page_of_the_referral_list_costs_the_same_queries():
    user, school = school_staff()
    programmes = [ProgrammeFactory(), ProgrammeFactory()]
    referrals = [
        ReferralFactory(pupil=PupilFactory(school=school), programme=programmes[n % 2])
        for n in range(PAGE * PAGES + 1)
    ]
    _, key = token_for(user, scopes=[ApiScope.REFERRALS_READ])
    client = api(key)
    cursor = None
    counts = []
    seen = []
    for _page in range(PAGES):
        params = {"limit": PAGE, **({"cursor": cursor} if cursor else {})}
        with CaptureQueriesContext(connection) as captured:
            answer = client.get("/api/v1/referrals", params)
        assert answer.status_code == 200
        body = answer.json()
        counts.append(len(captured))
        seen += [item["uuid"] for item in body["items"]]
        cursor = body["next_cursor"]
    assert cursor is not None  # one more page after the tenth
    assert counts[0] == counts[9], counts
    assert len(set(counts)) == 1, counts
    # Nor does the count grow with the page's length (no query per row).
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/referrals", {"limit": PAGE * PAGES}).status_code == 200
    assert len(captured) == counts[0]
    # Every referral once, newest first, none skipped.
    newest_first = [str(r.uuid) for r in reversed(referrals)]
    assert seen == newest_first[: PAGE * PAGES]
