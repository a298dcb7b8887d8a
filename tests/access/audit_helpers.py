"""What the audit tests of the pages share: the view events a request wrote, and the
queries it ran (the number must not grow with the rows; the audit is one INSERT)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from buddywerk.common.models import AuditEvent

AUDIT_TABLE = AuditEvent._meta.db_table


def pupil_ref(pupil) -> tuple[str, str]:
    return ("referrals.pupil", str(pupil.uuid))


def family_ref(family) -> tuple[str, str]:
    return ("referrals.family", str(family.uuid))


def get_with_events(client, url, **headers):
    """GET `url`; the response and the view events this request wrote."""
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.get(url, headers=headers)
    events = list(AuditEvent.objects.filter(id__gt=last, action="view").order_by("id"))
    return response, events


def targets(events) -> list[tuple[str, str]]:
    """The (type, id) of each event, sorted: one per child shown."""
    return sorted((e.object_type, e.object_id) for e in events)


def assert_list_events(events, *, actor, expected, **detail):
    """One view event per child in `expected` (no more, no fewer), by `actor`, marked as
    a list, with `detail` (e.g. referral=<uuid>) where given."""
    assert targets(events) == sorted(expected)
    for event in events:
        assert event.actor == actor
        assert event.action == "view"
        assert event.detail.get("list") is True
        assert event.request_id and len({e.request_id for e in events}) == 1
    for key, values in detail.items():
        assert sorted(e.detail[key] for e in events) == sorted(str(v) for v in values)


def page_queries(client, url, **headers) -> tuple[int, int]:
    """GET `url` (it must answer 200): how many queries it ran, and how many of them
    wrote to the audit table."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    sql = [q["sql"] for q in context.captured_queries]
    inserts = [s for s in sql if s.lstrip().upper().startswith("INSERT") and AUDIT_TABLE in s]
    return len(sql), len(inserts)
