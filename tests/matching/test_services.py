"""Matching services: batch preview against the engine, proposals all/some, answers,
school confirmation (a duo starts), refusals, expiry with a reminder first (fake clock)."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from buddywerk.common.models import AuditEvent
from buddywerk.matching import candidates, engine, selectors, services
from buddywerk.matching.enums import ProposalStatus
from buddywerk.matching.models import ProgrammeMatchingSettings, Proposal
from buddywerk.referrals.models import ReferralStatus
from buddywerk.trajectories.models import Trajectory
from tests.factories import ProgrammeFactory, PupilFactory, SchoolFactory
from tests.matching.helpers import coordinator_of, fitting_buddy, queued_referral, staff_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    programme = ProgrammeFactory()
    school = SchoolFactory()
    coordinator = coordinator_of(programme)
    staff = staff_of(school)
    buddies = [fitting_buddy(programme, capacity=1) for _ in range(2)]
    referrals = [queued_referral(programme, pupil=PupilFactory(school=school)) for _ in range(3)]
    return {
        "programme": programme,
        "school": school,
        "coordinator": coordinator,
        "staff": staff,
        "buddies": buddies,
        "referrals": referrals,
    }


def _propose(world, pairs, **kwargs):
    return services.proposals_create(
        actor=world["coordinator"],
        programme=world["programme"],
        pairs=[(str(r.uuid), str(b.uuid)) for r, b in pairs],
        **kwargs,
    )


def test_batch_preview_is_the_engine_optimum_with_greedy_beside_it(world):
    preview = selectors.batch_preview(programme=world["programme"], texts=engine.DUTCH)
    data = candidates.programme_input(world["programme"])
    best = data.problem.solve()
    assert [(r.referral["uuid"], r.buddy["uuid"]) for r in preview["rows"]] == [
        (data.referral_rows[a.referral]["uuid"], data.buddy_rows[a.buddy]["uuid"])
        for a in best.assignments
    ]
    assert preview["figures"] == best.figures
    assert preview["figures"].matched == 2  # two buddies with one place each
    assert preview["greedy"] == data.problem.greedy().figures
    (left,) = preview["unmatched"]
    assert left.constraint == engine.TAKEN
    assert all(len(row.parts) == 5 and row.parts[0].text for row in preview["rows"])


def test_confirm_some_creates_only_the_ticked_proposals(world, django_capture_on_commit_callbacks):
    r1, r2, r3 = world["referrals"]
    b1, b2 = world["buddies"]
    with django_capture_on_commit_callbacks(execute=True):
        created = _propose(world, [(r1, b1)])
    assert [p.referral for p in created] == [r1]
    proposal = created[0]
    assert proposal.status == ProposalStatus.PENDING
    assert proposal.score > 0 and len(proposal.reasons) == 5
    assert proposal.transitions.count() == 1
    assert AuditEvent.objects.filter(action="proposal.create").count() == 1
    assert [m.to for m in mail.outbox] == [[b1.user.email]]
    # the proposed referral leaves the queue; the others stay
    queue = candidates.programme_input(world["programme"]).referral_rows
    assert str(r1.uuid) not in queue and {str(r2.uuid), str(r3.uuid)} <= set(queue)


def test_a_buddy_is_never_pushed_over_capacity(world):
    r1, r2, _ = world["referrals"]
    b1, _ = world["buddies"]
    with pytest.raises(ValidationError) as error:
        _propose(world, [(r1, b1), (r2, b1)])
    assert "capacity" in str(error.value)
    assert not Proposal.objects.exists()
    _propose(world, [(r1, b1)])
    with pytest.raises(ValidationError):
        _propose(world, [(r2, b1)])  # the open proposal holds the buddy's only place
    assert Proposal.objects.count() == 1


def test_one_referral_never_gets_two_buddies(world):
    r1, _, _ = world["referrals"]
    b1, b2 = world["buddies"]
    with pytest.raises(ValidationError):
        _propose(world, [(r1, b1), (r1, b2)])
    _propose(world, [(r1, b1)])
    with pytest.raises(ValidationError) as error:
        _propose(world, [(r1, b2)])
    assert "voorstel" in str(error.value) or "proposal" in str(error.value)
    assert Proposal.objects.count() == 1


def test_only_the_programme_coordinator_proposes(world):
    r1, _, _ = world["referrals"]
    b1, _ = world["buddies"]
    with pytest.raises(PermissionDenied):
        services.proposals_create(
            actor=world["staff"],
            programme=world["programme"],
            pairs=[(str(r1.uuid), str(b1.uuid))],
        )
    other = coordinator_of(ProgrammeFactory())
    with pytest.raises(PermissionDenied):
        services.proposals_create(
            actor=other, programme=world["programme"], pairs=[(str(r1.uuid), str(b1.uuid))]
        )


def test_accept_then_school_confirms_and_the_duo_starts(world, django_capture_on_commit_callbacks):
    r1, _, _ = world["referrals"]
    b1, _ = world["buddies"]
    (proposal,) = _propose(world, [(r1, b1)])
    later = timezone.now() + dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_accept(actor=b1.user, proposal=proposal, now=later)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.due_at == later + dt.timedelta(days=7)  # the school's own days
    assert world["staff"].email in {to for m in mail.outbox for to in m.to}
    with pytest.raises(PermissionDenied):
        services.proposal_confirm(actor=b1.user, proposal=proposal)
    trajectory = services.proposal_confirm(actor=world["staff"], proposal=proposal)
    proposal.refresh_from_db()
    r1.refresh_from_db()
    assert proposal.status == ProposalStatus.CONFIRMED
    assert proposal.trajectory == trajectory
    assert trajectory.buddy == b1 and trajectory.participants.get().referral == r1
    assert r1.status == ReferralStatus.MATCHED
    assert list(proposal.transitions.order_by("id").values_list("to_status", flat=True)) == [
        "pending",
        "accepted",
        "confirmed",
    ]


def test_decline_needs_a_reason_and_returns_the_referral_to_the_queue(world):
    r1, _, _ = world["referrals"]
    b1, b2 = world["buddies"]
    (proposal,) = _propose(world, [(r1, b1)])
    with pytest.raises(ValidationError) as error:
        services.proposal_decline(actor=b1.user, proposal=proposal, reason="  ")
    assert "reason" in error.value.message_dict
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    with pytest.raises(PermissionDenied):
        services.proposal_decline(actor=b2.user, proposal=proposal, reason="Geen tijd")
    services.proposal_decline(actor=b1.user, proposal=proposal, reason="Geen tijd")
    proposal.refresh_from_db()
    r1.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED
    assert proposal.answer_reason == "Geen tijd"
    assert r1.status == ReferralStatus.ACCEPTED
    assert str(r1.uuid) in candidates.programme_input(world["programme"]).referral_rows
    with pytest.raises(ValidationError):
        services.proposal_accept(actor=b1.user, proposal=proposal)  # declined is final


def test_school_refusal_returns_the_referral_and_frees_the_buddy(world):
    r1, r2, _ = world["referrals"]
    b1, _ = world["buddies"]
    (proposal,) = _propose(world, [(r1, b1)])
    services.proposal_accept(actor=b1.user, proposal=proposal)
    services.proposal_refuse(actor=world["staff"], proposal=proposal, reason="Andere aanpak")
    assert not Trajectory.objects.exists()
    # the buddy's place is free again
    (again,) = _propose(world, [(r2, b1)])
    assert again.status == ProposalStatus.PENDING


def test_expiry_reminds_a_day_before_then_expires(world, django_capture_on_commit_callbacks):
    r1, _, _ = world["referrals"]
    b1, _ = world["buddies"]
    ProgrammeMatchingSettings.objects.create(programme=world["programme"], proposal_days=5)
    start = timezone.now()
    (proposal,) = _propose(world, [(r1, b1)], now=start)
    assert proposal.due_at == start + dt.timedelta(days=5)
    assert services.proposals_expire(now=start + dt.timedelta(days=3)) == (0, 0)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reminded = services.proposals_expire(now=start + dt.timedelta(days=4, hours=1))
    assert reminded == (1, 0)
    assert [m.to for m in mail.outbox] == [[b1.user.email]]
    assert "Herinnering" in mail.outbox[0].subject or "Reminder" in mail.outbox[0].subject
    # a second pass the same day sends no second reminder
    assert services.proposals_expire(now=start + dt.timedelta(days=4, hours=2)) == (0, 0)
    # the reminder leaves a full day to answer: the deadline moved by the hour it came late
    proposal.refresh_from_db()
    assert proposal.due_at == start + dt.timedelta(days=5, hours=1)
    assert services.proposals_expire(now=start + dt.timedelta(days=5, minutes=30)) == (0, 0)
    assert services.proposals_expire(now=start + dt.timedelta(days=5, hours=1)) == (0, 1)
    proposal.refresh_from_db()
    r1.refresh_from_db()
    assert proposal.status == ProposalStatus.EXPIRED
    assert r1.status == ReferralStatus.ACCEPTED
    assert str(r1.uuid) in candidates.programme_input(world["programme"]).referral_rows


def test_a_proposal_never_expires_without_a_reminder(world):
    r1, _, _ = world["referrals"]
    b1, _ = world["buddies"]
    start = timezone.now()
    (proposal,) = _propose(world, [(r1, b1)], now=start)
    late = start + dt.timedelta(days=30)  # the pass did not run for a month
    assert services.proposals_expire(now=late) == (1, 0)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    assert proposal.due_at == late + services.REMIND_BEFORE
    assert services.proposals_expire(now=late + dt.timedelta(days=1)) == (0, 1)


def test_expiry_task_runs_the_pass(world):
    """The task a scheduler enqueues does what the command does: an overdue proposal gets
    its reminder (and a new deadline) first."""
    from buddywerk.matching.tasks import proposals_expire_run

    r1, _, _ = world["referrals"]
    b1, _ = world["buddies"]
    (proposal,) = _propose(world, [(r1, b1)], now=timezone.now() - dt.timedelta(days=30))
    proposals_expire_run.call()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    assert proposal.reminded_at is not None and proposal.due_at > timezone.now()


def test_settings_update_checks_the_weights(world):
    programme = world["programme"]
    with pytest.raises(ValidationError):
        services.matching_settings_update(
            actor=world["coordinator"], programme=programme, data={"needs": 900}
        )
    assert not ProgrammeMatchingSettings.objects.exists()
    services.matching_settings_update(
        actor=world["coordinator"],
        programme=programme,
        data={"needs": 350, "distance": 200, "proposal_days": 10},
    )
    assert candidates.settings_for(programme).proposal_days == 10
    with pytest.raises(PermissionDenied):
        services.matching_settings_update(actor=world["staff"], programme=programme, data={})


def test_expire_command_prints_its_counts(world):
    from io import StringIO

    from django.core.management import call_command

    r1, _, _ = world["referrals"]
    b1, _ = world["buddies"]
    _propose(world, [(r1, b1)], now=timezone.now() - dt.timedelta(days=30))
    out = StringIO()
    call_command("matching_expire", stdout=out)
    assert out.getvalue().strip() == "reminded=1 expired=0"


def test_unmatched_referral_shows_the_constraint_that_left_it_without_candidate(world):
    lonely = queued_referral(
        world["programme"], pupil=PupilFactory(school=world["school"]), needs=["career"]
    )
    preview = selectors.batch_preview(programme=world["programme"], texts=engine.DUTCH)
    row = next(r for r in preview["unmatched"] if r.referral["uuid"] == lonely.uuid)
    assert row.constraint == "needs"
    assert "studie- en beroepskeuze" in row.reason
