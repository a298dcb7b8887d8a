"""The demo data lives in demo/ only, and its steps write through the services: a static
check of the source (no database)."""

import ast
import importlib
from pathlib import Path

import pytest

import buddywerk
from buddywerk.demo import world

# The autouse fixtures clear the cache, which lives in the database.
pytestmark = pytest.mark.django_db

SRC = Path(buddywerk.__file__).parent
DEMO = SRC / "demo"

# Every model that has a service creating its rows, with that service (module:function).
# A demo step creates such rows only through the service.
SERVICE_FOR = {
    "User": "access.services:user_create",
    "Membership": "access.services:membership_grant",
    "Organisation": "organisations.services:organisation_save",
    "Programme": "organisations.services:organisation_save",
    "TrainingInstitution": "organisations.services:organisation_save",
    "School": "organisations.services:school_register",
    "Buddy": "buddies.services:buddy_register",
    "BuddyStatusChange": "buddies.services:buddy_approve",
    "BuddyImport": "buddies.importer:buddy_import_start",
    "Pupil": "referrals.services:pupil_referral_create",
    "Family": "referrals.services:family_referral_create",
    "Referral": "referrals.services:pupil_referral_create",
    "ReferralTransition": "referrals.services:referral_submit",
    "ConsentText": "referrals.consent_services:consent_text_publish",
    "ConsentWithdrawal": "referrals.consent_services:consent_withdraw",
    "ErasureRequest": "privacy.erasure_services:erasure_request_create",
    "ErasureTransition": "privacy.erasure_services:erasure_confirm",
    "ProgrammeMatchingSettings": "matching.services:matching_settings_update",
    "Proposal": "matching.services:proposal_create",
    "ProposalTransition": "matching.services:proposal_accept",
    "Trajectory": "trajectories.services:trajectory_start",
    "Participant": "trajectories.services:trajectory_start",
    "Agreement": "trajectories.services:trajectory_start",
    "TrajectoryTransition": "trajectories.services:agreement_confirm",
    "Meeting": "trajectories.services:meeting_log",
    "WellbeingScore": "trajectories.services:wellbeing_record",
    "Concern": "trajectories.concern_services:concern_raise",
    "TandemNote": "followup.services:tandem_note_add",
    "ObservationCriterion": "followup.services:observation_criterion_add",
    "Observation": "followup.services:observation_record",
    "ObservationScore": "followup.services:observation_record",
    "FollowUpAction": "followup.services:observation_record",
    "CheckIn": "followup.services:checkin_record",
    "RelationshipSurvey": "followup.services:survey_record",
    "Event": "learning.services:event_create",
    "Registration": "learning.services:registration_create",
    "RegistrationTransition": "learning.services:registration_create",
    "MeetupNote": "learning.services:meetup_note_record",
    "ModuleCompletion": "learning.services:module_complete",
    "RequiredModule": "learning.services:required_modules_set",
    "CalendarFeed": "learning.services:calendar_feed_reset",
    "PracticeSubmission": "network.services:practice_submission_create",
    "SubmissionTransition": "network.services:practice_submission_confirm",
    "Practice": "network.services:practice_submission_publish",
    "PracticeVersion": "network.services:practice_submission_publish",
    "Question": "network.services:question_save",
    "ServiceIntroduction": "network.services:service_introduction_record",
    "QualitativePeriod": "reports.qualitative_services:qualitative_period_open",
    "QualitativeQuestion": "reports.qualitative_services:qualitative_period_open",
    "QualitativeReport": "reports.qualitative_services:qualitative_draft_save",
    "QualitativeAnswer": "reports.qualitative_services:qualitative_draft_save",
    "QualitativeReportTransition": "reports.qualitative_services:qualitative_submit",
    "ExpenseYear": "expenses.services:expense_year_set",
    "ExpenseClaim": "expenses.services:expense_claim_open",
    "ExpenseLine": "expenses.services:expense_line_add",
    "ExpenseClaimTransition": "expenses.services:expense_claim_submit",
    "AuditEvent": "common.audit:audit_record",
    "OutgoingMail": "mail.outbox:mail_enqueue",
}
# The one row a step makes directly although its model has a service: the umbrella
# organisation, which must exist before a platform admin can call organisation_save
# (see demo/steps/platform.py).
BOOTSTRAP = {("platform.py", "Organisation")}
CREATE_METHODS = {"create", "get_or_create", "update_or_create", "bulk_create"}
# Writes that skip every service: never in the demo.
DIRECT_WRITES = {"save", "delete", "update", "bulk_update", "raw", "execute", "executemany"}


def _demo_modules() -> list[Path]:
    return sorted(p for p in DEMO.rglob("*.py") if "management" not in p.parts)


def test_every_listed_service_exists():
    for label, target in SERVICE_FOR.items():
        module, name = target.split(":")
        assert callable(getattr(importlib.import_module(f"buddywerk.{module}"), name)), label


def test_no_app_outside_demo_holds_demo_data():
    outside = [
        p.relative_to(SRC)
        for p in SRC.rglob("*.py")
        if DEMO not in p.parents and p.stem.startswith("demo")
    ]
    assert outside == []
    mentions = [
        p.relative_to(SRC)
        for p in SRC.rglob("*.py")
        if DEMO not in p.parents
        and "migrations" not in p.parts
        and ("demo_data" in p.read_text() or "buddywerk.demo" in _imports(p))
    ]
    assert mentions == []


def _imports(path: Path) -> str:
    tree = ast.parse(path.read_text())
    names = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)] + [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    return " ".join(names)


def _writes(path: Path, root: Path = SRC) -> list[str]:
    """Every direct write in a module: `Model.objects.create(...)` of a model with a
    service, and any `.save()`, `.delete()`, `.update()` or raw SQL."""
    problems = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method, receiver = node.func.attr, node.func.value
        where = f"{path.relative_to(root)}:{node.lineno}"
        if method in DIRECT_WRITES:
            problems.append(f"{where} .{method}()")
        elif (
            method in CREATE_METHODS
            and isinstance(receiver, ast.Attribute)
            and receiver.attr == "objects"
            and isinstance(receiver.value, ast.Name)
        ):
            model = receiver.value.id
            if model in SERVICE_FOR and (path.name, model) not in BOOTSTRAP:
                problems.append(f"{where} {model}.objects.{method}() (use {SERVICE_FOR[model]})")
    return problems


def test_demo_steps_write_only_through_the_services():
    problems = [problem for path in _demo_modules() for problem in _writes(path)]
    assert problems == []


def test_the_check_catches_a_direct_write(tmp_path):
    """The check itself: it refuses a model with a service written directly, and any save."""
    module = tmp_path / "probe.py"
    module.write_text(
        "def probe(Buddy, Referral, LocalService, referral):\n"
        "    Buddy.objects.create(kind='student')\n"
        "    Referral.objects.get_or_create(pk=1)\n"
        "    LocalService.objects.create(name='reference data: allowed')\n"
        "    referral.save()\n"
    )
    assert _writes(module, root=tmp_path) == [
        "probe.py:2 Buddy.objects.create() (use buddies.services:buddy_register)",
        "probe.py:3 Referral.objects.get_or_create()"
        " (use referrals.services:pupil_referral_create)",
        "probe.py:5 .save()",
    ]


@pytest.mark.parametrize("step", world.STEPS, ids=lambda step: step.__name__)
def test_every_step_is_one_documented_function_in_its_own_module(step):
    assert step.__module__ == f"buddywerk.demo.steps.{step.__name__}"
    assert step.__doc__ and len(step.__doc__.split()) >= 15
