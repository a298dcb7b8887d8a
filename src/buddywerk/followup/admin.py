"""Admin of the duo follow-up: read-only. A programme's coordinators set its kijkwijzer
criteria (R12) on the kijkwijzer page (observation_criterion_add, ..._toggle); notes,
kijkwijzers, check-ins and surveys change only through the services (audit, mail), on the
duo's pages. Nothing is deleted here: that is the data lifecycle's job (issue 15). The
read-only, audited base is trajectories' admin of the duo's records (concerns)."""

from django.contrib import admin

from buddywerk.common.admin import ReadOnlyAdmin
from buddywerk.trajectories.admin import DuoRecordAdmin

from .models import (
    CheckIn,
    FollowUpAction,
    Observation,
    ObservationCriterion,
    RelationshipSurvey,
    TandemNote,
)


@admin.register(ObservationCriterion)
class ObservationCriterionAdmin(ReadOnlyAdmin):
    neutral_log = False
    list_display = ["label", "programme", "position", "is_active"]
    list_filter = ["programme", "is_active"]


@admin.register(TandemNote)
class TandemNoteAdmin(DuoRecordAdmin):
    list_display = ["uuid", "side", "kind", "created_at"]


@admin.register(Observation)
class ObservationAdmin(DuoRecordAdmin):
    list_display = ["uuid", "observed_on", "observer"]


@admin.register(FollowUpAction)
class FollowUpActionAdmin(DuoRecordAdmin):
    list_display = ["uuid", "due_on", "done_at"]


@admin.register(CheckIn)
class CheckInAdmin(DuoRecordAdmin):
    list_display = ["uuid", "date", "channel", "by"]


@admin.register(RelationshipSurvey)
class RelationshipSurveyAdmin(DuoRecordAdmin):
    list_display = ["uuid", "respondent", "moment", "answered_on", "mean_score"]
