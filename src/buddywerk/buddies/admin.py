"""Buddies in the admin: read-only, every look audited. A buddy registers and edits their
own profile in the application; screening (approve, decline, reopen, the extract, the
level) is done by the programme's coordinators on the buddy's page, through the
screening workflow. No buddy is deleted here: that is the data lifecycle's job (issue 15)."""

from django.contrib import admin

from buddywerk.common.admin import AuditedReadOnlyAdmin

from .models import Buddy


@admin.register(Buddy)
class BuddyAdmin(AuditedReadOnlyAdmin):
    list_display = ["user", "kind", "status", "level", "extract_seen_on"]
    list_filter = ["kind", "status", "level"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
