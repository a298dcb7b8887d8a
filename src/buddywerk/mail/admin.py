"""The outbox in the admin: read-only, for platform admins (the admin site is theirs),
without the bodies, which may hold personal data."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from buddywerk.access.admin import AuditedAdmin

from .models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(AuditedAdmin):
    """The recipient is shown on a mail's own page (audited) and can be searched for
    ("did my mail go out?"), not in the list."""

    list_display = [
        "pk",
        "kind",
        "created_at",
        "sent_at",
        "attempts",
        "next_attempt_at",
        "given_up_at",
        "last_error",
    ]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter), "given_up_at"]
    date_hierarchy = "created_at"
    search_fields = ["=to"]
    fields = [
        "kind",
        "to",
        "subject",
        "sensitive",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
        "next_attempt_at",
        "given_up_at",
    ]
    readonly_fields = fields
    list_per_page = 100
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
