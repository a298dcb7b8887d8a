"""Admin of the duo follow-up (imported by TrajectoriesConfig.ready): platform admins set a
programme's kijkwijzer criteria (R12) and read the rest. Concerns, notes and kijkwijzers
change only through the services (audit, mail), so they are read-only here."""

from typing import Any

from django.contrib import admin

from buddywerk.access.admin import AuditedAdmin

from .followup_models import (
    CheckIn,
    Concern,
    FollowUpAction,
    Observation,
    ObservationCriterion,
    RelationshipSurvey,
    TandemNote,
)


@admin.register(ObservationCriterion)
class ObservationCriterionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["label", "programme", "position", "is_active"]
    list_filter = ["programme", "is_active"]
    list_editable = ["position", "is_active"]


class ReadOnlyAdmin(AuditedAdmin):
    """A follow-up record is about the duo's participants: reading it (list or page) is
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


@admin.register(TandemNote)
class TandemNoteAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "side", "kind", "created_at"]


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "observed_on", "observer"]


@admin.register(FollowUpAction)
class FollowUpActionAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "due_on", "done_at"]


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "date", "channel", "by"]


@admin.register(RelationshipSurvey)
class RelationshipSurveyAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "respondent", "moment", "answered_on", "mean_score"]
