"""Admin of the records about a duo. Concerns change only through the services (audit,
mail), so they are read-only here; the follow-up's admin (buddywerk.followup.admin)
builds on the same read-only base."""

from typing import Any

from django.contrib import admin

from buddywerk.access.admin import AuditedAdmin

from .models import Concern


class ReadOnlyAdmin(AuditedAdmin):
    """A record about a duo is about its participants: reading it (list or page) is
    audited as a view of each of them."""

    audit_people = ("trajectory__participants__pupil", "trajectory__participants__family")
    audit_changelist = True

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Concern)
class ConcernAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "urgency", "raised_at", "acknowledged_at", "escalated_at"]
    list_filter = ["urgency", "origin"]
