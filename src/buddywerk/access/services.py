"""Writes on users and memberships. Each service validates, runs in one transaction and
leaves an audit event (ARCHITECTURE.md 1, 5)."""

from django.db import transaction

from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.organisations.models import Organisation

from . import policy
from .models import Membership, Role, User


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    preferred_language: str = "",
) -> User:
    """Create an account. Without a password the user sets one through the reset mail.
    `preferred_language`: the language their mails are written in (default: the site's)."""
    user = User(email=email.strip().lower(), first_name=first_name, last_name=last_name)
    if preferred_language:
        user.preferred_language = preferred_language
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(actor=actor, action=AuditAction.USER_CREATE, target=user)
    return user


@transaction.atomic
def membership_grant(
    *,
    actor: User | None,
    user: User,
    organisation: Organisation,
    role: Role,
    is_lead: bool = False,
) -> Membership:
    """Give `user` the `role` in `organisation` (idempotent: an existing one is reactivated)."""
    membership = Membership.objects.filter(user=user, organisation=organisation, role=role).first()
    if membership is None:
        membership = Membership(user=user, organisation=organisation, role=role)
    membership.is_active = True
    membership.is_lead = is_lead or membership.is_lead
    membership.full_clean(validate_unique=False)
    membership.save()
    if role == Role.PLATFORM_ADMIN and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    policy.forget_memberships(user)
    audit_record(
        actor=actor,
        action=AuditAction.MEMBERSHIP_GRANT,
        target=membership,
        detail={"role": str(role)},
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: User | None, membership: Membership) -> Membership:
    """End a membership; the row stays, inactive, so history keeps who had which role."""
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    policy.forget_memberships(membership.user)
    audit_record(actor=actor, action=AuditAction.MEMBERSHIP_REVOKE, target=membership)
    return membership


@transaction.atomic
def user_deactivate(*, actor: User | None, user: User) -> User:
    """Close an account: the person can no longer sign in, and every secret link that
    stands in for signing in dies with it (the buddy's calendar link is deleted, and the
    feed also checks the owner is active; issue 11). Memberships stay, for the history."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active:
        locked.is_active = False
        locked.save(update_fields=["is_active"])
    user.is_active = False
    buddy = getattr(locked, "buddy", None)
    if buddy is not None:
        from buddywerk.learning.services import calendar_feed_drop

        calendar_feed_drop(actor=actor, buddy=buddy)
    policy.forget_memberships(user)
    audit_record(actor=actor, action=AuditAction.USER_DEACTIVATE, target=locked)
    return locked
