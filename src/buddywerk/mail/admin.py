"""The outbox in the admin: read-only, for platform admins (the admin site is theirs),
without the bodies, which may hold personal data. Mail is written by the service that
causes it and sent by the worker; nothing is deleted here (issue 15)."""

from django.contrib import admin

from buddywerk.common.admin import AuditedReadOnlyAdmin

from .models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(AuditedReadOnlyAdmin):
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
    fields = readonly_fields = (
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
    )
    list_per_page = 100
    show_full_result_count = False
