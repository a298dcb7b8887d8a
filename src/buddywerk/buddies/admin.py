from django.contrib import admin

from buddywerk.access.admin import AuditedAdmin

from .models import Buddy


@admin.register(Buddy)
class BuddyAdmin(AuditedAdmin):
    list_display = ["user", "kind", "status", "level", "extract_seen_on"]
    list_filter = ["kind", "status", "level"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    raw_id_fields = ["user", "home_postcode", "training_institution"]
