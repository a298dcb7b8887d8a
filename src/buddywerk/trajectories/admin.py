"""Admin of the records about a duo: read-only. Concerns change only through the services
(audit, mail), on the duo's pages; nothing is deleted here: that is the data lifecycle's
job (issue 15). The follow-up's admin (buddywerk.followup.admin) builds on DuoRecordAdmin."""

from django.contrib import admin

from buddywerk.common.admin import AuditedReadOnlyAdmin

from .models import Concern


class DuoRecordAdmin(AuditedReadOnlyAdmin):
    """A record about a duo is about its participants: reading it (list or page) is
    audited as a view of each of them."""

    audit_people = ("trajectory__participants__pupil", "trajectory__participants__family")
    audit_changelist = True


@admin.register(Concern)
class ConcernAdmin(DuoRecordAdmin):
    list_display = ["uuid", "urgency", "raised_at", "acknowledged_at", "escalated_at"]
    list_filter = ["urgency", "origin"]
