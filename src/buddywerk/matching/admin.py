"""Matching in the admin: read-only. A programme's coordinators set its matching weights
on the programme's matching settings page (matching_settings_update); proposals move
through their workflow (made, accepted, confirmed...) in the application only. Nothing
is deleted here (issue 15)."""

from django.contrib import admin

from buddywerk.common.admin import AuditedReadOnlyAdmin, ReadOnlyAdmin, ReadOnlyInline

from .models import ProgrammeMatchingSettings, Proposal, ProposalTransition


@admin.register(ProgrammeMatchingSettings)
class ProgrammeMatchingSettingsAdmin(ReadOnlyAdmin):
    neutral_log = False
    list_display = ("programme", "distance", "slots", "needs", "language", "fit", "proposal_days")


class ProposalTransitionInline(ReadOnlyInline):
    model = ProposalTransition
    readonly_fields = ("from_status", "to_status", "transition", "actor", "at", "reason")


@admin.register(Proposal)
class ProposalAdmin(AuditedReadOnlyAdmin):
    """A proposal is about a referral's pupil or family: reading it is audited as theirs."""

    audit_people = ("referral__pupil", "referral__family")
    audit_changelist = True

    list_display = ("uuid", "programme", "status", "score", "due_at")
    list_filter = ("status", "programme")
    inlines = [ProposalTransitionInline]
