"""Issue 14, point 2: differencing is closed (docs/reports.md, "Differencing").

A restricted report (the funder; anyone beyond their own programme or province) answers
whole months only (the presets are whole months) and publishes every count in its band of
five, small counts as "<5". What an attacker reads from a published count is the interval of
values it may have; the brute force below asks every report the role may ask for on small
worlds and proves that no sum or difference of two published figures of one measure pins a
number from 1 to 4, although the worlds hold such differences (a pupil supported only in the
last month, a programme of one pupil beside a programme of six in one province). Issue 14,
point 3: the municipalities (nested in provinces, covered by overlapping programmes) are
among what the funder and city staff may ask for, and the same holds.
"""

import datetime as dt
import itertools
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from buddywerk.access.models import Role
from buddywerk.geo.models import Municipality, Province
from buddywerk.organisations.models import City, OrganisationKind
from buddywerk.reports import periods
from buddywerk.reports.forms import ReportForm, report_as_seen
from buddywerk.reports.views import _build
from buddywerk.trajectories import services
from tests.factories import (
    OrganisationFactory,
    ProgrammeFactory,
    SchoolFactory,
    UserFactory,
    member,
    postcode,
)
from tests.reports.world import build
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db

INFINITY = 10**9


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def funder():
    return member(UserFactory(), OrganisationFactory(kind=OrganisationKind.FUNDER), Role.FUNDER)


def interval(shown: object) -> tuple[int, int]:
    """What a reader learns about a count from what is published."""
    if shown == "<5":
        return 1, 4
    if shown == "x":
        return 0, INFINITY
    if isinstance(shown, str) and "-" in shown:
        low, high = shown.replace(".", "").split("-")
        return int(low), int(high)
    value = int(str(shown).replace(".", ""))
    return value, value


def month_ranges(first: dt.date, months: int) -> list[periods.Period]:
    """Every period of whole months between the first of `first`'s month and `months` on."""
    starts = []
    day = first.replace(day=1)
    for _ in range(months):
        starts.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    ends = [(s + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1) for s in starts]
    return [periods.Period(start, end) for i, start in enumerate(starts) for end in ends[i:]]


def query(area: str, period: periods.Period) -> dict[str, str]:
    return {
        "area": area,
        "period": periods.CUSTOM,
        "school_year": str(periods.school_year_of(timezone.localdate())),
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }


def every_report(user, window: list[periods.Period], school_years: list[int]):
    """Every report the user may ask for: each area the form offers, each whole-month
    period of the window and each preset of the school years."""
    form = ReportForm(user=user)
    areas = [value for value, _label in form.fields["area"].choices]
    this_year = str(periods.school_year_of(timezone.localdate()))
    reports = []
    for area in areas:
        asked = [query(area, p) for p in window]
        for year in school_years:
            for preset in (periods.INTERIM, periods.FINAL):
                asked.append({"area": area, "period": preset, "school_year": str(year)})
        for data in asked:
            data.setdefault("school_year", this_year)
            bound = ReportForm(data, user=user)
            assert bound.is_valid(), (data, bound.errors)
            # The figures as computed (their true counts beside what is published): the
            # page serves the same published figures from the store (test_store.py), which
            # keeps no true count of a restricted report.
            reports.append(report_as_seen(bound))
    return reports


def published_counts(report):
    """(measure, true value, published interval) of every count cell of a report."""
    for table in report.tables:
        for row in table.rows:
            for c, value in enumerate(row.values):
                if table.kind_of(row, c) != "count":
                    continue
                yield (table.key, str(row.label)), int(value or 0), interval(row.shown[c])


def assert_nothing_small_can_be_derived(reports) -> int:
    """No published count, and no sum or difference of two published counts of one
    measure (any two cells of any two reports), pins a value from 1 to 4. Returns how many
    pairs had a true difference from 1 to 4 (what an exact report would have revealed)."""
    cells: dict[tuple, set[tuple[int, tuple[int, int]]]] = {}
    for report in reports:
        assert report.suppressed
        for measure, value, (low, high) in published_counts(report):
            assert low <= value <= high, (measure, value, low, high)
            assert not (low == high and 1 <= low <= 4), (measure, value)
            cells.setdefault(measure, set()).add((value, (low, high)))
    isolating = 0
    for measure, found in cells.items():
        for (a, (a_low, a_high)), (b, (b_low, b_high)) in itertools.product(found, repeat=2):
            difference = (a_low - b_high, a_high - b_low)
            total = (a_low + b_low, a_high + b_high)
            for low, high in (difference, total):
                assert not (low == high and 1 <= low <= 4), (measure, a, b, low)
            if 1 <= a - b <= 4:
                isolating += 1
                # The true difference is one of several the published figures allow.
                assert difference[0] < difference[1], (measure, a, b)
    return isolating


def _service_world():
    """Two programmes in Antwerpen (six pupils in one group, one pupil alone) and one in
    Limburg; meetings held last month and this month, one pupil only this month."""
    today = timezone.localdate()
    antwerpen = Province.objects.get(code="VAN")
    limburg = Province.objects.get(code="VLI")
    big = ProgrammeFactory(name="Groot", province=antwerpen)
    small = ProgrammeFactory(name="Klein", province=antwerpen)
    other = ProgrammeFactory(name="Elders", province=limburg)
    start = today.replace(day=1) - dt.timedelta(days=20)
    group = TrajectoryFactory(programme=big, pupils=6, planned_start=start)
    alone = TrajectoryFactory(programme=small, planned_start=start)
    elsewhere = TrajectoryFactory(programme=other, pupils=5, planned_start=start)
    for duo, day in (
        (group, start),
        (group, today),
        (elsewhere, start),
        (alone, today),  # the one pupil supported this month only
    ):
        services.meeting_log(actor=duo.buddy.user, trajectory=duo, date=day, duration_minutes=60)
    return big, small, start


def test_two_requests_one_day_apart_are_refused_to_the_funder():
    """The issue's attack: the same period twice, one day apart. The month is answered; the
    month minus its last day (or plus the next day) is refused with a Dutch message and
    builds no report."""
    user = funder()
    month = month_ranges(timezone.localdate(), 1)[0]
    assert ReportForm(query("all", month), user=user).is_valid()
    shorter = periods.Period(month.start, month.end - dt.timedelta(days=1))
    longer = periods.Period(month.start, month.end + dt.timedelta(days=1))
    later = periods.Period(month.start + dt.timedelta(days=1), month.end)
    with translation.override("nl-be"):
        for period in (shorter, longer, later):
            form = ReportForm(query("all", period), user=user)
            assert not form.is_valid()
            assert "hele maanden" in " ".join(form.non_field_errors())


def test_a_coordinator_still_chooses_any_days_for_their_own_programme():
    big, _small, _start = _service_world()
    coordinator = member(UserFactory(), big, Role.PROGRAMME_COORDINATOR)
    today = timezone.localdate()
    form = ReportForm(query(f"programme:{big.pk}", periods.Period(today, today)), user=coordinator)
    assert form.is_valid(), form.errors
    assert not _build(form, SimpleNamespace(user=coordinator)).suppressed


def test_months_and_scopes_that_differ_by_one_pupil_reveal_nothing():
    big, small, start = _service_world()
    user = funder()
    request = SimpleNamespace(user=user)
    this_month = month_ranges(timezone.localdate(), 1)[0]
    both = periods.Period(start.replace(day=1), this_month.end)
    last_month = periods.Period(start.replace(day=1), this_month.start - dt.timedelta(days=1))

    def pupils(area, period):
        form = ReportForm(query(area, period), user=user)
        assert form.is_valid(), form.errors
        row = report_as_seen(form).table("participants").rows[0]
        served = _build(form, request).table("participants").rows[0]
        assert served.shown[-1] == row.shown[-1]
        return row.values[-1], row.shown[-1]

    # Two periods: the last month alone, and with this month: one pupil more.
    assert pupils("province:VAN", last_month) == (6, "5-9")
    assert pupils("province:VAN", both) == (7, "5-9")
    # Two scopes: the province minus its big programme isolates the small one's pupil.
    assert pupils(f"programme:{big.pk}", both) == (6, "5-9")
    assert pupils(f"programme:{small.pk}", both) == (1, "<5")


def test_brute_force_every_request_of_the_funder_on_a_service_world():
    _big, _small, start = _service_world()
    window = month_ranges(start, 2)
    year = periods.school_year_of(timezone.localdate())
    reports = every_report(funder(), window, [year])
    # Flanders, 6 provinces, 3 programmes, 1 municipality (Mechelen, in their coverage)
    assert len(reports) == 11 * (len(window) + 2)
    assert assert_nothing_small_can_be_derived(reports) > 0


def _municipal_world():
    """Issue 14, point 3: municipalities nested in provinces, programmes overlapping them.
    In Antwerpen, Buddy Groot covers Mechelen and Lier (a group of six pupils at a school in
    Mechelen, one pupil at a school in Lier) and Buddy Klein covers Mechelen (one pupil);
    in Limburg, Buddy Elders covers Hasselt (five pupils). Meetings last month and this
    month; the pupils of Lier and of Buddy Klein only this month."""
    today = timezone.localdate()
    mechelen, lier, hasselt = (
        Municipality.objects.get(pk=code) for code in ("12025", "12021", "71072")
    )
    antwerpen = Province.objects.get(code="VAN")
    big = ProgrammeFactory(name="Groot", province=antwerpen, municipalities=[mechelen, lier])
    small = ProgrammeFactory(name="Klein", province=antwerpen, municipalities=[mechelen])
    other = ProgrammeFactory(
        name="Elders", province=Province.objects.get(code="VLI"), municipalities=[hasselt]
    )
    start = today.replace(day=1) - dt.timedelta(days=20)
    in_mechelen = SchoolFactory(postcode=postcode("2800"))
    group = TrajectoryFactory(programme=big, school=in_mechelen, pupils=6, planned_start=start)
    in_lier = TrajectoryFactory(
        programme=big, school=SchoolFactory(postcode=postcode("2500")), planned_start=start
    )
    alone = TrajectoryFactory(programme=small, school=in_mechelen, planned_start=start)
    elsewhere = TrajectoryFactory(
        programme=other,
        school=SchoolFactory(postcode=postcode("3500")),
        pupils=5,
        planned_start=start,
    )
    for duo, day in (
        (group, start),
        (group, today),
        (elsewhere, start),
        (in_lier, today),
        (alone, today),
    ):
        services.meeting_log(actor=duo.buddy.user, trajectory=duo, date=day, duration_minutes=60)
    return start


def city_staff(nis_code):
    city = City.objects.create(
        kind=OrganisationKind.CITY,
        name=f"Stad {nis_code}",
        municipality=Municipality.objects.get(pk=nis_code),
    )
    return member(UserFactory(), city, Role.CITY_STAFF)


def test_brute_force_with_municipalities_nested_in_provinces_and_across_programmes():
    """The funder's every request, now with the municipalities where a programme works
    (Mechelen, Lier, Hasselt): Mechelen holds seven pupils of two programmes, Buddy Groot
    seven of two municipalities, Antwerpen eight, Lier one. Nothing from 1 to 4 can be
    derived, though Antwerpen - Mechelen, Buddy Groot - Mechelen-of-Groot and the months
    hold such differences."""
    start = _municipal_world()
    window = month_ranges(start, 2)
    year = periods.school_year_of(timezone.localdate())
    reports = every_report(funder(), window, [year])
    municipal = [r for r in reports if r.scope.municipality is not None]
    assert {r.scope.municipality.pk for r in municipal} == {"12025", "12021", "71072"}
    # Flanders, 6 provinces, 3 programmes, 3 municipalities.
    assert len(reports) == 13 * (len(window) + 2)
    assert assert_nothing_small_can_be_derived(reports) > 0
    pupils = {
        r.scope.label: (
            r.table("participants").rows[0].values[-1],
            r.table("participants").rows[0].shown[-1],
        )
        for r in reports
        if r.period == periods.Period(window[0].start, window[-1].end)
    }
    assert pupils["Mechelen"] == (7, "5-9")
    assert pupils["Lier"] == (1, "<5")
    assert pupils["Antwerpen"] == (8, "5-9")
    assert pupils["Groot"] == (7, "5-9")


def test_brute_force_every_request_of_city_staff():
    """City staff of Mechelen (or Lier) may ask for their municipality only: whole months
    and the presets, all in bands, and nothing small derivable among them, nor together
    with everything the funder may ask for."""
    start = _municipal_world()
    window = month_ranges(start, 2)
    year = periods.school_year_of(timezone.localdate())
    for code in ("12025", "12021"):
        reports = every_report(city_staff(code), window, [year])
        assert {r.scope.municipality.pk for r in reports} == {code}
        assert len(reports) == len(window) + 2
        assert_nothing_small_can_be_derived(reports)
    assert (
        assert_nothing_small_can_be_derived(
            every_report(city_staff("71072"), window, [year])
            + every_report(funder(), window, [year])
        )
        > 0
    )


def test_brute_force_every_request_of_the_funder_on_the_report_world():
    build()
    window = month_ranges(dt.date(2025, 9, 1), 5)  # September 2025 - January 2026
    reports = every_report(funder(), window, [2025])
    assert assert_nothing_small_can_be_derived(reports) > 0
