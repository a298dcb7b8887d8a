from django.contrib import admin

from buddywerk.access.admin import AuditedAdmin

from .models import ProgrammeMatchingSettings, Proposal, ProposalTransition


@admin.register(ProgrammeMatchingSettings)
class ProgrammeMatchingSettingsAdmin(admin.ModelAdmin):
    list_display = ("programme", "distance", "slots", "needs", "language", "fit", "proposal_days")


class ProposalTransitionInline(admin.TabularInline):
    model = ProposalTransition
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "actor", "at", "reason")


@admin.register(Proposal)
class ProposalAdmin(AuditedAdmin):
    """Read-only: statuses change through the services only (ARCHITECTURE.md 4). A
    proposal is about a referral's pupil or family: reading it is audited as theirs."""

    audit_people = ("referral__pupil", "referral__family")
    audit_changelist = True

    list_display = ("uuid", "programme", "status", "score", "due_at")
    list_filter = ("status", "programme")
    inlines = [ProposalTransitionInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
