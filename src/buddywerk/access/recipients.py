"""Who is told: the people a mail goes to because of the role they hold (not what they may
see: that is the policy's)."""

from django.db.models import Q, QuerySet

from .models import Membership, Role, User


def platform_admin_users() -> QuerySet[User]:
    """Active platform admins: an active membership with the role, or a superuser."""
    members = Membership.objects.active().filter(role=Role.PLATFORM_ADMIN).values("user_id")
    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=members) | Q(is_superuser=True))
        .order_by("pk")
    )


def members(organisation_id: int, *roles: str) -> list[User]:
    """The users with an active membership of one of `roles` in the organisation, in the
    order they joined Buddywerk (user id)."""
    return [
        m.user
        for m in Membership.objects.active()
        .filter(organisation_id=organisation_id, role__in=roles)
        .select_related("user")
        .order_by("user_id")
    ]
