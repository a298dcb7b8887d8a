"""Issue 17 point 4: the first rows of a list and the count of all of them in one query
(common.rows.first_rows), and reads shared within one page (common.memo)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from buddywerk.access.models import User
from buddywerk.common.memo import shared, shared_reads
from buddywerk.common.rows import first_rows
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _users(n: int) -> list[User]:
    return [UserFactory(email=f"rows{i:02d}@example.org") for i in range(n)]


def _read(qs, limit):
    with CaptureQueriesContext(connection) as queries:
        result = first_rows(qs, limit)
    return result, len(queries)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7])
def test_first_rows_and_count_in_one_query(n):
    made = _users(n)
    emails = [user.email for user in made]
    everyone = User.objects.filter(email__startswith="rows").order_by("email")
    assert _read(everyone.values_list("email", flat=True), 2) == ((emails[:2], n), 1)
    pairs = [(user.email, user.pk) for user in made]
    assert _read(everyone.values_list("email", "pk"), 3) == ((pairs[:3], n), 1)
    (models, count), queries = _read(everyone, 2)
    assert ([user.email for user in models], count, queries) == (emails[:2], n, 1)


def test_a_distinct_list_counts_its_distinct_rows():
    _users(3)
    # A join that repeats every user: the window would count the repeats.
    doubled = (
        User.objects.filter(email__startswith="rows", groups__isnull=True)
        .filter(email__startswith="rows")
        .distinct()
        .order_by("email")
        .values_list("email", flat=True)
    )
    rows, count = first_rows(doubled, 2)
    assert (len(rows), count) == (2, 3)
    assert first_rows(doubled, 5)[1] == 3


def test_shared_reads_read_once_within_the_block_only():
    calls = []

    def read():
        calls.append(1)
        return len(calls)

    assert shared("key", read) == 1
    assert shared("key", read) == 2  # outside of a block: afresh every time
    with shared_reads():
        assert shared("key", read) == 3
        assert shared("key", read) == 3
        assert shared("other", read) == 4
    with shared_reads():
        assert shared("key", read) == 5
