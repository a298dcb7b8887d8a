"""Model permissions for the Django admin, from the platform admin role."""

from typing import Any

from django.contrib.auth.backends import BaseBackend

from . import policy

# Nobody may add, change or delete audit events, not even through a permission
# (common.admin.AuditEventAdmin refuses them too).
_NEVER = frozenset(
    {"common.add_auditevent", "common.change_auditevent", "common.delete_auditevent"}
)


class PlatformAdminBackend(BaseBackend):
    """The umbrella organisation's platform admins manage every model through the admin
    (policy.can_use_admin), without a hand-kept list of Django permissions per user. Other
    users get no model permission from here. Grants only: it never refuses what another
    backend allows."""

    def has_perm(self, user_obj: Any, perm: str, obj: object = None) -> bool:
        return perm not in _NEVER and policy.can_use_admin(user_obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return policy.can_use_admin(user_obj)
