"""Writes on buddies: registration (R1, R2), screening (R2, R3), profile and availability.

Screening is a decision about the person, taken by the coordinator of a programme the
buddy joined, and it holds for every programme they joined: eligibility (R1) and the
extract model 2 (R2) are facts about the person, not about a programme, and a person is
screened once rather than once per programme. The status log records which programme
decided, and the screening page tells the coordinator which other programmes a decision
also counts for.

A decline (of an applicant, or of an approved buddy whose approval is withdrawn: the way a
buddy is ended) revokes in the same transaction what the buddy role gave: the buddy
memberships of every programme and the secret calendar link (issue 11). Reopening gives
the memberships back, for the programmes the person applied to.

Every service validates, runs in one transaction, leaves an audit event, and writes its
mail to the outbox in that transaction (ARCHITECTURE.md 1, 4, 5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from buddywerk.access import policy
from buddywerk.access.models import Membership, Role, User
from buddywerk.access.services import membership_grant, membership_revoke, user_create
from buddywerk.common import clock
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.workflow import transition_apply
from buddywerk.mail.compose import mail_to_users, site_url
from buddywerk.organisations.models import Programme
from buddywerk.reports import input_version

from . import rules
from .enums import BuddyKind, ExperienceLevel, ScreeningStatus
from .models import Buddy
from .workflow import SCREENING

# The profile fields a buddy (or the registration form) may set; screening fields are
# left to the coordinator's services.
PROFILE_FIELDS = frozenset(
    {
        "kind",
        "phone",
        "training_institution",
        "training_institution_name",
        "field_of_study",
        "on_internship",
        "teaching_qualification",
        "background",
        "languages",
        "competences",
        "school_levels",
        "meeting_modes",
        "slots",
        "home_postcode",
        "travel_radius_km",
        "online_only",
        "capacity",
        "available_from",
        "available_until",
    }
)


def _apply_profile(buddy: Buddy, profile: Mapping[str, Any]) -> None:
    unknown = set(profile) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    for name, value in profile.items():
        setattr(buddy, name, value)
    if buddy.kind in {BuddyKind.STUDENT, BuddyKind.STUDENT_INTERNSHIP}:
        # R1: the internship answer decides between the two student kinds.
        buddy.kind = BuddyKind.STUDENT_INTERNSHIP if buddy.on_internship else BuddyKind.STUDENT
    else:
        buddy.on_internship = False
    if buddy.online_only:
        buddy.travel_radius_km = None
    for name in ("languages", "competences", "school_levels", "meeting_modes", "slots"):
        # Stable, duplicate-free lists: the matching engine compares them as sets.
        setattr(buddy, name, sorted(set(getattr(buddy, name) or [])))


def _check_eligible(buddy: Buddy) -> None:
    problems = rules.buddy_eligibility_problems(
        kind=buddy.kind,
        field_of_study=buddy.field_of_study,
        teaching_qualification=buddy.teaching_qualification,
        programmes=Programme.objects.filter(accepts_buddies=True),
    )
    if problems:
        raise ValidationError({"kind": problems})


def _check_where_and_when(buddy: Buddy) -> None:
    errors: dict[str, str] = {}
    if not buddy.slots:
        errors["slots"] = _("Choose at least one moment in the week.")
    if not buddy.meeting_modes:
        errors["meeting_modes"] = _("Choose at least one way to meet.")
    if buddy.online_only and buddy.meeting_modes and "online" not in buddy.meeting_modes:
        errors["meeting_modes"] = _("You chose online only: also tick 'Online'.")
    if errors:
        raise ValidationError(errors)


def _check_programmes(buddy: Buddy, programmes: Iterable[Programme]) -> list[Programme]:
    chosen = list(programmes)
    if not chosen:
        raise ValidationError({"programmes": _("Choose at least one programme.")})
    ids = {p.pk for p in chosen}
    open_ids = {
        p.pk
        for p in rules.programmes_for(
            kind=buddy.kind,
            postcode=buddy.home_postcode,
            radius_km=buddy.travel_radius_km,
            online_only=buddy.online_only,
            programmes=Programme.objects.filter(pk__in=ids).prefetch_related("municipalities"),
        )
    }
    if ids - open_ids:
        raise ValidationError(
            {"programmes": _("One of the chosen programmes is not open to you right now.")}
        )
    return chosen


@transaction.atomic
def buddy_register(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    profile: Mapping[str, Any],
    declaration_accepted: bool,
    programmes: Iterable[Programme],
    now: dt.datetime | None = None,
) -> Buddy | None:
    """A volunteer or student registers (public, no actor). R1: only eligible applicants are
    stored; R2: the declaration on honour is required and kept word for word with its
    moment. Creates the account, the profile (applied), a buddy membership in every chosen
    programme, and writes the mail that confirms the address (allauth's key).

    The public form must not reveal whether an address has an account (account
    enumeration): for a known address nothing is stored, the owner of the address gets a
    mail that says so (sign in or reset the password), and the caller gets None, so the
    visitor sees the same "check your mailbox" page either way.

    `now` is the fake clock (tests, demo data): the moment of the registration, of its
    declaration and of the first row of its screening log."""
    moment = clock.now(now)
    email = email.strip().lower()
    buddy = Buddy(user=User(email=email))
    _apply_profile(buddy, profile)
    _check_eligible(buddy)
    if not declaration_accepted:
        raise ValidationError({"declaration": _("Please confirm the declaration on honour.")})
    _check_where_and_when(buddy)
    buddy.full_clean(exclude=["user"])
    chosen = _check_programmes(buddy, programmes)

    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        # Hash anyway, so a known address does not answer measurably faster.
        make_password(password)
        audit_record(
            actor=None,
            action=AuditAction.BUDDY_REGISTER_KNOWN_ADDRESS,
            target=existing,
            detail={"programmes": [p.pk for p in chosen]},
        )
        buddy_account_exists_mail(user=existing)
        return None

    user = user_create(
        actor=None, email=email, password=password, first_name=first_name, last_name=last_name
    )
    buddy.user = user
    buddy.declaration_text = rules.DECLARATION_TEXT
    buddy.declaration_accepted_at = moment
    buddy.full_clean()
    buddy.save()
    if now is not None:
        # created_at is stamped on insert (auto_now_add); the screening queue counts the
        # days waiting from it, so a registration on a fake clock carries that date.
        Buddy.objects.filter(pk=buddy.pk).update(created_at=moment)
        buddy.created_at = moment
    buddy.programmes.set(chosen)
    SCREENING.log_start(buddy, actor=user, at=moment)
    for programme in chosen:
        membership_grant(actor=user, user=user, organisation=programme, role=Role.BUDDY)
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    audit_record(
        actor=user,
        action=AuditAction.BUDDY_REGISTER,
        target=buddy,
        detail={"programmes": [p.pk for p in chosen], "kind": buddy.kind},
    )
    buddy_verification_mail(address=address)
    return buddy


def buddy_verification_mail(*, address: EmailAddress) -> None:
    """allauth's email verification for a new buddy: its key and its confirmation page.
    Written in the caller's transaction; a secret link (the outbox erases it once sent)."""
    key = EmailConfirmationHMAC(address).key
    mail_to_users(
        users=[address.user],
        template="buddies/email/verify",
        kind="buddies.verify",
        context={"activate_url": site_url(reverse("account_confirm_email", args=[key]))},
        sensitive=True,
    )


def buddy_account_exists_mail(*, user: User) -> None:
    """Someone registered as a buddy with an address that already has an account: tell the
    owner (not the visitor, see `buddy_register`), with links to sign in and to reset the
    password. Written in the caller's transaction."""
    mail_to_users(
        users=[user],
        template="buddies/email/account_exists",
        kind="buddies.account_exists",
        context={
            "login_url": site_url(reverse("account_login")),
            "reset_url": site_url(reverse("account_reset_password")),
        },
    )


def buddy_screening_mail(*, buddy: Buddy, programme: Programme) -> None:
    """Tell an applicant the programme's decision (approved, or declined with the reason),
    in the caller's transaction."""
    mail_to_users(
        users=[buddy.user],
        template=f"buddies/email/screening_{buddy.status}",
        kind=f"buddies.screening_{buddy.status}",
        context={"buddy": buddy, "programme": programme},
    )


def buddy_registrations_purge_unconfirmed(*, now: dt.datetime) -> int:
    """Remove the buddy registrations whose address was never confirmed, a week
    (UNCONFIRMED_RETENTION_DAYS) after they were made (issue 11, point 7; R18): the
    profile, its memberships and addresses are deleted, and the account is emptied and
    closed (its audit trail still points at it, so the row stays, without the email
    address or name). The address is free to register again. Only a registration that
    nobody acted on goes: never signed in, no confirmed address, still "applied", not
    imported. Each one leaves an audit event; returns how many were removed."""
    cutoff = now - dt.timedelta(days=settings.UNCONFIRMED_RETENTION_DAYS)
    users = (
        User.objects.filter(
            date_joined__lt=cutoff,
            last_login__isnull=True,
            is_active=True,
            buddy__status=ScreeningStatus.APPLIED,
            buddy__source_import__isnull=True,
        )
        .exclude(emailaddress__verified=True)
        # never screened: the only log row is the one of the registration itself
        .exclude(buddy__status_changes__from_status__gt="")
        .values_list("pk", flat=True)
    )
    removed = 0
    for user_pk in list(users):
        try:
            with transaction.atomic():
                removed += _registration_purge(user_pk=user_pk)
        except ProtectedError:
            # Something refers to the profile after all (a proposal, an event): keep it.
            continue
    return removed


def _registration_purge(*, user_pk: int) -> int:
    user = User.objects.select_for_update().get(pk=user_pk)
    buddy = Buddy.objects.get(user=user)
    audit_record(
        actor=None,
        action=AuditAction.BUDDY_PURGE_UNCONFIRMED,
        target=user,
        detail={"buddy": str(buddy.uuid), "days": settings.UNCONFIRMED_RETENTION_DAYS},
    )
    input_version.bump_buddies([buddy.pk])  # before its memberships go (issue 17, point 4)
    buddy.delete()
    Membership.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    user.email = f"removed-{user.uuid}@removed.invalid"
    user.first_name = user.last_name = ""
    user.set_unusable_password()
    user.is_active = False
    user.save()
    return 1


@transaction.atomic
def buddy_update_profile(*, actor: User, buddy: Buddy, profile: Mapping[str, Any]) -> Buddy:
    """The buddy edits their profile under the same rules as at registration (R1, R8)."""
    from buddywerk.trajectories.services import duos_end_by_last_day

    buddy = Buddy.objects.select_for_update().get(pk=buddy.pk)
    _apply_profile(buddy, profile)
    _check_eligible(buddy)
    _check_where_and_when(buddy)
    buddy.full_clean()
    buddy.save()
    # Issue 13, point 3: no running duo ends after the buddy's last day.
    duos_end_by_last_day(buddy=buddy, last_day=buddy.available_until)
    audit_record(actor=actor, action=AuditAction.BUDDY_UPDATE_PROFILE, target=buddy)
    return buddy


@transaction.atomic
def buddy_accept_declaration(*, actor: User, buddy: Buddy) -> Buddy:
    """R2: an imported buddy accepts the declaration on honour from their profile."""
    buddy = Buddy.objects.select_for_update().get(pk=buddy.pk)
    buddy.declaration_text = rules.DECLARATION_TEXT
    buddy.declaration_accepted_at = timezone.now()
    buddy.save(update_fields=["declaration_text", "declaration_accepted_at", "updated_at"])
    audit_record(actor=actor, action=AuditAction.BUDDY_ACCEPT_DECLARATION, target=buddy)
    return buddy


@transaction.atomic
def buddy_pause(*, actor: User, buddy: Buddy) -> Buddy:
    """The buddy takes a break: no new proposals while paused (existing duos go on)."""
    return _set_paused(actor=actor, buddy=buddy, paused=True)


@transaction.atomic
def buddy_resume(*, actor: User, buddy: Buddy) -> Buddy:
    return _set_paused(actor=actor, buddy=buddy, paused=False)


def _set_paused(*, actor: User, buddy: Buddy, paused: bool) -> Buddy:
    buddy = Buddy.objects.select_for_update().get(pk=buddy.pk)
    buddy.is_paused = paused
    buddy.save(update_fields=["is_paused", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.BUDDY_PAUSE if paused else AuditAction.BUDDY_RESUME,
        target=buddy,
    )
    return buddy


# --- Screening ---------------------------------------------------------------------------


def _take(name: str, *, actor: User, buddy: Buddy, programme: Programme, reason: str = "") -> Buddy:
    """Take a transition of `workflow.SCREENING` in the name of `programme`."""
    if not buddy.programmes.filter(pk=programme.pk).exists():
        raise ValidationError(_("This buddy did not apply to this programme."))
    if actor is not None and not policy.can_screen_buddies(actor, programme):
        raise PermissionDenied

    def update(locked: Buddy, now: dt.datetime) -> list[str]:
        locked.screened_at = now
        locked.decline_reason = reason.strip() if locked.status == ScreeningStatus.DECLINED else ""
        return ["screened_at", "decline_reason"]

    locked: Buddy = transition_apply(
        SCREENING,
        name,
        obj=buddy,
        actor=actor,
        reason=reason,
        update=update,
        detail={"programme": programme.pk},
        log_extra={"programme": programme},
        clean=False,
    )
    if locked.status == ScreeningStatus.DECLINED:
        _revoke_buddy_rights(actor=actor, buddy=locked)
        _safeguarding_cascade(buddy=locked, suspended=False)
    elif locked.status == ScreeningStatus.SUSPENDED:
        # The memberships stay (the buddy may be reinstated); without the approved status
        # the buddy holds no buddy's rights and no calendar feed (policy.is_approved_buddy).
        _safeguarding_cascade(buddy=locked, suspended=True)
    elif name == "reopen":
        _restore_memberships(actor=actor, buddy=locked)
    return locked


def _revoke_buddy_rights(*, actor: User, buddy: Buddy) -> None:
    """A declined (or withdrawn) buddy keeps no programme access: every buddy membership
    ends and the calendar link is deleted, in the caller's transaction (issue 11, R17).
    Public pages stay public; the own profile stays readable."""
    from buddywerk.learning.services import calendar_feed_drop

    for membership in Membership.objects.select_for_update().filter(
        user_id=buddy.user_id, role=Role.BUDDY, is_active=True
    ):
        membership_revoke(actor=actor, membership=membership)
    policy.forget_memberships(buddy.user)
    calendar_feed_drop(actor=actor, buddy=buddy)


def _safeguarding_cascade(*, buddy: Buddy, suspended: bool) -> None:
    """Issue 13: a declined, ended or suspended buddy's duos are paused and their proposals
    withdrawn, in the decision's transaction (trajectories/safeguarding_services.py)."""
    from buddywerk.trajectories.enums import SafeguardingStep
    from buddywerk.trajectories.safeguarding_services import buddy_safeguarding_cascade

    step = SafeguardingStep.BUDDY_SUSPENDED if suspended else SafeguardingStep.BUDDY_DECLINED
    buddy_safeguarding_cascade(buddy=buddy, step=step)


def _restore_memberships(*, actor: User, buddy: Buddy) -> None:
    """Back in the queue after a decline: the applicant's buddy memberships of the
    programmes they applied to are active again (as at registration)."""
    for programme in buddy.programmes.all():
        membership_grant(actor=actor, user=buddy.user, organisation=programme, role=Role.BUDDY)


@transaction.atomic
def buddy_approve(*, actor: User, buddy: Buddy, programme: Programme) -> Buddy:
    """The programme's coordinator approves an applicant; the applicant is mailed. Approval
    does not yet allow a duo with a minor: that also needs the extract (R2)."""
    buddy = _take("approve", actor=actor, buddy=buddy, programme=programme)
    buddy_screening_mail(buddy=buddy, programme=programme)
    return buddy


@transaction.atomic
def buddy_decline(*, actor: User, buddy: Buddy, programme: Programme, reason: str) -> Buddy:
    """Decline an applicant, or withdraw an approval, with a reason, which is mailed to them
    (kindly worded). The person loses every buddy right at once (`_revoke_buddy_rights`)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason: the applicant will read it.")})
    buddy = _take("decline", actor=actor, buddy=buddy, programme=programme, reason=reason)
    buddy_screening_mail(buddy=buddy, programme=programme)
    return buddy


@transaction.atomic
def buddy_suspend(*, actor: User, buddy: Buddy, programme: Programme, reason: str) -> Buddy:
    """Issue 13: suspend an approved buddy after a signal, with a reason kept in the
    screening history (not mailed: the coordinator talks to the buddy). Every duo of the
    buddy pauses and every open proposal is withdrawn in the same transaction."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason: it stays in the screening history.")})
    return _take("suspend", actor=actor, buddy=buddy, programme=programme, reason=reason)


@transaction.atomic
def buddy_reinstate(*, actor: User, buddy: Buddy, programme: Programme) -> Buddy:
    """Issue 13: lift a suspension. The buddy is approved again; the paused duos stay
    paused until a coordinator resumes each one (trajectory_resume)."""
    return _take("reinstate", actor=actor, buddy=buddy, programme=programme)


@transaction.atomic
def buddy_reopen(*, actor: User, buddy: Buddy, programme: Programme) -> Buddy:
    """Put a declined applicant back in the queue (e.g. after new information); their buddy
    memberships come back, not yet the rights of an approved buddy."""
    return _take("reopen", actor=actor, buddy=buddy, programme=programme)


@transaction.atomic
def buddy_record_extract(
    *,
    actor: User,
    buddy: Buddy,
    programme: Programme,
    seen_on: dt.date,
    dated_on: dt.date | None = None,
) -> Buddy:
    """R2: record the day the programme saw the criminal-record extract model 2, and the
    date on it (never the extract itself). Only from then on, and for the programme's
    number of months, may the buddy be in a duo with a minor (rules.buddy_may_meet_minors).
    An extract older than the programme allows on the day it is seen is refused."""
    if seen_on > timezone.localdate():
        raise ValidationError({"seen_on": _("This date is in the future.")})
    if dated_on is not None:
        problem = rules.extract_date_problem(
            seen_on=seen_on, dated_on=dated_on, programme=programme
        )
        if problem:
            raise ValidationError({"dated_on": problem})
    buddy = Buddy.objects.select_for_update().get(pk=buddy.pk)
    if not buddy.programmes.filter(pk=programme.pk).exists():
        raise ValidationError(_("This buddy did not apply to this programme."))
    buddy.extract_seen_on = seen_on
    buddy.extract_dated_on = dated_on
    buddy.extract_reminded_on = None  # a new extract gets its own reminder (issue 13)
    buddy.save(
        update_fields=["extract_seen_on", "extract_dated_on", "extract_reminded_on", "updated_at"]
    )
    audit_record(
        actor=actor,
        action=AuditAction.BUDDY_RECORD_EXTRACT,
        target=buddy,
        detail={
            "programme": programme.pk,
            "seen_on": seen_on.isoformat(),
            "dated_on": dated_on.isoformat() if dated_on else None,
        },
    )
    return buddy


@transaction.atomic
def buddy_set_level(
    *, actor: User, buddy: Buddy, programme: Programme, level: ExperienceLevel | str
) -> Buddy:
    """R3: the programme deploys buddies for what they can do, as junior or expert."""
    if level not in ExperienceLevel.values:
        raise ValidationError({"level": _("Choose junior or expert.")})
    buddy = Buddy.objects.select_for_update().get(pk=buddy.pk)
    if not buddy.programmes.filter(pk=programme.pk).exists():
        raise ValidationError(_("This buddy did not apply to this programme."))
    buddy.level = level
    buddy.save(update_fields=["level", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.BUDDY_SET_LEVEL,
        target=buddy,
        detail={"programme": programme.pk, "level": str(level)},
    )
    return buddy


# --- Issue 21: a mentor's sector and trade, a role model's own path ----------------------

PATH_STORY_MAX_CHARS = 1000
PATH_FIELDS = ("sector", "trade", "background", "path_tracks", "path_tags", "path_shown_to")


def programme_path_tags(buddy: Buddy) -> list[str]:
    """The path tags a role model may choose: those of the programmes they work with."""
    from buddywerk.matching.models import ProgrammeMatchingSettings

    tags: set[str] = set()
    for listed in ProgrammeMatchingSettings.objects.filter(
        programme__in=buddy.programmes.all()
    ).values_list("path_tags", flat=True):
        tags.update(t for t in listed or [] if isinstance(t, str))
    return sorted(tags)


@transaction.atomic
def buddy_update_path(
    *,
    actor: User,
    buddy: Buddy,
    sector: str = "",
    trade: str = "",
    story: str = "",
    tracks: Iterable[str] = (),
    tags: Iterable[str] = (),
    shown_to: str,
) -> Buddy:
    """A mentor states their sector and trade, a role model their own path (tracks, the
    programme's tags, in their own words); each chooses who sees it. Only the buddy
    themselves, only what their kind asks, and nothing is inferred."""
    if actor.pk != buddy.user_id:
        raise PermissionDenied
    buddy = Buddy.objects.select_for_update().get(pk=buddy.pk)
    tracks, tags = sorted(set(tracks)), sorted(set(tags))
    errors: dict[str, str] = {}
    mentor = buddy.kind == BuddyKind.SECTOR_MENTOR
    role_model = buddy.kind == BuddyKind.ROLE_MODEL
    if (sector or trade.strip()) and not mentor:
        errors["sector"] = _("Only a sector mentor states a sector and a trade.")
    if (tracks or tags) and not role_model:
        errors["path_tracks"] = _("Only a role model describes their own path.")
    if story.strip() and not (mentor or role_model):
        errors["background"] = _("Only a mentor or a role model tells their own story.")
    if len(story) > PATH_STORY_MAX_CHARS:
        errors["background"] = _("Keep your story to %(max)s characters.") % {
            "max": PATH_STORY_MAX_CHARS
        }
    unknown = set(tags) - set(programme_path_tags(buddy))
    if unknown:
        errors["path_tags"] = _("Choose from your programme's list.")
    if errors:
        raise ValidationError(errors)
    buddy.sector = sector
    buddy.trade = trade.strip()
    buddy.background = story.strip()
    buddy.path_tracks = tracks
    buddy.path_tags = tags
    buddy.path_shown_to = shown_to
    # only these fields: the rest of the profile has its own rules and service
    buddy.clean_fields(exclude=[f.name for f in Buddy._meta.fields if f.name not in PATH_FIELDS])
    buddy.save(update_fields=[*PATH_FIELDS, "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.BUDDY_UPDATE_PROFILE,
        target=buddy,
        detail={"part": "path"},
    )
    return buddy
