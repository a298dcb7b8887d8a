"""The demo world: it builds on a freshly migrated database through the services, holds
what the README promises, and a second run changes no row of any table."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test import Client

from buddywerk.access import policy
from buddywerk.access.models import Membership, User
from buddywerk.buddies.models import Buddy, ScreeningStatus
from buddywerk.demo.steps.screening import PROGRAMMES as SCREENING_PROGRAMMES
from buddywerk.demo.steps.screening import STATES
from buddywerk.demo.world import (
    ACCOUNTS,
    BUDDIES,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    STEPS,
    build_world,
    demo_email,
)
from buddywerk.learning.models import Registration, RegistrationStatus
from buddywerk.matching.enums import ProposalStatus
from buddywerk.matching.models import Proposal
from buddywerk.network.models import PracticeSubmission, SubmissionStatus
from buddywerk.organisations.models import School
from buddywerk.privacy.erasure_models import ErasureRequest, ErasureStatus
from buddywerk.referrals.models import ConsentWithdrawal, Referral, ReferralStatus
from buddywerk.trajectories.enums import ConcernStatus, TrajectoryStatus
from buddywerk.trajectories.models import Concern, Trajectory
from buddywerk.trajectories.selectors import stale_concerns_for
from tests.common.auth import is_signed_in, post_login, totp_code


def table_counts() -> dict[str, int]:
    """Rows in every table of the database (not only the models'), by table name."""
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.django_db
def test_the_demo_builds_on_an_empty_database_and_a_second_run_adds_no_row(
    django_capture_on_commit_callbacks,
):
    # Freshly migrated: reference data only (geography, vocabularies), nobody yet.
    assert not User.objects.exists() and not School.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        build_world()
    first = table_counts()
    assert first["access_user"] > 0 and first["mail_outgoingmail"] > 0
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        build_world()
    assert table_counts() == first
    assert callbacks == []  # no service ran, so no mail either


@pytest.mark.django_db
def test_every_demo_account_of_the_readme_signs_in_with_its_role():
    build_world()
    for spec in ACCOUNTS:
        user = User.objects.get(email=spec.email)
        assert user.check_password(DEMO_PASSWORD), spec.email
        assert EmailAddress.objects.filter(user=user, email=spec.email, verified=True).exists()
        assert Membership.objects.filter(
            user=user, organisation__name=spec.organisation, role=spec.role, is_active=True
        ).exists(), spec.email
        assert policy.requires_mfa(user)
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    for spec in BUDDIES:
        buddy = Buddy.objects.select_related("user").get(user__email=demo_email(spec.local))
        assert (buddy.kind, buddy.status) == (spec.kind, spec.status), spec.local
        assert (buddy.extract_seen_on is not None) == spec.extract_seen, spec.local
        assert buddy.user.check_password(DEMO_PASSWORD)
        assert buddy.programmes.get().name == spec.programme
    # An invited care coordinator (school_confirm) and a registered buddy really sign in.
    client = Client()
    post_login(client, demo_email("zorg.ursulinen"), DEMO_PASSWORD)
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(DEMO_TOTP_SECRET)})
    assert is_signed_in(client)
    client = Client()
    post_login(client, demo_email("buddy.stagiair"), DEMO_PASSWORD)
    assert is_signed_in(client)


@pytest.mark.django_db
def test_the_demo_world_holds_what_the_readme_promises_each_with_its_history():
    build_world()
    # Screening: one applicant in every state for each demo programme.
    for place, _postcode, _like in SCREENING_PROGRAMMES.values():
        for suffix, *_rest in STATES:
            assert Buddy.objects.filter(user__email=demo_email(f"buddy.{place}.{suffix}")).exists()
    # Every buddy's status came from its screening log, never set by hand.
    for buddy in Buddy.objects.all():
        log = list(buddy.status_changes.order_by("at", "id"))
        assert log[0].from_status == "" and log[-1].to_status == buddy.status
    assert Buddy.objects.filter(status=ScreeningStatus.DECLINED).exclude(decline_reason="").count()
    # Matching (README): a proposal waits for buddy.leerkracht; one accepted by its buddy
    # waits for zorg.ursulinen to confirm; a confirmed one started a duo.
    zorg = User.objects.get(email=demo_email("zorg.ursulinen"))
    assert Proposal.objects.filter(
        status=ProposalStatus.PENDING, buddy__user__email=demo_email("buddy.leerkracht")
    ).exists()
    accepted = Proposal.objects.get(status=ProposalStatus.ACCEPTED)
    assert policy.can_confirm_proposal(zorg, accepted)
    assert Proposal.objects.get(status=ProposalStatus.CONFIRMED).trajectory is not None
    assert (
        Referral.objects.filter(
            programme__name="Buddy Mechelen", status=ReferralStatus.ACCEPTED, proposals__isnull=True
        ).count()
        >= 5
    )
    # Duos in every state, and closed ones; each with its log from its first state.
    statuses = set(Trajectory.objects.values_list("status", flat=True))
    assert {TrajectoryStatus.PLANNED, TrajectoryStatus.ACTIVE, TrajectoryStatus.CLOSED} <= statuses
    for duo in Trajectory.objects.all():
        assert duo.transitions.order_by("at", "id").last().to_status == duo.status
    # Concerns are cases (issue 13, point 5): one closed with an outcome, one still open
    # after more than 30 days on its lead's home page; each with its log from "open".
    mo = User.objects.get(email=demo_email("coordinator.mechelen"))
    closed = Concern.objects.filter(status=ConcernStatus.CLOSED).exclude(outcome="")
    assert closed.filter(closed_by__isnull=False).exists()
    assert stale_concerns_for(mo).exists()
    for concern in Concern.objects.all():
        log = list(concern.transitions.order_by("id"))
        assert log[0].from_status == "" and log[0].to_status == "open"
        assert log[-1].to_status == concern.status
    # Issue 15 point 4: an erasure request for the pupil whose consent was withdrawn
    # waits for a second person: not its requester, but the platform admin.
    erasure = ErasureRequest.objects.get(status=ErasureStatus.REQUESTED)
    assert ConsentWithdrawal.objects.filter(referral__pupil=erasure.pupil).exists()
    assert erasure.requested_by == mo
    assert not policy.can_confirm_erasure(mo, erasure)
    assert policy.can_confirm_erasure(User.objects.get(email=demo_email("admin")), erasure)
    # A full intervision with a waiting list; proposals for the practice database.
    assert Registration.objects.filter(status=RegistrationStatus.WAITING).exists()
    for registration in Registration.objects.all():
        assert registration.transitions.exists()
    assert PracticeSubmission.objects.filter(status=SubmissionStatus.SUBMITTED).count() == 2
    assert STEPS[0].__name__ == "platform"
    # Safeguarding (issue 13): an extract running out within six weeks, reminded; a
    # suspended buddy whose duo is paused by the programme.
    from django.utils import timezone

    from buddywerk.buddies.rules import buddy_extract_valid_until
    from buddywerk.mail.models import OutgoingMail

    mechelen = Buddy.objects.get(user__email=demo_email("buddy.mechelen.verloopt"))
    last = buddy_extract_valid_until(mechelen, mechelen.programmes.get())
    assert 0 <= (last - timezone.localdate()).days <= 42
    assert OutgoingMail.objects.filter(
        kind="buddies.extract_runs_out", to=mechelen.user.email
    ).exists()
    suspended = Buddy.objects.get(user__email=demo_email("buddy.mechelen.geschorst"))
    assert suspended.status == ScreeningStatus.SUSPENDED
    paused = Trajectory.objects.get(buddy=suspended)
    assert paused.status == TrajectoryStatus.PAUSED and paused.paused_for_safeguarding
    # The interim report of this school year holds submitted qualitative answers (issue 14,
    # point 4): Buddy Mechelen and Regio Antwerpen submitted, Gezinsbuddy Gent keeps a
    # draft, each through the workflow (its log row), and the funder's combined report
    # holds the answers.
    from buddywerk.reports.qualitative_export import build_combined
    from buddywerk.reports.qualitative_models import QualitativePeriod, QualitativeStatus

    period = QualitativePeriod.objects.get(kind="interim")
    submitted = period.reports.filter(status=QualitativeStatus.SUBMITTED)
    assert sorted(str(r.scope_label) for r in submitted) == ["Antwerpen", "Buddy Mechelen"]
    for report in submitted:
        assert report.answers.exclude(text="").count() == period.questions.count() == 4
        assert report.transitions.get().to_status == QualitativeStatus.SUBMITTED
    assert period.reports.get(programme__name="Gezinsbuddy Gent").status == "draft"
    combined = build_combined(period, user=User.objects.get(email=demo_email("funder")))
    mechelen = next(s for s in combined.programmes if s.title == "Buddy Mechelen")
    assert mechelen.respondent.submitted and mechelen.answers[0][1].startswith("Thomas More")
    assert "Gezinsbuddy Gent" in [s.title for s in combined.missing]
