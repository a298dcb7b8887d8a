"""The report from the rollup per duo and month equals the report from the raw meetings,
figure for figure (issue 22, point 2): hypothesis drives random sequences of service calls
(log, plan, edit, close, close and rematch, well-being scores) on a few duos, and every
referral transition (submit, accept, wait, decline, match, requeue, close, withdraw) on a
few referrals, then compares every table of the report computed both ways (the rollup and
each referral's kept end of wait and first match, against the meetings and the transition
log), for every whole month touched and for the whole span; and the rebuild command leaves
what the services kept unchanged.

Issue 17, point 4: the steps also delete meetings and erase the pupils of closed duos (their
figures move to the anonymised archive, as the erasure does), and after every step the
report served through the store (reports/store.py) equals a freshly computed report, figure
for figure, for an unrestricted and a restricted reader, from the rollup and from the
meetings (a period that is not whole months)."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.test import override_settings
from django.utils import timezone, translation
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from buddywerk.access.models import Role
from buddywerk.organisations.models import OrganisationKind
from buddywerk.privacy.purge import Group, archive_groups
from buddywerk.referrals.models import Referral, ReferralCount, ReferralMonth
from buddywerk.referrals.rollup import counts_from_referrals, waits_from_log
from buddywerk.referrals.services import TRANSITION_SERVICES
from buddywerk.referrals.workflow import REFERRAL
from buddywerk.reports import periods, store
from buddywerk.reports.figures import Scope, build_report
from buddywerk.reports.forms import ReportForm, report_as_seen
from buddywerk.reports.periods import Period
from buddywerk.trajectories import meeting_services, services
from buddywerk.trajectories.enums import CloseReason, MeetingStatus, WellbeingMoment
from buddywerk.trajectories.models import DuoMonth, Meeting, ParticipantMonth, Trajectory
from tests.factories import OrganisationFactory, ReferralFactory, UserFactory, member
from tests.trajectories.factories import TrajectoryFactory, coordinator_of

pytestmark = pytest.mark.django_db

SPAN_DAYS = 100  # about four months after the duos' start


@pytest.fixture
def duos():
    with translation.override("en"):
        duos = [TrajectoryFactory(), TrajectoryFactory(group=True), TrajectoryFactory()]
        # Two drafts besides the duos' own referrals, for the referral operations.
        for _n in range(2):
            ReferralFactory(draft=True)
        return duos


@pytest.fixture
def readers():
    """An unrestricted reader (a platform admin) and a restricted one (a funder)."""
    return [
        member(UserFactory(), OrganisationFactory(kind=kind), role)
        for kind, role in (
            (OrganisationKind.UMBRELLA, Role.PLATFORM_ADMIN),
            (OrganisationKind.FUNDER, Role.FUNDER),
        )
    ]


DAY = st.integers(0, SPAN_DAYS)
STATUS = st.sampled_from([MeetingStatus.HAPPENED, MeetingStatus.CANCELLED])
MINUTES = st.integers(5, 240)
SCORE = st.one_of(st.none(), st.integers(1, 5))

OPERATIONS = st.one_of(
    st.tuples(st.just("log"), st.integers(0, 2), DAY, STATUS, MINUTES, SCORE),
    st.tuples(st.just("plan"), st.integers(0, 2), DAY),
    st.tuples(st.just("edit"), st.integers(0, 30), DAY, STATUS, MINUTES),
    st.tuples(st.just("score"), st.integers(0, 2), DAY, st.integers(1, 5)),
    st.tuples(st.just("close"), st.integers(0, 2), DAY, st.booleans()),
    st.tuples(st.just("referral"), st.integers(0, 4), DAY, st.integers(0, 7)),
    st.tuples(st.just("referral"), st.integers(0, 4), DAY, st.integers(0, 7)),
    st.tuples(st.just("delete"), st.integers(0, 30), DAY),
    st.tuples(st.just("erase"), st.integers(0, 2), DAY),
)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def apply(operation, duos) -> None:  # noqa: C901 - one branch per service
    kind, *args = operation
    if kind == "referral":
        # The duos' referrals and the two drafts, moved at a day of the duos' span.
        referrals = list(Referral.objects.order_by("pk"))
        referral = referrals[args[0] % len(referrals)]
        day = duos[0].planned_start + dt.timedelta(days=args[1])
        # One of the transitions open from the referral's status (a refused one is rare).
        names = sorted(t.name for t in REFERRAL.transitions if referral.status in t.sources)
        name = names[args[2] % len(names)] if names else "submit"
        event(f"referral {name}")
        service = TRANSITION_SERVICES[name]
        if name == "submit":
            service(actor=None, referral=referral, now=_at(day))
        else:
            service(actor=None, referral=referral, reason="Test", now=_at(day))
        return
    if kind == "delete":
        # A meeting logged by mistake, deleted within the correction days.
        logged = Meeting.objects.filter(trajectory__in=duos, logged_at__isnull=False)
        meetings = list(logged.order_by("pk"))
        if meetings:
            meeting = meetings[args[0] % len(meetings)]
            meeting_services.meeting_delete(
                actor=meeting.logged_by, meeting=meeting, now=meeting.logged_at
            )
        return
    if kind == "erase":
        # The erasure of a closed duo's pupils and families: their figures move to the
        # anonymised archive (what `erasure_requests_execute` does once nothing holds).
        duo = duos[args[0]]
        if not Trajectory.objects.filter(pk=duo.pk, closed_on__isnull=False).exists():
            raise ValidationError("open")
        group = Group(duos={duo.pk})
        for pupil, family in duo.participants.values_list("pupil_id", "family_id"):
            group.pupils |= {pupil} - {None}
            group.families |= {family} - {None}
        group.referrals = set(
            Referral.objects.filter(
                Q(pupil__in=group.pupils) | Q(family__in=group.families)
            ).values_list("pk", flat=True)
        )
        archive_groups([group], today=duo.planned_start + dt.timedelta(days=args[1]))
        return
    if kind == "edit":
        meetings = list(Meeting.objects.filter(trajectory__in=duos).order_by("pk"))
        if not meetings:
            return
        meeting = meetings[args[0] % len(meetings)]
        duo = meeting.trajectory
    else:
        duo = duos[args[0]]
        duo.refresh_from_db()
    day = duo.planned_start + dt.timedelta(days=args[1])
    if kind == "log":
        _status, minutes, score = args[2], args[3], args[4]
        services.meeting_log(
            actor=duo.buddy.user,
            trajectory=duo,
            date=day,
            status=_status,
            duration_minutes=minutes,
            cancel_reason="other" if _status == MeetingStatus.CANCELLED else "",
            wellbeing=score,
            today=day,
            now=_at(day),
        )
    elif kind == "plan":
        services.meeting_plan(
            actor=duo.buddy.user,
            trajectory=duo,
            date=day,
            duration_minutes=60,
            today=duo.planned_start,
        )
    elif kind == "edit":
        _status, minutes = args[2], args[3]
        services.meeting_update(
            actor=duo.buddy.user,
            meeting=meeting,
            date=day,
            status=_status,
            duration_minutes=minutes,
            cancel_reason="other" if _status == MeetingStatus.CANCELLED else "",
            today=day,
            now=meeting.logged_at or _at(day),
        )
    elif kind == "score":
        services.wellbeing_record(
            actor=duo.buddy.user,
            trajectory=duo,
            participant=duo.participants.order_by("pk").first(),
            moment=WellbeingMoment.INTAKE if args[1] < 30 else WellbeingMoment.MIDWAY,
            score=args[2],
            date=day,
            today=day,
        )
    elif kind == "close":
        rematch = args[2]
        services.trajectory_close(
            actor=coordinator_of(duo),
            trajectory=duo,
            reason=CloseReason.STOPPED_BY_BUDDY if rematch else CloseReason.ENDED_AS_PLANNED,
            closed_on=day,
            final_wellbeing=4,
            rematch_reason="Een andere buddy zoeken." if rematch else "",
            today=day,
        )


def published(report) -> list:
    return [
        (t.key, [str(c) for c in t.columns], [(str(r.label), r.shown, r.display) for r in t.rows])
        for t in report.tables
    ]


def assert_served_is_fresh(duos, readers) -> None:
    """The report served through the store equals the report computed now, for the whole
    span (the rollup) and a span that is not whole months (the meetings), everywhere and in
    one programme, for an unrestricted reader; and everywhere for a restricted one."""
    span = whole_month_periods(duos)[-1]
    odd = Period(span.start + dt.timedelta(days=3), span.end - dt.timedelta(days=5))
    year = str(periods.school_year_of(timezone.localdate()))
    admin, funder = readers
    asks = [
        (admin, area, period)
        for area in ("all", f"programme:{duos[1].programme_id}")
        for period in (span, odd)
    ] + [(funder, "all", span)]
    for reader, area, period in asks:
        query = {
            "area": area,
            "period": periods.CUSTOM,
            "school_year": year,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        }
        form = ReportForm(query, user=reader)
        assert form.is_valid(), form.errors
        # Without the freshness window: every change must show at once.
        with override_settings(REPORT_REFRESH_SECONDS=0):
            served = store.served_report(form)
        fresh = report_as_seen(form)
        assert served.suppressed == fresh.suppressed
        assert published(served) == published(fresh), (area, period)
        if not fresh.suppressed:
            assert figures(served) == figures(fresh), (area, period)


def whole_month_periods(duos) -> list[Period]:
    first = min(duo.planned_start for duo in duos).replace(day=1)
    last = max(duo.planned_start for duo in duos) + dt.timedelta(days=SPAN_DAYS)
    periods, month = [], first
    while month <= last:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        periods.append(Period(month, following - dt.timedelta(days=1)))
        month = following
    periods.append(Period(periods[0].start, periods[-1].end))  # the whole span
    return periods


def figures(report) -> list:
    return [(t.key, t.columns, [(str(r.label), r.values) for r in t.rows]) for t in report.tables]


def rollup() -> tuple[set[tuple], set[tuple]]:
    """The duos' months and the participants' months, every column."""
    return set(
        DuoMonth.objects.values_list(
            "trajectory_id",
            "programme_id",
            "buddy_id",
            "school_id",
            "month",
            "held",
            "cancelled",
            "minutes",
        )
    ), set(
        ParticipantMonth.objects.values_list(
            "participant_id", "trajectory_id", "programme_id", "pupil_id", "family_id", "month"
        )
    )


def counts() -> set[tuple]:
    """The counts per programme and months as the referrals give them."""
    return {(c.programme_id, c.submitted, c.wait_ended, c.n) for c in counts_from_referrals()}


def waits() -> tuple[set[tuple], set[tuple], set[tuple]]:
    """Each referral's kept moments, its months with a match or a decline, and the counts
    per programme and months of submission and of the end of the wait."""
    return (
        set(Referral.objects.values_list("pk", "wait_ended_at", "first_matched_at")),
        set(
            ReferralMonth.objects.values_list(
                "referral_id", "programme_id", "month", "matched", "declined"
            )
        ),
        set(ReferralCount.objects.values_list("programme_id", "submitted", "wait_ended", "n")),
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(operations=st.lists(OPERATIONS, min_size=1, max_size=12))
def test_report_from_rollup_equals_report_from_meetings(duos, readers, operations):
    # Each example runs in a savepoint that is rolled back: the next starts from the duos.
    with translation.override("en"), transaction.atomic():
        for operation in operations:
            try:
                with transaction.atomic():
                    apply(operation, duos)
                event(f"{operation[0]} done")  # --hypothesis-show-statistics
            except (ValidationError, PermissionDenied, ObjectDoesNotExist):
                # Refused input (a closed duo, a date before the start, an erased duo)
                # changes nothing.
                event(f"{operation[0]} refused")
            # Issue 17, point 4: the store never serves figures a step made obsolete.
            assert_served_is_fresh(duos, readers)
        for period in whole_month_periods(duos):
            for scope in (Scope(), Scope(programme=duos[1].programme)):
                assert figures(build_report(scope, period, from_rollup=True)) == figures(
                    build_report(scope, period, from_rollup=False)
                ), (period, scope.label)
        kept = rollup()
        kept_waits = waits()
        assert kept_waits[0] == waits_from_log()
        assert kept_waits[2] == counts()
        call_command("rollup_rebuild", stdout=io.StringIO())
        assert rollup() == kept
        assert waits() == kept_waits
        transaction.set_rollback(True)


def test_the_rollup_only_answers_whole_months(duos):
    with pytest.raises(ValueError, match="whole months"):
        build_report(Scope(), Period(dt.date(2025, 9, 2), dt.date(2025, 9, 30)), from_rollup=True)
