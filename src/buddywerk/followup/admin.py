"""Admin of the duo follow-up: platform admins set a programme's kijkwijzer criteria (R12)
and read the rest. Notes and kijkwijzers change only through the services (audit, mail),
so they are read-only here (the read-only base is trajectories' admin, with concerns)."""

from django.contrib import admin

from buddywerk.trajectories.admin import ReadOnlyAdmin

from .models import (
    CheckIn,
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
