"""The state-machine kernel (common/workflow.py) and the tables built on it.

The per-app tests walk each table through its services; these tests hold what every table
shares: the kernel refuses a wrong source state and a person without the predicate's yes,
changes nothing then, and otherwise writes the status, the log row and the audit event in
one go. A static check keeps status assignments out of the rest of the code.
"""

import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from buddywerk.buddies.workflow import SCREENING
from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.common.workflow import TransitionNotAllowed, Workflow, transition, transition_apply
from buddywerk.learning.workflow import REGISTRATION
from buddywerk.matching.enums import OPEN_STATUSES as PROPOSAL_OPEN
from buddywerk.matching.workflow import PROPOSAL
from buddywerk.network.workflow import SUBMISSION
from buddywerk.privacy.erasure_workflow import ERASURE
from buddywerk.referrals.enums import OPEN_STATUSES as REFERRAL_OPEN
from buddywerk.referrals.enums import ReferralStatus
from buddywerk.referrals.models import Referral, ReferralTransition
from buddywerk.referrals.workflow import REFERRAL
from buddywerk.reports.qualitative_workflow import QUALITATIVE
from buddywerk.trajectories.concern_workflow import CONCERN
from buddywerk.trajectories.enums import LOGGING_STATUSES, ConcernStatus, TrajectoryStatus
from buddywerk.trajectories.group_workflow import GROUP_ACTIVITY
from buddywerk.trajectories.meeting_workflow import MEETING
from buddywerk.trajectories.workflow import TRAJECTORY
from tests.factories import ReferralFactory, UserFactory

WORKFLOWS = [
    REFERRAL,
    TRAJECTORY,
    PROPOSAL,
    SUBMISSION,
    ERASURE,
    REGISTRATION,
    SCREENING,
    CONCERN,
    QUALITATIVE,
    MEETING,
    GROUP_ACTIVITY,
]
SRC = Path(__file__).resolve().parents[2] / "src" / "buddywerk"
# Every test clears the cache, which lives in the database.
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.model.__name__)
def test_every_table_is_well_formed(workflow: Workflow):
    names = [t.name for t in workflow.transitions]
    assert len(names) == len(set(names))
    for t in workflow.transitions:
        assert t.sources, t.name
        assert isinstance(t.action, AuditAction)
        assert t.target not in t.sources or t.name, t.name
    # every state is reachable from the first one, so demo data can walk to it
    first = workflow.states.values[0]
    for state in workflow.states.values:
        if state != first and any(state == t.target for t in workflow.transitions):
            assert workflow.path(first, state) is not None


def test_the_declared_state_sets_agree_with_the_tables():
    assert REFERRAL.open_states == REFERRAL_OPEN
    assert set(PROPOSAL.open_states) == set(PROPOSAL_OPEN)
    assert TRAJECTORY.final_states == {TrajectoryStatus.CLOSED}
    assert LOGGING_STATUSES <= TRAJECTORY.open_states
    # a concern is never closed without an outcome: no arrow skips the outcome
    assert CONCERN.final_states == {ConcernStatus.CLOSED}
    assert CONCERN.path(ConcernStatus.OPEN, ConcernStatus.CLOSED)[-2].target == (
        ConcernStatus.OUTCOME_RECORDED
    )
    assert not CONCERN.can_move(ConcernStatus.ACKNOWLEDGED, ConcernStatus.CLOSED)


def test_a_table_with_an_unknown_state_or_a_twice_named_transition_is_refused():
    with pytest.raises(ValueError, match="unknown states"):
        Workflow(
            model=Referral,
            log_model=ReferralTransition,
            log_field="referral",
            states=ReferralStatus,
            transitions=(transition("x", ["nowhere"], "draft", action=AuditAction.VIEW),),
        )
    with pytest.raises(ValueError, match="twice"):
        Workflow(
            model=Referral,
            log_model=ReferralTransition,
            log_field="referral",
            states=ReferralStatus,
            transitions=(
                transition("x", ["draft"], "submitted", action=AuditAction.VIEW),
                transition("x", ["draft"], "withdrawn", action=AuditAction.VIEW),
            ),
        )


def test_a_person_without_the_predicates_yes_changes_nothing():
    referral = ReferralFactory()
    outsider = UserFactory()
    logs, events = ReferralTransition.objects.count(), AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        transition_apply(REFERRAL, "accept", obj=referral, actor=outsider)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert (ReferralTransition.objects.count(), AuditEvent.objects.count()) == (logs, events)
    assert not REFERRAL.allows(outsider, referral, "accept")


def test_a_wrong_source_state_is_refused_in_dutch_and_changes_nothing():
    referral = ReferralFactory(draft=True)
    logs = ReferralTransition.objects.count()
    with pytest.raises(TransitionNotAllowed) as error:
        transition_apply(REFERRAL, "accept", obj=referral, actor=None)
    assert "kan niet" in error.value.messages[0]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT
    assert ReferralTransition.objects.count() == logs


def test_a_failing_check_rolls_the_whole_transition_back():
    referral = ReferralFactory()

    def check(_locked):
        raise ValidationError("no")

    with pytest.raises(ValidationError):
        transition_apply(REFERRAL, "accept", obj=referral, actor=None, check=check)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert not referral.transitions.filter(transition="accept").exists()


def test_a_transition_writes_status_log_and_audit_together():
    referral = ReferralFactory()
    transition_apply(REFERRAL, "wait", obj=referral, actor=None, reason="  Geen plaats  ")
    assert referral.status == ReferralStatus.WAITING  # the caller's object is refreshed
    log = referral.transitions.order_by("at", "id").last()
    assert (log.from_status, log.to_status, log.transition, log.reason, log.actor) == (
        "submitted",
        "waiting",
        "wait",
        "Geen plaats",
        None,
    )
    event = AuditEvent.objects.filter(object_id=str(referral.uuid)).order_by("id").last()
    assert event.action == AuditAction.REFERRAL_WAIT
    assert event.detail["transition"] == "wait"


# Status fields that are not one of the six state machines, each with why.
NOT_A_WORKFLOW = {
    # An import job's progress (checking, checked, importing, done, failed) is set by the
    # import task itself as it runs; nobody chooses it.
    "buddies/importer.py": "job.status",
    # A meeting is planned, happened or cancelled: a fact the buddy records (and corrects
    # within the lock window), not a step someone decides.
    "trajectories/services.py": "locked.status = status",
}


def test_no_code_outside_the_kernel_assigns_a_status():
    offenders = []
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC).as_posix()
        if "/migrations/" in relative or relative == "common/workflow.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\.status\s*=[^=]|update\([^)]*\bstatus=", line):
                allowed = NOT_A_WORKFLOW.get(relative)
                if allowed is None or allowed not in line:
                    offenders.append(f"{relative}:{number}: {line.strip()}")
    assert not offenders, "status set outside common.workflow:\n" + "\n".join(offenders)
