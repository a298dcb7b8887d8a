"""The audit trail: who did or saw what, when (ARCHITECTURE.md 5).

Services call `audit_record` inside their own transaction, so an event exists exactly when
its write does; pages that show a pupil's or family's personal data call `audit_view` (one
object) or `audit_view_many` (a list: one event per object shown, one INSERT per page), so
"who saw this pupil?" is one query on (object_type, object_id).

Every action is a member of `AuditAction`: one list of everything that is recorded, with a
label an auditor can read. `audit_record` refuses any other string.
"""

from collections.abc import Sequence
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from .middleware import current_request_id
from .models import AuditEvent


class AuditAction(models.TextChoices):
    """Everything the audit trail records. The value is stored; `<entity>.<what>`."""

    VIEW = "view", _("Viewed personal data")
    # access
    USER_CREATE = "user.create", _("User created")
    MEMBERSHIP_GRANT = "membership.grant", _("Membership granted")
    MEMBERSHIP_REVOKE = "membership.revoke", _("Membership revoked")
    # organisations
    SCHOOL_REGISTER = "school.register", _("School registered")
    SCHOOL_CONFIRM = "school.confirm", _("School confirmed")
    SCHOOL_DECLINE = "school.decline", _("School registration declined")
    SCHOOL_IMPORT_CREATE = "school.import_create", _("School imported")
    SCHOOL_IMPORT_UPDATE = "school.import_update", _("School updated by an import")
    PROGRAMME_REQUIRED_MODULES = "programme.required_modules", _("Required modules changed")
    # buddies
    BUDDY_REGISTER = "buddy.register", _("Buddy registered")
    BUDDY_REGISTER_KNOWN_ADDRESS = (
        "buddy.register_known_address",
        _("Registration with a known address"),
    )
    BUDDY_ACCEPT_DECLARATION = "buddy.accept_declaration", _("Declaration accepted")
    BUDDY_UPDATE_PROFILE = "buddy.update_profile", _("Buddy profile changed")
    BUDDY_PAUSE = "buddy.pause", _("Buddy availability paused")
    BUDDY_RESUME = "buddy.resume", _("Buddy available again")
    BUDDY_APPROVE = "buddy.approve", _("Buddy approved")
    BUDDY_DECLINE = "buddy.declined", _("Buddy declined")
    BUDDY_REOPEN = "buddy.applied", _("Screening reopened")
    BUDDY_RECORD_EXTRACT = "buddy.record_extract", _("Extract recorded as seen")
    BUDDY_SET_LEVEL = "buddy.set_level", _("Buddy level set")
    BUDDY_IMPORT = "buddy.import", _("Buddy imported")
    BUDDY_IMPORT_START = "buddy_import.start", _("Buddy import started")
    BUDDY_IMPORT_CONFIRM = "buddy_import.confirm", _("Buddy import confirmed")
    BUDDY_IMPORT_COMMIT = "buddy_import.commit", _("Buddy import committed")
    # referrals
    PUPIL_CREATE = "pupil.create", _("Pupil created")
    PUPIL_UPDATE = "pupil.update", _("Pupil changed")
    FAMILY_CREATE = "family.create", _("Family created")
    FAMILY_UPDATE = "family.update", _("Family changed")
    REFERRAL_CREATE = "referral.create", _("Referral created")
    REFERRAL_UPDATE = "referral.update", _("Referral changed")
    REFERRAL_SUBMIT = "referral.submit", _("Referral submitted")
    REFERRAL_ACCEPT = "referral.accept", _("Referral accepted")
    REFERRAL_DECLINE = "referral.decline", _("Referral declined")
    REFERRAL_WAIT = "referral.wait", _("Referral put on the waiting list")
    REFERRAL_MATCH = "referral.match", _("Referral matched")
    REFERRAL_REQUEUE = "referral.requeue", _("Referral back in the queue")
    REFERRAL_CLOSE = "referral.close", _("Referral closed")
    REFERRAL_WITHDRAW = "referral.withdraw", _("Referral withdrawn")
    # matching
    MATCHING_SETTINGS_UPDATE = "matching.settings_update", _("Matching settings changed")
    PROPOSAL_CREATE = "proposal.create", _("Proposal made")
    PROPOSAL_REMIND = "proposal.remind", _("Proposal reminder sent")
    PROPOSAL_ACCEPT = "proposal.accepted", _("Proposal accepted by the buddy")
    PROPOSAL_DECLINE = "proposal.declined", _("Proposal declined by the buddy")
    PROPOSAL_CONFIRM = "proposal.confirmed", _("Proposal confirmed by the school")
    PROPOSAL_REFUSE = "proposal.refused", _("Proposal refused by the school")
    PROPOSAL_EXPIRE = "proposal.expired", _("Proposal expired")
    # trajectories
    TRAJECTORY_START = "trajectory.start", _("Duo started")
    TRAJECTORY_ACTIVATE = "trajectory.activate", _("Duo active")
    TRAJECTORY_PAUSE = "trajectory.pause", _("Duo paused")
    TRAJECTORY_RESUME = "trajectory.resume", _("Duo resumed")
    TRAJECTORY_CLOSE = "trajectory.close", _("Duo closed")
    TRAJECTORY_REMATCH = "trajectory.rematch", _("Rematch asked")
    TRAJECTORY_INSURANCE_CONFIRM = "trajectory.insurance_confirm", _("Insurance confirmed")
    TRAJECTORY_EVALUATE = "trajectory.evaluate", _("Duo evaluated")
    AGREEMENT_UPDATE = "agreement.update", _("Agreements changed")
    AGREEMENT_CONFIRM = "agreement.confirm", _("Agreements confirmed")
    MEETING_PLAN = "meeting.plan", _("Meeting planned")
    MEETING_LOG = "meeting.log", _("Meeting logged")
    MEETING_UPDATE = "meeting.update", _("Meeting changed")
    WELLBEING_RECORD = "wellbeing.record", _("Well-being recorded")
    CALENDAR_FEED_RESET = "calendar_feed.reset", _("Calendar link renewed")
    # follow-up
    TANDEM_ADD = "tandem.add", _("Tandem note written")
    CONCERN_RAISE = "concern.raise", _("Concern raised")
    CONCERN_RAISE_WELLBEING = "concern.raise_wellbeing", _("Concern raised by a low score")
    CONCERN_ACKNOWLEDGE = "concern.acknowledge", _("Concern acknowledged")
    CONCERN_ESCALATE = "concern.escalate", _("Concern escalated")
    OBSERVATION_RECORD = "observation.record", _("Kijkwijzer recorded")
    FOLLOWUP_ACTION_DONE = "followup_action.done", _("Follow-up action done")
    CHECKIN_RECORD = "checkin.record", _("Check-in recorded")
    SURVEY_RECORD = "survey.record", _("Survey answered")
    KIJKWIJZER_CRITERION_ADD = "kijkwijzer.criterion_add", _("Kijkwijzer criterion added")
    KIJKWIJZER_CRITERION_TOGGLE = (
        "kijkwijzer.criterion_toggle",
        _("Kijkwijzer criterion switched on or off"),
    )
    VIEW_FOLLOWUP_OVERVIEW = "view_followup_overview", _("Follow-up overview viewed")
    # learning
    MODULE_COMPLETE = "module.complete", _("Module done")
    EVENT_CREATE = "event.create", _("Event created")
    EVENT_ATTENDANCE = "event.attendance", _("Attendance taken")
    REGISTRATION_CREATE = "registration.create", _("Registered for an event")
    REGISTRATION_CANCEL = "registration.cancel", _("Registration cancelled")
    REGISTRATION_PROMOTE = "registration.promote", _("Moved up from the waiting list")
    MEETUP_NOTE_RECORD = "meetup_note.record", _("Meet-up note written")
    # network
    PRACTICE_SUBMISSION_CREATE = "practice_submission.create", _("Practice sheet proposed")
    PRACTICE_SUBMISSION_CONFIRM = "practice_submission.confirm", _("Proposal confirmed by mail")
    PRACTICE_SUBMISSION_RESUBMIT = "practice_submission.resubmit", _("Proposal sent again")
    PRACTICE_SUBMISSION_PUBLISH = "practice_submission.published", _("Proposal published")
    PRACTICE_SUBMISSION_CHANGES = (
        "practice_submission.changes_requested",
        _("Changes asked on a proposal"),
    )
    PRACTICE_SUBMISSION_REJECT = "practice_submission.rejected", _("Proposal rejected")
    PRACTICE_PUBLISH = "practice.publish", _("Practice sheet published")
    QUESTION_SAVE = "question.save", _("Question saved")
    SERVICE_INTRODUCTION_RECORD = "service_introduction.record", _("Service introduction")
    # reports
    REPORT_REMINDER = "report.reminder", _("Report reminder sent")


def _event(
    *,
    actor: Any,
    action: AuditAction,
    target: models.Model,
    detail: dict[str, Any] | None,
) -> AuditEvent:
    """An unsaved event; `object_id` is the target's UUID where it has one."""
    if not isinstance(action, AuditAction):
        raise TypeError(f"audit action must be an AuditAction, not {action!r}")
    return AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action.value,
        object_type=target._meta.label_lower,
        object_id=str(getattr(target, "uuid", None) or target.pk),
        request_id=current_request_id(),
        detail=detail or {},
    )


def audit_record(
    *,
    actor: Any,
    action: AuditAction,
    target: models.Model,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that `actor` (None: the system) did `action` on `target`. Never put personal
    data in `detail`."""
    event = _event(actor=actor, action=action, target=target, detail=detail)
    event.save(force_insert=True)
    return event


def audit_view(*, actor: Any, target: models.Model) -> AuditEvent:
    """Record that `actor` looked at the personal data held in `target`."""
    return audit_record(actor=actor, action=AuditAction.VIEW, target=target)


def audit_view_many(*, actor: Any, targets: Sequence[models.Model]) -> list[AuditEvent]:
    """Record that `actor` looked at a list naming every one of `targets`: one event per
    object, written in one INSERT."""
    return AuditEvent.objects.bulk_create(
        _event(actor=actor, action=AuditAction.VIEW, target=target, detail={"list": True})
        for target in targets
    )
