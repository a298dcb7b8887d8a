"""Admin of the duo follow-up (imported by TrajectoriesConfig.ready): read-only. A
programme's coordinators set its kijkwijzer criteria (R12) on the kijkwijzer page
(observation_criterion_add, ..._toggle); concerns, notes, kijkwijzers, check-ins and
surveys change only through the services (audit, mail), on the duo's pages. Nothing is
deleted here: that is the data lifecycle's job (issue 15)."""

from django.contrib import admin

from buddywerk.common.admin import AuditedReadOnlyAdmin, ReadOnlyAdmin

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
class ObservationCriterionAdmin(ReadOnlyAdmin):
    neutral_log = False
    list_display = ["label", "programme", "position", "is_active"]
    list_filter = ["programme", "is_active"]


class FollowUpAdmin(AuditedReadOnlyAdmin):
    """A follow-up record is about the duo's participants: reading it (list or page) is
    audited as a view of each of them."""

    audit_people = ("trajectory__participants__pupil", "trajectory__participants__family")
    audit_changelist = True


@admin.register(Concern)
class ConcernAdmin(FollowUpAdmin):
    list_display = ["uuid", "urgency", "raised_at", "acknowledged_at", "escalated_at"]
    list_filter = ["urgency", "origin"]


@admin.register(TandemNote)
class TandemNoteAdmin(FollowUpAdmin):
    list_display = ["uuid", "side", "kind", "created_at"]


@admin.register(Observation)
class ObservationAdmin(FollowUpAdmin):
    list_display = ["uuid", "observed_on", "observer"]


@admin.register(FollowUpAction)
class FollowUpActionAdmin(FollowUpAdmin):
    list_display = ["uuid", "due_on", "done_at"]


@admin.register(CheckIn)
class CheckInAdmin(FollowUpAdmin):
    list_display = ["uuid", "date", "channel", "by"]


@admin.register(RelationshipSurvey)
class RelationshipSurveyAdmin(FollowUpAdmin):
    list_display = ["uuid", "respondent", "moment", "answered_on", "mean_score"]
