"""Issue 15 point 4: warn, then anonymise accounts nobody uses any more, with a fake clock
across the boundaries (the warning 30 days before, the last day kept, the due day).
Runs on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from django.utils import timezone

from buddywerk.access.models import Membership, Role, User
from buddywerk.buddies.models import Buddy
from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.mail.models import OutgoingMail
from buddywerk.privacy import purge
from buddywerk.privacy.account_services import inactive_accounts_run
from buddywerk.privacy.archive_models import ArchivedDuo
from buddywerk.privacy.plan import purge_plan
from buddywerk.privacy.schedule import DataKind
from tests.factories import ProgrammeFactory, UserFactory, member
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db

START = dt.date(2024, 1, 15)
BUDDY_DAYS = 720  # 24 months of 30 days
STAFF_DAYS = 180


def _at(day: dt.date, hour: int = 3) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _buddy(last_login: dt.date):
    duo = TrajectoryFactory(closed=True)
    user = duo.buddy.user
    User.objects.filter(pk=user.pk).update(last_login=_at(last_login, 20))
    return duo, user


def _warned(user) -> bool:
    return OutgoingMail.objects.filter(to=user.email, kind="privacy.account_inactive").exists()


def test_a_buddy_is_warned_30_days_before_and_anonymised_on_the_due_day():
    duo, user = _buddy(START)
    email, phone = user.email, "0470 12 34 56"
    Buddy.objects.filter(user=user).update(phone=phone)
    due = START + dt.timedelta(days=BUDDY_DAYS)
    warn = due - dt.timedelta(days=30)

    inactive_accounts_run(now=_at(warn - dt.timedelta(days=1)))
    assert not _warned(user)  # the day before the warning
    assert inactive_accounts_run(now=_at(warn)).warned == 1
    mail = OutgoingMail.objects.get(to=email, kind="privacy.account_inactive")
    assert "/accounts/login/" in mail.body
    assert inactive_accounts_run(now=_at(warn + dt.timedelta(days=1))).warned == 0  # once

    inactive_accounts_run(now=_at(due - dt.timedelta(days=1)))
    user.refresh_from_db()
    assert user.is_active and user.email == email  # the last day kept

    # The duo is already closed; the purge runs first, then the account goes.
    counts = inactive_accounts_run(now=_at(due))
    assert counts.anonymised == 1
    user.refresh_from_db()
    buddy = Buddy.objects.get(user=user)
    assert not user.is_active and user.email != email and not user.has_usable_password()
    assert user.first_name == "" and user.last_name == ""
    assert buddy.phone == "" and buddy.kind  # the kind stays, for the figures
    assert not Membership.objects.filter(user=user, is_active=True).exists()
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_ANONYMISE)
    assert email not in str(event.detail) and phone not in str(event.detail)
    assert inactive_accounts_run(now=_at(due + dt.timedelta(days=1))).anonymised == 0


def test_signing_in_after_the_warning_keeps_the_account():
    _duo, user = _buddy(START)
    due = START + dt.timedelta(days=BUDDY_DAYS)
    inactive_accounts_run(now=_at(due - dt.timedelta(days=30)))
    assert _warned(user)
    # The buddy signs in ten days later: last_login moves on.
    User.objects.filter(pk=user.pk).update(last_login=_at(due - dt.timedelta(days=20), 9))
    counts = inactive_accounts_run(now=_at(due + dt.timedelta(days=5)))
    assert counts.anonymised == 0 and counts.warned == 0
    user.refresh_from_db()
    assert user.is_active
    # A new warning 30 days before the new end, then the account goes on that end.
    new_due = due - dt.timedelta(days=20) + dt.timedelta(days=BUDDY_DAYS)
    assert inactive_accounts_run(now=_at(new_due - dt.timedelta(days=30))).warned == 1
    assert inactive_accounts_run(now=_at(new_due)).anonymised == 1


def test_a_late_warning_still_gives_30_days():
    _duo, user = _buddy(START)
    late = START + dt.timedelta(days=BUDDY_DAYS + 100)
    assert inactive_accounts_run(now=_at(late)).warned == 1
    assert inactive_accounts_run(now=_at(late + dt.timedelta(days=29))).anonymised == 0
    assert inactive_accounts_run(now=_at(late + dt.timedelta(days=30))).anonymised == 1


def test_a_running_duo_holds_the_buddys_account():
    duo = TrajectoryFactory()
    user = duo.buddy.user
    User.objects.filter(pk=user.pk).update(last_login=_at(START))
    inactive_accounts_run(now=_at(START + dt.timedelta(days=BUDDY_DAYS + 60)))
    assert not _warned(user)
    user.refresh_from_db()
    assert user.is_active


def test_a_staff_member_is_warned_and_anonymised_after_the_membership_ends():
    programme = ProgrammeFactory()
    user = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)
    Membership.objects.filter(user=user).update(is_active=False, updated_at=_at(START, 12))
    User.objects.filter(pk=user.pk).update(last_login=_at(START - dt.timedelta(days=3)))
    still = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)  # still working
    User.objects.filter(pk=still.pk).update(last_login=_at(START - dt.timedelta(days=400)))
    due = START + dt.timedelta(days=STAFF_DAYS)

    assert inactive_accounts_run(now=_at(due - dt.timedelta(days=31))).warned == 0
    assert inactive_accounts_run(now=_at(due - dt.timedelta(days=30))).warned == 1
    assert _warned(user) and not _warned(still)
    assert inactive_accounts_run(now=_at(due - dt.timedelta(days=1))).anonymised == 0
    assert inactive_accounts_run(now=_at(due)).anonymised == 1
    user.refresh_from_db()
    still.refresh_from_db()
    assert not user.is_active and still.is_active


def test_the_daily_purge_archives_the_duo_then_anonymises_the_buddy():
    duo, user = _buddy(START)
    kind = duo.buddy.kind
    due = max(START + dt.timedelta(days=BUDDY_DAYS), duo.closed_on + dt.timedelta(days=400))
    purge.privacy_purge(now=_at(due - dt.timedelta(days=30)))
    assert _warned(user)
    counts = purge.privacy_purge(now=_at(due))
    assert counts is not None and counts.accounts_anonymised == 1
    assert ArchivedDuo.objects.filter(buddy_kind=kind).count() == 1
    user.refresh_from_db()
    assert not user.is_active


def test_the_dry_run_counts_the_accounts_that_go():
    _duo, user = _buddy(START)
    due = START + dt.timedelta(days=BUDDY_DAYS)
    rows = {row.rule.kind: row for row in purge_plan(now=_at(due - dt.timedelta(days=40)))}
    row = rows[DataKind.INACTIVE_ACCOUNT]
    assert (row.now, row.soon, row.next_day) == (0, 0, due)
    inactive_accounts_run(now=_at(due - dt.timedelta(days=30)))
    row = {r.rule.kind: r for r in purge_plan(now=_at(due - dt.timedelta(days=1)))}[
        DataKind.INACTIVE_ACCOUNT
    ]
    assert (row.now, row.soon) == (0, 1)
    row = {r.rule.kind: r for r in purge_plan(now=_at(due))}[DataKind.INACTIVE_ACCOUNT]
    assert row.now == 1
    user.refresh_from_db()
    assert user.is_active  # the plan changed nothing
