"""Write audit events.

Writes. A service calls `audit_record(actor=..., action=AuditAction.<ENTITY_VERB>,
target=<the row it wrote>)` inside its own transaction, so the event commits or rolls back
with the write; the state-machine kernel (workflow.py) does it for every transition. The
admin writes through the same services, or audits its writes of reference data
(`AuditAction.ADMIN_*`, see common.admin). Every action is a member of `AuditAction`, one
list of all that is recorded; `audit_record` refuses any other value.

Views: the convention. Every page that shows a pupil's or a family's personal data (a
name or first name, needs, notes, agreements, follow-up), whatever its form: a detail page,
an edit form, a list, an htmx fragment, an export, an admin screen, writes one event with
action "view" PER CHILD IT SHOWS, and the event's target is the child itself: the
`referrals.pupil` or the `referrals.family`, with the child's UUID as `object_id`. Never
the referral, the duo, the proposal or the follow-up record the child was seen through:
that record goes into `detail` (`{"referral": <uuid>}`, `{"trajectory": <uuid>}`,
`{"proposal": <uuid>}`, `{"concern": <uuid>}`, ...); a list adds `"list": true` and the admin
adds `"admin": true`. So "who saw this pupil, when, and on which page?" is one query on
the indexed (object_type, object_id) pair, whichever page it was, and the request id ties
each row to the page's log lines:

    AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="referrals.pupil", object_id=str(pupil.uuid)
    )

A duo of three pupils shown once writes three events; a list of fifty referrals writes
fifty. A page that shows several children writes them in one INSERT (`audit_view_many`),
so its number of queries does not grow with its rows. The data of other people (a buddy's
profile, a mail in the outbox) follows the same rule with that person's record as target.
`detail` holds UUIDs and flags only, never personal data.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from .middleware import current_request_id
from .models import AuditEvent


class AuditAction(models.TextChoices):
    """Everything the audit trail records. The value is stored; `<entity>.<what>`."""

    VIEW = "view", _("Viewed personal data")
    # the Django admin (platform admins only): writes of reference data; the admin
    # deletes nothing, and writes personal data through the services (common/admin.py)
    ADMIN_ADD = "admin.add", _("Added in the admin")
    ADMIN_CHANGE = "admin.change", _("Changed in the admin")
    # access
    USER_CREATE = "user.create", _("User created")
    USER_DEACTIVATE = "user.deactivate", _("User deactivated")
    MEMBERSHIP_GRANT = "membership.grant", _("Membership granted")
    MEMBERSHIP_REVOKE = "membership.revoke", _("Membership revoked")
    # internships (issue 20, points 1 and 5)
    SUPERVISOR_INVITE = "supervisor.invite", _("Internship supervisor invited")
    SHARING_GIVE = "sharing.give", _("Buddy agreed to share with their institution")
    SHARING_REVOKE = "sharing.revoke", _("Buddy stopped sharing with their institution")
    PARTNERSHIP_SAVE = "partnership.save", _("Institution partnership recorded")
    INTERNSHIP_FILE_EXPORT = "internship_file.export", _("Internship file exported")
    ATTESTATION_ISSUE = "attestation.issue", _("Hours attestation issued")
    # organisations
    ORGANISATION_CREATE = "organisation.create", _("Organisation created")
    ORGANISATION_CHANGE = "organisation.change", _("Organisation changed")
    SCHOOL_REGISTER = "school.register", _("School registered")
    # services (issue 20, point 3)
    SERVICE_REGISTER = "service.register", _("Service registered")
    SERVICE_CHANGE = "service.change", _("Service changed")
    SERVICE_STAFF_INVITE = "service_staff.invite", _("Service staff invited")
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
    BUDDY_SUSPEND = "buddy.suspended", _("Buddy suspended")
    BUDDY_REINSTATE = "buddy.reinstated", _("Buddy reinstated")
    BUDDY_EXTRACT_REMIND = "buddy.extract_reminded", _("Buddy reminded: the extract runs out")
    BUDDY_RECORD_EXTRACT = "buddy.record_extract", _("Extract recorded as seen")
    BUDDY_SET_LEVEL = "buddy.set_level", _("Buddy level set")
    BUDDY_IMPORT = "buddy.import", _("Buddy imported")
    BUDDY_IMPORT_START = "buddy_import.start", _("Buddy import started")
    BUDDY_IMPORT_CONFIRM = "buddy_import.confirm", _("Buddy import confirmed")
    BUDDY_IMPORT_COMMIT = "buddy_import.commit", _("Buddy import committed")
    BUDDY_IMPORT_RETRY = "buddy_import.retry", _("Buddy import tried again")
    BUDDY_IMPORT_STALE = "buddy_import.stale", _("Buddy import stopped: no sign of life")
    BUDDY_PURGE_UNCONFIRMED = "buddy.purge_unconfirmed", _("Unconfirmed registration removed")
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
    CONSENT_TEXT_PUBLISH = "consent_text.publish", _("Consent text published")
    CONSENT_WITHDRAW = "consent.withdraw", _("Consent withdrawn")
    RETENTION_SET = "retention.set", _("A programme's retention period changed")
    ACCESS_EXPORT = "privacy.access_export", _("Data exported on request")
    PRIVACY_PURGE = "privacy.purge", _("Data past its retention anonymised or erased")
    ERASURE_REQUEST = "erasure.request", _("Erasure requested")
    ERASURE_CONFIRM = "erasure.confirm", _("Erasure confirmed by a second person")
    ERASURE_REFUSE = "erasure.refuse", _("Erasure request refused")
    ERASURE_CANCEL = "erasure.cancel", _("Erasure request cancelled")
    ERASURE_DONE = "erasure.done", _("Data erased on request")
    ACCOUNT_WARN = "account.warn", _("Warned before an inactive account is anonymised")
    ACCOUNT_ANONYMISE = "account.anonymise", _("Inactive account anonymised")
    # matching
    MATCHING_SETTINGS_UPDATE = "matching.settings_update", _("Matching settings changed")
    PROPOSAL_CREATE = "proposal.create", _("Proposal made")
    PROPOSAL_REMIND = "proposal.remind", _("Proposal reminder sent")
    PROPOSAL_ACCEPT = "proposal.accepted", _("Proposal accepted by the buddy")
    PROPOSAL_DECLINE = "proposal.declined", _("Proposal declined by the buddy")
    PROPOSAL_CONFIRM = "proposal.confirmed", _("Proposal confirmed by the school")
    PROPOSAL_REFUSE = "proposal.refused", _("Proposal refused by the school")
    PROPOSAL_EXPIRE = "proposal.expired", _("Proposal expired")
    PROPOSAL_WITHDRAW = "proposal.withdrawn", _("Proposal withdrawn by the programme")
    # trajectories
    TRAJECTORY_START = "trajectory.start", _("Duo started")
    TRAJECTORY_ACTIVATE = "trajectory.activate", _("Duo active")
    TRAJECTORY_PAUSE = "trajectory.pause", _("Duo paused")
    TRAJECTORY_RESUME = "trajectory.resume", _("Duo resumed")
    TRAJECTORY_CLOSE = "trajectory.close", _("Duo closed")
    TRAJECTORY_SHORTEN = "trajectory.shorten", _("Duo ends on the buddy's last day")
    TRAJECTORY_REMATCH = "trajectory.rematch", _("Rematch asked")
    TRAJECTORY_INSURANCE_CONFIRM = "trajectory.insurance_confirm", _("Insurance confirmed")
    TRAJECTORY_EVALUATE = "trajectory.evaluate", _("Duo evaluated")
    AGREEMENT_UPDATE = "agreement.update", _("Agreements changed")
    AGREEMENT_CONFIRM = "agreement.confirm", _("Agreements confirmed")
    MEETING_PLAN = "meeting.plan", _("Meeting planned")
    MEETING_LOG = "meeting.log", _("Meeting logged")
    MEETING_UPDATE = "meeting.update", _("Meeting changed")
    MEETING_DELETE = "meeting.delete", _("Meeting deleted")
    MEETING_CANCEL = "meeting.cancel", _("Planned meeting cancelled")
    MEETING_MOVE = "meeting.move", _("Planned meeting moved")
    # Issue 20, point 4: family programmes.
    GROUP_ACTIVITY_PLAN = "group_activity.plan", _("Group activity planned")
    GROUP_ACTIVITY_ATTENDANCE = "group_activity.attendance", _("Attendance taken")
    GROUP_ACTIVITY_CANCEL = "group_activity.cancel", _("Group activity cancelled")
    FAMILY_CONTACT_SAVE = "family_contact.save", _("Family's message contact recorded")
    FAMILY_CONTACT_DELETE = "family_contact.delete", _("Family's message contact removed")
    MESSAGE_TEMPLATE_SAVE = "message_template.save", _("Message template saved")
    WELLBEING_RECORD = "wellbeing.record", _("Well-being recorded")
    CALENDAR_FEED_RESET = "calendar_feed.reset", _("Calendar link renewed")
    CALENDAR_FEED_DROP = "calendar_feed.drop", _("Calendar link deleted")
    # follow-up
    TANDEM_ADD = "tandem.add", _("Tandem note written")
    TANDEM_UPDATE = "tandem.update", _("Tandem note corrected")
    TANDEM_DELETE = "tandem.delete", _("Tandem note deleted")
    CONCERN_RAISE = "concern.raise", _("Concern raised")
    CONCERN_RAISE_WELLBEING = "concern.raise_wellbeing", _("Concern raised by a low score")
    CONCERN_ACKNOWLEDGE = "concern.acknowledge", _("Concern acknowledged")
    CONCERN_ESCALATE = "concern.escalate", _("Concern escalated")
    CONCERN_ESCALATE_REGION = (
        "concern.escalate_region",
        _("Concern escalated to the regional coordinator"),
    )
    CONCERN_RECORD_OUTCOME = "concern.record_outcome", _("Concern outcome recorded")
    CONCERN_CLOSE = "concern.close", _("Concern closed")
    OBSERVATION_RECORD = "observation.record", _("Kijkwijzer recorded")
    FOLLOWUP_ACTION_DONE = "followup_action.done", _("Follow-up action done")
    CHECKIN_RECORD = "checkin.record", _("Check-in recorded")
    SURVEY_RECORD = "survey.record", _("Survey answered")
    KIJKWIJZER_CRITERION_ADD = "kijkwijzer.criterion_add", _("Kijkwijzer criterion added")
    KIJKWIJZER_CRITERION_TOGGLE = (
        "kijkwijzer.criterion_toggle",
        _("Kijkwijzer criterion switched on or off"),
    )
    # learning
    MODULE_COMPLETE = "module.complete", _("Module done")
    MODULE_CREATE = "module.create", _("Module written")
    MODULE_UPDATE = "module.update", _("Module changed")
    EVENT_CREATE = "event.create", _("Event created")
    EVENT_UPDATE = "event.update", _("Event changed")
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
    PRACTICE_SUBMISSION_PURGE_UNCONFIRMED = (
        "practice_submission.purge_unconfirmed",
        _("Unconfirmed proposal removed"),
    )
    QUESTION_SAVE = "question.save", _("Question saved")
    QUESTION_ASK = "question.ask", _("Question asked")
    SERVICE_INTRODUCTION_RECORD = "service_introduction.record", _("Service introduction")
    LOCAL_SERVICE_CREATE = "local_service.create", _("Local service added to the sociale kaart")
    LOCAL_SERVICE_UPDATE = "local_service.update", _("Local service changed")
    # api
    API_TOKEN_CREATE = "api_token.create", _("API token created")
    API_TOKEN_REVOKE = "api_token.revoke", _("API token revoked")
    WEBHOOK_SUBSCRIBE = "webhook.subscribe", _("Webhook subscribed")
    WEBHOOK_UNSUBSCRIBE = "webhook.unsubscribe", _("Webhook unsubscribed")
    # reports
    REPORT_REMINDER = "report.reminder", _("Report reminder sent")
    QUALITATIVE_PERIOD_OPEN = "qualitative_period.open", _("Qualitative report period opened")
    QUALITATIVE_QUESTIONS_SET = "qualitative_period.questions", _("Funder's questions changed")
    QUALITATIVE_DRAFT_SAVE = "qualitative_report.draft", _("Qualitative report draft saved")
    QUALITATIVE_SUBMIT = "qualitative_report.submit", _("Qualitative report submitted")
    QUALITATIVE_REMINDER = "qualitative_report.reminder", _("Qualitative report reminder sent")
    QUALITATIVE_EXPORT = "qualitative_report.export", _("Combined report file requested")
    # expenses (issue 21, point 4)
    EXPENSE_YEAR_SET = "expense_year.set", _("Expense ceilings of a year set")
    EXPENSE_CLAIM_OPEN = "expense_claim.open", _("Expense claim started")
    EXPENSE_LINE_ADD = "expense_claim.line_add", _("Expense added to a claim")
    EXPENSE_LINE_DELETE = "expense_claim.line_delete", _("Expense removed from a claim")
    EXPENSE_CLAIM_SUBMIT = "expense_claim.submit", _("Expense claim submitted")
    EXPENSE_CLAIM_REOPEN = "expense_claim.reopen", _("Expense claim taken back")
    EXPENSE_CLAIM_APPROVE = "expense_claim.approve", _("Expense claim approved")
    EXPENSE_CLAIM_REFUSE = "expense_claim.refuse", _("Expense claim refused")
    EXPENSE_CLAIM_PAY = "expense_claim.pay", _("Expense claim paid")
    EXPENSE_PAYMENT_EXPORT = "expense_claim.export", _("Payment file of expense claims made")
    EXPENSE_RECEIPT_VIEW = "expense_claim.receipt", _("Expense receipt opened")
    EXPENSE_CLAIM_ANONYMISE = "expense_claim.anonymise", _("Expense claims anonymised")
    # funds (issue 21): study grants and the programme's money
    GRANT_FUND_SET = "grant_fund.set", _("Grant fund set")
    GRANT_CREATE = "grant.create", _("Study grant requested")
    GRANT_SUBMIT = "grant.submit", _("Study grant submitted")
    GRANT_APPROVE_FIRST = "grant.approve_first", _("Study grant: first approval")
    GRANT_APPROVE = "grant.approve", _("Study grant approved")
    GRANT_REFUSE = "grant.refuse", _("Study grant refused")
    GRANT_PAYMENT_RECORD = "grant.payment", _("Study grant payment recorded")
    GRANT_PAID = "grant.paid", _("Study grant paid in full")
    GRANT_RECEIPT_ADD = "grant.receipt", _("Study grant receipt uploaded")
    GRANT_JUSTIFY = "grant.justify", _("Study grant justified")
    GRANT_CLOSE = "grant.close", _("Study grant closed")
    GRANT_REMINDER = "grant.reminder", _("Study grant receipt reminder sent")
    GRANT_OVERDUE = "grant.overdue", _("Study grant receipt overdue")
    GRANT_ANONYMISE = "grant.anonymise", _("Study grant anonymised")
    FUNDING_RECORD = "funding.record", _("Funding received recorded")
    BUDGET_SET = "budget.set", _("Budget line set")
    COST_RECORD = "cost.record", _("Cost recorded")


def _object_id(target: models.Model) -> str:
    """The UUID where the model has one (what the URLs show), else the primary key."""
    return str(getattr(target, "uuid", None) or target.pk)


@dataclass(frozen=True)
class Seen:
    """One person a page shows, as its view event names them: the target (the child's
    model label and UUID) and the records the child was seen through, for `detail`."""

    object_type: str
    object_id: str
    via: tuple[tuple[str, str], ...] = ()

    @property
    def detail(self) -> dict[str, Any]:
        return dict(self.via)


def seen(target: models.Model, **via: Any) -> Seen:
    """`target` (a pupil, a family, or another person's record) seen through `via`, e.g.
    `seen(referral.participant, referral=referral.uuid)`."""
    return seen_ref(target._meta.label_lower, target_id=_object_id(target), **via)


def seen_ref(object_type: str, *, target_id: Any, **via: Any) -> Seen:
    """The same from values read without the model instance (a `.values()` row)."""
    return Seen(
        object_type=object_type,
        object_id=str(target_id),
        via=tuple(sorted((key, str(value)) for key, value in via.items() if value is not None)),
    )


def _event(
    *,
    actor: Any,
    action: AuditAction,
    target: models.Model | Seen,
    detail: dict[str, Any] | None,
) -> AuditEvent:
    """An unsaved event; `object_id` is the target's UUID where it has one."""
    if not isinstance(action, AuditAction):
        raise TypeError(f"audit action must be an AuditAction, not {action!r}")
    if isinstance(target, Seen):
        object_type, object_id = target.object_type, target.object_id
        detail = {**target.detail, **(detail or {})}
    else:
        object_type, object_id = target._meta.label_lower, _object_id(target)
    return AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action.value,
        object_type=object_type,
        object_id=object_id,
        request_id=current_request_id(),
        detail=detail or {},
    )


def audit_record(
    *,
    actor: Any,
    action: AuditAction,
    target: models.Model | Seen,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that `actor` did `action` on `target`. Never put personal data in `detail`."""
    event = _event(actor=actor, action=action, target=target, detail=detail)
    event.save(force_insert=True)
    return event


def audit_record_many(
    *, actor: Any, action: AuditAction, targets: Iterable[models.Model]
) -> list[AuditEvent]:
    """`audit_record` for several rows at once (a bulk delete), in one INSERT."""
    return AuditEvent.objects.bulk_create(
        _event(actor=actor, action=action, target=target, detail=None) for target in targets
    )


def audit_view(*, actor: Any, target: models.Model | Seen) -> AuditEvent:
    """Record that `actor` looked at the personal data of one child (or person)."""
    return audit_record(actor=actor, action=AuditAction.VIEW, target=target)


def audit_view_many(
    *,
    actor: Any,
    targets: Iterable[models.Model | Seen],
    listed: bool = True,
    detail: dict[str, Any] | None = None,
) -> list[AuditEvent]:
    """Record that `actor` looked at a page showing every one of `targets`: one event per
    child (so "who saw this pupil?" stays one query), all written in one INSERT, nothing
    when the page shows nobody. `listed` marks the events of a list (`"list": true`);
    a detail page with several children (a group duo) passes `listed=False`. A child
    shown twice through the same record is recorded once."""
    extra = {**({"list": True} if listed else {}), **(detail or {})}
    unique: dict[tuple[str, str, tuple[tuple[str, str], ...]], models.Model | Seen] = {}
    for target in targets:
        key = (
            (target.object_type, target.object_id, target.via)
            if isinstance(target, Seen)
            else (target._meta.label_lower, _object_id(target), ())
        )
        unique.setdefault(key, target)
    if not unique:
        return []
    return AuditEvent.objects.bulk_create(
        _event(actor=actor, action=AuditAction.VIEW, target=target, detail=extra)
        for target in unique.values()
    )
