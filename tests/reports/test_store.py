"""The funder's report served from the store (issue 17, point 4; reports/store.py): a
second request reads the counters and the stored figures only; without the freshness window
a service write changes the served figures at once, within it the latest report is served
until it is REPORT_REFRESH_SECONDS old, and the page says when its figures were computed; a
restricted reader's stored figures are the published ones, and its keys are never an
unrestricted reader's."""

import datetime as dt
import io
from urllib.parse import parse_qsl, urlencode

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from buddywerk.access.models import Role
from buddywerk.common.dates import date_text
from buddywerk.organisations.models import OrganisationKind
from buddywerk.reports import exports, store
from buddywerk.reports.figures import with_display
from buddywerk.reports.forms import ReportForm, report_as_seen
from buddywerk.reports.models import ReportInputVersion
from buddywerk.trajectories import services
from buddywerk.trajectories.enums import MeetingStatus
from buddywerk.trajectories.models import Trajectory
from tests.factories import OrganisationFactory
from tests.reports.test_views import QUERY, user_with
from tests.reports.world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    with translation.override("en"):
        return build()


def form_of(user, query=QUERY):
    form = ReportForm(query, user=user)
    assert form.is_valid(), form.errors
    return form


def published(report):
    """Every table as it is published (in English, as the reports were asked): columns,
    labels, the shown values and their text."""
    with translation.override("en"):
        return [
            (
                t.key,
                [str(c) for c in t.columns],
                [(str(r.label), r.shown, r.display) for r in t.rows],
            )
            for t in report.tables
        ]


def test_second_request_reads_only_the_counters_and_the_store(
    world, django_assert_num_queries, django_assert_max_num_queries
):
    admin = user_with(Role.PLATFORM_ADMIN)
    with translation.override("en"):
        first = store.served_report(form_of(admin))
        # The form (areas, school years) is built by the view anyway; the store adds one
        # read of the counters and one of the cache.
        form = form_of(admin)
        with django_assert_num_queries(2):
            second = store.served_report(form)
    assert published(second) == published(first)
    assert second.generated_at == first.generated_at


def test_the_page_computes_once(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = user_with(Role.PLATFORM_ADMIN)
    client.force_login(admin)
    counts = []
    for _n in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("reports:report"), QUERY)
        assert response.status_code == 200
        counts.append(len(queries))
    # The figures' queries (about thirty) run on the first request only.
    assert counts[1] <= counts[0] - 20, counts


@override_settings(REPORT_REFRESH_SECONDS=0)
def test_a_service_write_changes_the_served_figures_at_once(world):
    admin = user_with(Role.PLATFORM_ADMIN)
    duo = Trajectory.objects.filter(programme=world.p1, closed_on__isnull=True).first()
    assert duo is not None
    with translation.override("en"):
        before = store.served_report(form_of(admin))
        day = dt.date(2025, 11, 20)
        services.meeting_log(
            actor=duo.buddy.user,
            trajectory=duo,
            date=day,
            status=MeetingStatus.HAPPENED,
            duration_minutes=60,
            cancel_reason="",
            wellbeing=None,
            today=day,
            now=dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC),
        )
        after = store.served_report(form_of(admin))
        fresh = report_as_seen(form_of(admin))
    assert published(after) == published(fresh)
    assert after.table("meetings").rows[0].values != before.table("meetings").rows[0].values


def test_a_meeting_raises_only_its_programme_and_not_the_other_province(world):
    duo = Trajectory.objects.filter(programme=world.p1, closed_on__isnull=True).first()
    counters = dict(ReportInputVersion.objects.values_list("part", "counter"))
    day = dt.date(2025, 11, 21)
    services.meeting_log(
        actor=duo.buddy.user,
        trajectory=duo,
        date=day,
        status=MeetingStatus.HAPPENED,
        duration_minutes=60,
        cancel_reason="",
        wellbeing=None,
        today=day,
        now=dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC),
    )
    now = dict(ReportInputVersion.objects.values_list("part", "counter"))
    assert now[world.p1.pk] > counters.get(world.p1.pk, 0)
    assert now.get(world.p2.pk) == counters.get(world.p2.pk)
    assert now.get(0) == counters.get(0)


def test_restricted_readers_get_the_uncached_published_figures_and_store_no_count(world):
    funder = user_with(Role.FUNDER)
    admin = user_with(Role.PLATFORM_ADMIN)
    with translation.override("en"):
        fresh = report_as_seen(form_of(funder))
        assert fresh.suppressed
        served = store.served_report(form_of(funder))
        again = store.served_report(form_of(funder))
        # An unrestricted reader of the same area has its own entry.
        full = store.served_report(form_of(admin))
        assert store.key_of(form_of(funder), True) != store.key_of(form_of(admin), False)
    assert published(served) == published(fresh) == published(again)
    assert served.suppressed and again.suppressed and not full.suppressed
    assert published(full) == published(with_display(full, suppress=False))
    # What is stored for the restricted reader is the published text and bands only.
    for table in again.tables:
        for row in table.rows:
            assert row.values == row.shown
            assert row.parts is None
    assert any(
        isinstance(v, str) and v in ("<5", "x")
        for t in again.tables
        for r in t.rows
        for v in r.values
    )


def test_regional_coordinators_of_two_provinces_get_their_own_figures(world):
    with translation.override("en"):
        readers = {}
        for programme in (world.p1, world.p2):
            region = OrganisationFactory(kind=OrganisationKind.REGION, province=programme.province)
            reader = user_with(Role.REGIONAL_COORDINATOR, region)
            query = {**QUERY, "area": f"province:{programme.province.code}"}
            readers[programme.province.code] = (reader, query)
        served = {
            code: store.served_report(form_of(reader, query))
            for code, (reader, query) in readers.items()
        }
        for reader, query in readers.values():
            assert published(store.served_report(form_of(reader, query))) == published(
                report_as_seen(form_of(reader, query))
            )
    van, vov = served["VAN"], served["VOV"]
    assert van.tables[0].columns != vov.tables[0].columns
    assert published(van) != published(vov)


def test_the_store_is_the_database_cache(world):
    admin = user_with(Role.PLATFORM_ADMIN)
    with translation.override("en"):
        form = form_of(admin)
        store.served_report(form)
        assert cache.get(store.key_of(form, False)) is not None


# --- the freshness window (REPORT_REFRESH_SECONDS) -------------------------------------


def log_meeting(world, day=dt.date(2025, 11, 20)):
    duo = Trajectory.objects.filter(programme=world.p1, closed_on__isnull=True).first()
    assert duo is not None
    services.meeting_log(
        actor=duo.buddy.user,
        trajectory=duo,
        date=day,
        status=MeetingStatus.HAPPENED,
        duration_minutes=60,
        cancel_reason="",
        wellbeing=None,
        today=day,
        now=dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC),
    )


def held(report):
    return report.table("meetings").rows[0].values


def age_latest(form, suppressed, seconds):
    """The latest report stored for the form, as if computed `seconds` ago."""
    key = store.latest_key_of(form, suppressed)
    tables, _at = cache.get(key)
    at = timezone.now() - dt.timedelta(seconds=seconds)
    cache.set(key, (tables, at), 3600)
    return at


@override_settings(REPORT_REFRESH_SECONDS=60)
def test_within_the_window_a_change_waits_and_after_it_shows(world):
    admin = user_with(Role.PLATFORM_ADMIN)
    with translation.override("en"):
        before = store.served_report(form_of(admin))
        at = age_latest(form_of(admin), False, 45)
        log_meeting(world)
        during = store.served_report(form_of(admin))
        fresh = report_as_seen(form_of(admin))
        assert held(fresh) != held(before)
        # Within the window: the latest report, with the time its figures were computed.
        assert held(during) == held(before)
        assert during.generated_at == at
        # Once it is older than the window, the change shows, and is stored again.
        age_latest(form_of(admin), False, 61)
        after = store.served_report(form_of(admin))
        assert published(after) == published(fresh)
        assert after.generated_at > at
        assert published(store.served_report(form_of(admin))) == published(fresh)


DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def queued_refreshes():
    from django.tasks import task_backends

    return [r for r in task_backends["default"].results if r.task.name == "report_refresh"]


@override_settings(REPORT_REFRESH_SECONDS=60, TASKS=DUMMY_TASKS)
def test_half_a_window_old_the_latest_report_is_computed_again_by_the_worker(world):
    admin = user_with(Role.PLATFORM_ADMIN)
    with translation.override("en"):
        before = store.served_report(form_of(admin))
        log_meeting(world)
        fresh = report_as_seen(form_of(admin))
        # Younger than half the window: served, nothing asked of the worker.
        age_latest(form_of(admin), False, 20)
        assert held(store.served_report(form_of(admin))) == held(before)
        assert queued_refreshes() == []
        # Half a window old: still served as it is (no reader waits), and one refresh is
        # queued, however many readers are served it meanwhile.
        at = age_latest(form_of(admin), False, 35)
        served = store.served_report(form_of(admin))
        assert held(served) == held(before)
        assert served.generated_at == at
        age_latest(form_of(admin), False, 40)
        store.served_report(form_of(admin))
        (queued,) = queued_refreshes()
        assert (queued.kwargs["user_id"], queued.kwargs["language"]) == (admin.pk, "en")
        assert dict(parse_qsl(queued.kwargs["query"])) == QUERY
        # The worker's run stores the figures as the reader now sees them: the next request
        # is served them under the current counters.
        queued.task.call(**queued.kwargs)
        key = store.key_of(form_of(admin), False)
        assert cache.get(key) is not None
        after = store.served_report(form_of(admin))
    assert published(after) == published(fresh)
    assert after.generated_at > at


@override_settings(REPORT_REFRESH_SECONDS=60)
def test_a_refresh_for_a_reader_who_may_no_longer_see_reports_computes_nothing(world):
    from buddywerk.access.models import Membership
    from buddywerk.reports.tasks import report_refresh

    admin = user_with(Role.PLATFORM_ADMIN)
    with translation.override("en"):
        query = form_of(admin).data
        Membership.objects.filter(user=admin).delete()
        report_refresh.call(user_id=admin.pk, query=urlencode(query, doseq=True), language="en")
    assert cache.get(store.latest_key_of(form_of(user_with(Role.PLATFORM_ADMIN)), False)) is None


def test_with_a_window_of_zero_a_change_shows_at_once_and_nothing_else_is_stored(world):
    admin = user_with(Role.PLATFORM_ADMIN)
    with override_settings(REPORT_REFRESH_SECONDS=0), translation.override("en"):
        store.served_report(form_of(admin))
        assert cache.get(store.latest_key_of(form_of(admin), False)) is None
        log_meeting(world)
        assert published(store.served_report(form_of(admin))) == published(
            report_as_seen(form_of(admin))
        )


@override_settings(REPORT_REFRESH_SECONDS=60)
def test_the_page_and_its_files_say_when_the_figures_were_computed(client, world):
    admin = user_with(Role.PLATFORM_ADMIN)
    client.force_login(admin)
    assert client.get(reverse("reports:report"), QUERY).status_code == 200
    with translation.override("nl-be"):
        # Younger than half the window: served as it is, not yet computed again.
        at = age_latest(form_of(admin), False, 20)
    log_meeting(world)
    response = client.get(reverse("reports:report"), QUERY)
    local = timezone.localtime(at)
    with translation.override("nl-be"):
        expected = exports.computed_at(store.served_report(form_of(admin)))
        assert expected == f"Cijfers berekend op {date_text(at)} om {local:%H:%M}."
    page = response.content.decode()
    assert expected in page
    assert "Een latere wijziging zie je hier na hoogstens 60 seconden." in page
    # The CSV says it in its first row, the workbook on its first sheet.
    csv = client.get(reverse("reports:export", args=["csv"]), QUERY).content.decode("utf-8-sig")
    assert expected in csv.splitlines()[0]
    from openpyxl import load_workbook

    book = load_workbook(
        io.BytesIO(client.get(reverse("reports:export", args=["xlsx"]), QUERY).content)
    )
    assert expected in [row[0] for row in book.worksheets[0].iter_rows(values_only=True)]


def test_the_pdf_says_when_the_figures_were_computed(world):
    admin = user_with(Role.PLATFORM_ADMIN)
    with translation.override("nl-be"):
        report = store.served_report(form_of(admin))
        html = exports.render_to_string("reports/report_pdf.html", {"report": report, "tables": []})
        assert exports.computed_at(report) in html


@override_settings(REPORT_REFRESH_SECONDS=60)
def test_a_restricted_reader_never_gets_the_latest_report_of_an_unrestricted_one(world):
    funder = user_with(Role.FUNDER)
    admin = user_with(Role.PLATFORM_ADMIN)
    with translation.override("en"):
        assert store.latest_key_of(form_of(funder), True) != store.latest_key_of(
            form_of(admin), False
        )
        full = store.served_report(form_of(admin))
        log_meeting(world)
        # The admin's latest report is within the window; the funder has none yet.
        served = store.served_report(form_of(funder))
        fresh = report_as_seen(form_of(funder))
        assert served.suppressed and not full.suppressed
        assert published(served) == published(fresh)
        for table in served.tables:
            for row in table.rows:
                assert row.values == row.shown and row.parts is None
        # And the funder's own latest report, within the window, is theirs again.
        log_meeting(world, dt.date(2025, 11, 21))
        again = store.served_report(form_of(funder))
        assert again.suppressed and published(again) == published(served)


@override_settings(REPORT_REFRESH_SECONDS=60)
def test_another_area_or_period_never_shares_the_latest_report(world):
    admin = user_with(Role.PLATFORM_ADMIN)
    asks = [
        QUERY,
        {**QUERY, "area": f"programme:{world.p1.pk}"},
        {**QUERY, "area": f"programme:{world.p2.pk}"},
        {**QUERY, "period": "final"},
        {**QUERY, "school_year": "2024"},
    ]
    with translation.override("en"):
        keys = {store.latest_key_of(form_of(admin, q), False) for q in asks}
        assert len(keys) == len(asks)
        store.served_report(form_of(admin, QUERY))
        log_meeting(world)
        for query in asks[1:]:
            assert published(store.served_report(form_of(admin, query))) == published(
                report_as_seen(form_of(admin, query))
            ), query


# --- the archive's figures, stored apart ------------------------------------------------


@override_settings(REPORT_REFRESH_SECONDS=0)
def test_an_archive_write_changes_the_stored_archive_figures_at_once(
    world, django_assert_num_queries
):
    from django.db.models import Q

    from buddywerk.privacy.archive import archived_figures, stored_archived_figures
    from buddywerk.privacy.purge import Group, archive_groups
    from buddywerk.referrals.enums import ReferralStatus
    from buddywerk.referrals.models import Referral

    # Setting: a closed duo whose pupil's referral was closed too (the purge keeps the
    # people of an open referral), written before any figure is computed.
    duo = Trajectory.objects.filter(closed_on__isnull=False).order_by("pk").first()
    group = Group(duos={duo.pk})
    for pupil, family in duo.participants.values_list("pupil_id", "family_id"):
        group.pupils |= {pupil} - {None}
        group.families |= {family} - {None}
    referrals = Referral.objects.filter(Q(pupil__in=group.pupils) | Q(family__in=group.families))
    referrals.update(status=ReferralStatus.CLOSED)
    group.referrals = set(referrals.values_list("pk", flat=True))
    assert group.referrals
    admin = user_with(Role.PLATFORM_ADMIN)
    with translation.override("en"):
        form = form_of(admin)
        scope, period = form.get_scope(), form.get_period()
        before = store.served_report(form)
        stored = stored_archived_figures(scope, period.start, period.end)
        # Stored once: then the counter and the cache only.
        with django_assert_num_queries(2):
            assert stored_archived_figures(scope, period.start, period.end) == stored
        # A meeting logged (a programme's part) leaves the archive's figures valid.
        log_meeting(world)
        with django_assert_num_queries(2):
            stored_archived_figures(scope, period.start, period.end)
        # The erasure of the closed duo's people moves its figures into the archive.
        counts = archive_groups([group], today=dt.date(2026, 11, 1))
        assert counts.rows, counts
        now = stored_archived_figures(scope, period.start, period.end)
        assert now != stored
        assert now == archived_figures(scope, period.start, period.end)
        after = store.served_report(form_of(admin))
        fresh = report_as_seen(form_of(admin))
    assert published(after) == published(fresh)
    # The archive keeps the figures: the report is the same as before the erasure, plus
    # the meeting logged.
    assert [t.key for t in after.tables] == [t.key for t in before.tables]
