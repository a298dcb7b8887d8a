"""Warn, then anonymise (issue 15 point 4): accounts nobody uses any more.

Two kinds of the retention schedule are accounts:
- a buddy who no longer signs in (`DataKind.INACTIVE_ACCOUNT`): their period runs from
  the last sign-in (`last_login`; the day the account was made if never);
- a staff member whose memberships of schools and programmes all ended
  (`DataKind.STAFF_ACCOUNT`): from the last membership's end (its `updated_at`, when it
  was made inactive) or a later sign-in.

30 days before the end of the period the person gets a mail (`AccountWarning`). Signing
in keeps the account: a sign-in after the warning makes it stale, and a new warning comes
30 days before the next end. On the due day (never sooner than 30 days after the mail)
the daily run anonymises the account: the name, address and password go, the account
can no longer sign in, and a buddy's profile keeps only what the funder's figures of past
periods count (the kind of buddy, the training institution, the screening status, the
capacity, the availability dates and the day the extract was seen; the extract fact has
its own period in the schedule, acted on in buddy_services.py). The rows that point
to the account (duos, meetings in the archive, the audit trail) keep pointing to a person
without a name. A duo that still runs, an open concern or a duo paused for safeguarding
holds the buddy's account (R18) until it is closed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from buddywerk.access.models import Membership, Role, User
from buddywerk.buddies.models import Buddy
from buddywerk.buddies.signals import buddies_written
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.expenses.services import expense_claims_anonymise
from buddywerk.internships.models import InstitutionPartnership, SharingConsent
from buddywerk.mail.compose import mail_to_users, site_url
from buddywerk.trajectories.enums import TrajectoryStatus
from buddywerk.trajectories.models import Concern, Trajectory

from .erasure_models import AccountWarning
from .schedule import RULES, DataKind

WARN_DAYS = 30  # the mail comes this many days before the account is anonymised


@dataclass
class AccountCounts:
    warned: int = 0
    anonymised: int = 0


def _last_activity() -> dict[int, tuple[dt.datetime, DataKind]]:
    """Per user with an account the schedule covers: the moment their period runs from."""
    result: dict[int, tuple[dt.datetime, DataKind]] = {}
    buddies = set()
    for user_id, last_login, joined in Buddy.objects.filter(user__is_active=True).values_list(
        "user_id", "user__last_login", "user__date_joined"
    ):
        buddies.add(user_id)
        result[user_id] = (last_login or joined, DataKind.INACTIVE_ACCOUNT)
    staff = (
        Membership.objects.filter(user__is_active=True, user__is_superuser=False)
        .exclude(role=Role.BUDDY)
        .exclude(user_id__in=buddies)
        .values("user_id")
        .annotate(ended=Max("updated_at"), active=Count("pk", filter=Q(is_active=True)))
    )
    logins = dict(
        User.objects.filter(pk__in=[row["user_id"] for row in staff]).values_list(
            "pk", "last_login"
        )
    )
    for row in staff:
        if row["active"]:
            continue  # a membership still runs
        last_login = logins.get(row["user_id"])
        since = max(row["ended"], last_login) if last_login else row["ended"]
        result[row["user_id"]] = (since, DataKind.STAFF_ACCOUNT)
    return result


def account_held(user_id: int) -> bool:
    """A buddy's account stays while one of their duos runs or is held for safeguarding."""
    duos = Trajectory.objects.filter(buddy__user_id=user_id)
    return (
        duos.filter(Q(paused_for_safeguarding=True) | ~Q(status=TrajectoryStatus.CLOSED)).exists()
        or Concern.objects.not_closed().filter(trajectory__in=duos).exists()
    )


def account_anonymise(*, user: User, kind: DataKind, now: dt.datetime) -> None:
    """Anonymise one account (the system's act: the schedule or an erasure request)."""
    with transaction.atomic():
        Buddy.objects.filter(user=user).update(
            phone="",
            training_institution_name="",
            field_of_study="",
            teaching_qualification="",
            background="",
            sector="",  # issue 21: a mentor's sector and trade, a role model's path
            trade="",
            path_tracks=[],
            path_tags=[],
            declaration_text="",
            decline_reason="",
            home_postcode=None,
            travel_radius_km=None,
            extract_dated_on=None,
            extract_reminded_on=None,
            languages=[],
            competences=[],
            school_levels=[],
            meeting_modes=[],
            slots=[],
        )
        buddy_ids = list(Buddy.objects.filter(user=user).values_list("pk", flat=True))
        buddies_written.send(sender=Buddy, buddy_ids=buddy_ids)
        # Issue 20: an erased buddy shares nothing with an institution any more, and an
        # erased supervisor is no longer any partnership's contact.
        SharingConsent.objects.in_force().filter(buddy__user=user).update(revoked_at=now)
        InstitutionPartnership.objects.filter(contact=user).update(contact=None)
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        Membership.objects.filter(user=user).update(is_active=False)
        user.email = f"gewist-{user.uuid}@invalid"
        user.first_name = ""
        user.last_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["email", "first_name", "last_name", "is_active", "password"])
        AccountWarning.objects.filter(user=user).update(anonymised_at=now)
        # Issue 21: expense claims keep their amounts for the accounts, not the person.
        expense_claims_anonymise(user=user, now=now)
        audit_record(
            actor=None, action=AuditAction.ACCOUNT_ANONYMISE, target=user, detail={"kind": kind}
        )


def inactive_accounts_run(*, now: dt.datetime) -> AccountCounts:
    """Warn the accounts whose period ends within 30 days; anonymise those warned whose
    day has come and who did not sign in since (the daily run, as the system)."""
    today = timezone.localdate(now)
    counts = AccountCounts()
    warnings = {w.user_id: w for w in AccountWarning.objects.filter(anonymised_at__isnull=True)}
    for user_id, (since, kind) in sorted(_last_activity().items()):
        due = timezone.localdate(since) + dt.timedelta(days=RULES[kind.value].period_days)
        warning = warnings.get(user_id)
        current = warning is not None and warning.warned_at >= since
        if warning is not None and current:
            if today >= warning.due_on and not account_held(user_id):
                account_anonymise(user=User.objects.get(pk=user_id), kind=kind, now=now)
                counts.anonymised += 1
            continue
        if today < due - dt.timedelta(days=WARN_DAYS) or account_held(user_id):
            continue
        due_on = max(due, today + dt.timedelta(days=WARN_DAYS))
        with transaction.atomic():
            user = User.objects.get(pk=user_id)
            AccountWarning.objects.update_or_create(
                user=user, defaults={"warned_at": now, "due_on": due_on, "anonymised_at": None}
            )
            mail_to_users(
                users=[user],
                template="privacy/email/account_inactive",
                kind="privacy.account_inactive",
                context={"due_on": due_on, "url": site_url(reverse("account_login"))},
            )
            audit_record(
                actor=None,
                action=AuditAction.ACCOUNT_WARN,
                target=user,
                detail={"kind": kind, "due_on": due_on.isoformat()},
            )
        counts.warned += 1
    return counts


def account_dues(*, now: dt.datetime) -> list[tuple[DataKind, dt.date]]:
    """For the dry run: per account the schedule covers, the first day it can be
    anonymised (a warned account: its warning's day; otherwise at least 30 days after a
    warning the next run would send). Held accounts are left out."""
    today = timezone.localdate(now)
    warnings = {w.user_id: w for w in AccountWarning.objects.filter(anonymised_at__isnull=True)}
    result = []
    for user_id, (since, kind) in _last_activity().items():
        warning = warnings.get(user_id)
        if warning is not None and warning.warned_at >= since:
            day = warning.due_on
        else:
            due = timezone.localdate(since) + dt.timedelta(days=RULES[kind.value].period_days)
            day = max(due, today + dt.timedelta(days=WARN_DAYS))
        if not account_held(user_id):
            result.append((kind, day))
    return result
