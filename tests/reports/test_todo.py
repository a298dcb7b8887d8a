"""Issue 16, point 6: the to-do list on every home page. For each role, each item appears
when its condition holds, links to the page where it is done, and disappears once it is
done (through the same services the pages call); an outsider of the same role sees none
of it; a home page runs a fixed number of queries whatever the number of items."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.buddies import services as buddy_services
from buddywerk.buddies.models import ScreeningStatus
from buddywerk.common.todo import TodoItem
from buddywerk.followup import services as followup_services
from buddywerk.matching import services as matching_services
from buddywerk.referrals import services as referral_services
from buddywerk.referrals.models import ReferralStatus
from buddywerk.reports.todo import todo_for
from buddywerk.trajectories import concern_services, services
from buddywerk.trajectories.enums import MeetingStatus
from tests.factories import (
    BuddyFactory,
    ProgrammeFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    UserFactory,
    member,
)
from tests.matching.helpers import fitting_buddy, open_proposal, queued_referral, staff_of
from tests.trajectories.factories import TrajectoryFactory, coordinator_of, school_staff_of

pytestmark = pytest.mark.django_db


def items(user) -> list[TodoItem]:
    return todo_for(user).items


def find(user, words: str) -> TodoItem | None:
    """The item whose (Dutch) label holds `words`, or None."""
    found = [item for item in items(user) if words in item.label]
    assert len(found) <= 1, found
    return found[0] if found else None


def today() -> dt.date:
    return timezone.localdate()


# --- Buddy --------------------------------------------------------------------------


def test_buddy_sees_a_proposal_waiting_for_an_answer_until_they_answer():
    programme, school = ProgrammeFactory(), SchoolFactory()
    buddy = fitting_buddy(programme)
    proposal = open_proposal(programme=programme, buddy=buddy, school=school)
    item = find(buddy.user, "wacht op je antwoord")
    assert item == TodoItem(
        label="1 voorstel wacht op je antwoord",
        count=1,
        link=reverse("matching:proposal_detail", args=[proposal.uuid]),
    )
    second = open_proposal(programme=programme, buddy=buddy, school=school)
    item = find(buddy.user, "wachten op je antwoord")
    assert item == TodoItem(
        label="2 voorstellen wachten op je antwoord",
        count=2,
        link=reverse("matching:my_proposals"),
    )
    matching_services.proposal_accept(actor=buddy.user, proposal=proposal)
    matching_services.proposal_decline(actor=buddy.user, proposal=second, reason="Geen tijd")
    assert find(buddy.user, "antwoord") is None


def test_buddy_and_school_each_see_the_agreements_they_still_confirm():
    duo = TrajectoryFactory(planned=True)
    staff = school_staff_of(duo)
    link = reverse("trajectories:detail", args=[duo.uuid])
    expected = TodoItem("1 duo wacht tot je de afspraken bevestigt", 1, link)
    assert find(duo.buddy.user, "afspraken") == expected
    assert find(staff, "afspraken") == expected
    services.agreement_confirm(actor=duo.buddy.user, trajectory=duo, side="buddy")
    assert find(duo.buddy.user, "afspraken") is None
    assert find(staff, "afspraken") == expected
    services.agreement_confirm(actor=staff, trajectory=duo, side="school")
    assert find(staff, "afspraken") is None


def test_buddy_sees_a_planned_meeting_to_log_once_its_day_has_passed():
    duo = TrajectoryFactory(planned_start=today() - dt.timedelta(days=20))
    user = duo.buddy.user
    meeting = services.meeting_plan(
        actor=user,
        trajectory=duo,
        date=today() - dt.timedelta(days=2),
        today=today() - dt.timedelta(days=5),
    )
    services.meeting_plan(actor=user, trajectory=duo, date=today() + dt.timedelta(days=5))
    assert find(user, "contactmoment") == TodoItem(
        "1 contactmoment om in te vullen",
        1,
        reverse("trajectories:meeting_edit", args=[duo.uuid, meeting.uuid]),
    )
    services.meeting_update(
        actor=user,
        meeting=meeting,
        date=meeting.date,
        status=MeetingStatus.HAPPENED,
        duration_minutes=60,
        topics=["maths"],
    )
    assert find(user, "contactmoment") is None


def test_buddy_sees_the_30_day_survey_when_it_is_due():
    young = TrajectoryFactory(planned_start=today() - dt.timedelta(days=20))
    assert find(young.buddy.user, "vragenlijst") is None
    duo = TrajectoryFactory(planned_start=today() - dt.timedelta(days=35))
    user = duo.buddy.user
    assert find(user, "vragenlijst") == TodoItem(
        "1 korte vragenlijst over je duo om in te vullen",
        1,
        reverse("followup:survey_create", args=[duo.uuid, "buddy"]),
    )
    followup_services.survey_record(
        actor=user, trajectory=duo, respondent="buddy", moment="day30", answers=[4, 4, 5, 4]
    )
    assert find(user, "vragenlijst") is None


def test_buddy_sees_their_extract_running_out_with_a_link():
    duo = TrajectoryFactory()
    buddy = duo.buddy
    buddy.extract_seen_on = today() - dt.timedelta(days=36 * 30)
    buddy.save(update_fields=["extract_seen_on"])
    item = find(buddy.user, "uittreksel")
    assert item is not None and item.link == reverse("buddies:profile")
    buddy_services.buddy_record_extract(
        actor=coordinator_of(duo), buddy=buddy, programme=duo.programme, seen_on=today()
    )
    assert find(buddy.user, "uittreksel") is None


# --- School ---------------------------------------------------------------------------


def test_school_sees_a_buddys_yes_to_confirm_until_it_confirms():
    programme, school = ProgrammeFactory(), SchoolFactory()
    staff = staff_of(school)
    buddy = fitting_buddy(programme)
    proposal = open_proposal(programme=programme, buddy=buddy, school=school)
    assert find(staff, "zei ja") is None  # the buddy has not answered yet
    matching_services.proposal_accept(actor=buddy.user, proposal=proposal)
    assert find(staff, "zei ja") == TodoItem(
        "1 buddy zei ja: bevestig het voorstel",
        1,
        reverse("matching:proposal_detail", args=[proposal.uuid]),
    )
    matching_services.proposal_confirm(actor=staff, proposal=proposal)
    assert find(staff, "zei ja") is None


def test_school_sees_the_insurance_to_confirm_for_a_volunteer_at_school():
    duo = TrajectoryFactory()  # a student volunteer at school (R10)
    staff = school_staff_of(duo)
    assert find(staff, "verzekering") == TodoItem(
        "1 buddy op school wacht tot je school de verzekering bevestigt",
        1,
        reverse("trajectories:detail", args=[duo.uuid]),
    )
    services.school_insurance_confirm(actor=staff, trajectory=duo)
    assert find(staff, "verzekering") is None


def test_school_sees_a_tandem_note_to_answer_until_it_answers():
    duo = TrajectoryFactory()
    staff = school_staff_of(duo)
    assert find(staff, "tandembericht") is None
    followup_services.tandem_note_add(actor=duo.buddy.user, trajectory=duo, text="Hoe gaat het?")
    assert find(staff, "tandembericht") == TodoItem(
        "1 tandembericht van een buddy wacht op je antwoord",
        1,
        reverse("followup:tandem", args=[duo.uuid]),
    )
    followup_services.tandem_note_add(actor=staff, trajectory=duo, text="Goed, dank je.")
    assert find(staff, "tandembericht") is None


# --- Coordinator ----------------------------------------------------------------------


def test_coordinator_follows_a_referral_from_queue_to_proposal_to_duo():
    programme, school = ProgrammeFactory(), SchoolFactory()
    coordinator = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)
    referral = ReferralFactory(programme=programme, pupil=PupilFactory(school=school))
    assert referral.status == ReferralStatus.SUBMITTED
    assert find(coordinator, "beslissen") == TodoItem(
        "1 nieuwe aanmelding om over te beslissen",
        1,
        reverse("referrals:decide", args=[referral.uuid]),
    )
    referral_services.referral_accept(actor=coordinator, referral=referral)
    assert find(coordinator, "beslissen") is None
    assert find(coordinator, "wacht op een buddy") == TodoItem(
        "1 aanmelding wacht op een buddy",
        1,
        reverse("matching:referral_suggestions", args=[referral.uuid]),
    )
    buddy = fitting_buddy(programme)
    proposal = matching_services.proposal_create(actor=coordinator, referral=referral, buddy=buddy)
    assert find(coordinator, "wacht op een buddy") is None
    assert find(coordinator, "wacht op een antwoord") == TodoItem(
        "1 voorstel wacht op een antwoord",
        1,
        reverse("matching:proposal_detail", args=[proposal.uuid]),
    )
    matching_services.proposal_accept(actor=buddy.user, proposal=proposal)
    matching_services.proposal_confirm(actor=staff_of(school), proposal=proposal)
    assert find(coordinator, "antwoord") is None


def test_coordinator_sees_open_concerns_until_someone_takes_them_up():
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    concern = concern_services.concern_raise(
        actor=duo.buddy.user, trajectory=duo, urgency="attention", text="Hij is vaak moe."
    )
    assert find(coordinator, "zorgsignaal") == TodoItem(
        "1 zorgsignaal wacht tot iemand het opneemt",
        1,
        reverse("trajectories:concern_detail", args=[duo.uuid, concern.uuid]),
    )
    concern_services.concern_acknowledge(actor=coordinator, concern=concern)
    assert find(coordinator, "zorgsignaal") is None


def test_coordinator_sees_a_check_in_due_until_it_is_recorded():
    duo = TrajectoryFactory(planned_start=today() - dt.timedelta(days=10))
    coordinator = coordinator_of(duo)
    assert find(coordinator, "polsen") == TodoItem(
        "Bij 1 duo is het tijd om even te polsen",
        1,
        reverse("followup:checkin_create", args=[duo.uuid]),
    )
    # Twice in the first month (MENTOR): one check-in is not enough yet.
    for days in (8, 2):
        followup_services.checkin_record(
            actor=coordinator,
            trajectory=duo,
            date=today() - dt.timedelta(days=days),
            channel="phone",
        )
    assert find(coordinator, "polsen") is None


def test_coordinator_sees_applicants_to_screen_and_extracts_running_out():
    programme = ProgrammeFactory()
    coordinator = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)
    applicant = BuddyFactory(programmes=[programme], status=ScreeningStatus.APPLIED)
    assert find(coordinator, "screenen") == TodoItem(
        "1 nieuwe buddy om te screenen", 1, reverse("buddies:screening_home")
    )
    buddy_services.buddy_approve(actor=coordinator, buddy=applicant, programme=programme)
    assert find(coordinator, "screenen") is None

    # An extract counts 36 months: one seen 36 times 30 days ago runs out within six weeks.
    old = BuddyFactory(programmes=[programme], extract_seen_on=today() - dt.timedelta(days=36 * 30))
    BuddyFactory(programmes=[programme], extract_seen_on=today() - dt.timedelta(days=30))
    assert find(coordinator, "uittreksel") == TodoItem(
        "1 buddy heeft binnenkort een nieuw uittreksel uit het strafregister nodig",
        1,
        reverse("buddies:screening_detail", args=[programme.uuid, old.uuid]),
    )
    buddy_services.buddy_record_extract(
        actor=coordinator, buddy=old, programme=programme, seen_on=today()
    )
    assert find(coordinator, "uittreksel") is None


# --- Scope ------------------------------------------------------------------------------


def _busy_world():
    """One programme and one school with an item of every kind waiting."""
    programme, school = ProgrammeFactory(), SchoolFactory()
    buddy = fitting_buddy(programme)
    open_proposal(programme=programme, buddy=buddy, school=school)
    accepted = open_proposal(programme=programme, buddy=fitting_buddy(programme), school=school)
    matching_services.proposal_accept(actor=accepted.buddy.user, proposal=accepted)
    ReferralFactory(programme=programme, pupil=PupilFactory(school=school))
    queued_referral(programme, pupil=PupilFactory(school=school))
    planned = TrajectoryFactory(programme=programme, school=school, buddy=buddy, planned=True)
    duo = TrajectoryFactory(
        programme=programme, school=school, planned_start=today() - dt.timedelta(days=35)
    )
    followup_services.tandem_note_add(actor=duo.buddy.user, trajectory=duo, text="Vraagje")
    concern_services.concern_raise(
        actor=duo.buddy.user, trajectory=duo, urgency="info", text="Moe."
    )
    BuddyFactory(programmes=[programme], status=ScreeningStatus.APPLIED)
    return programme, school, buddy, planned, duo


def test_an_outsider_of_the_same_role_sees_none_of_the_items():
    programme, school, buddy, planned, duo = _busy_world()
    assert len(items(buddy.user)) >= 2
    assert len(items(school_staff_of(duo))) >= 4
    assert len(items(coordinator_of(duo))) >= 5

    other_programme, other_school = ProgrammeFactory(), SchoolFactory()
    outsiders = [
        fitting_buddy(other_programme).user,
        staff_of(other_school),
        member(UserFactory(), other_programme, Role.PROGRAMME_COORDINATOR),
    ]
    for user in outsiders:
        todo = todo_for(user)
        assert todo.shown and todo.items == [], (user, todo.items)
    # Another buddy of the same programme does not see the first buddy's items either.
    assert items(fitting_buddy(programme).user) == []


def test_a_role_without_a_to_do_list_sees_no_list(client):
    from buddywerk.organisations.models import OrganisationKind
    from tests.factories import OrganisationFactory

    funder = member(UserFactory(), OrganisationFactory(kind=OrganisationKind.FUNDER), Role.FUNDER)
    assert todo_for(funder).shown is False
    client.force_login(funder)
    assert 'data-testid="todo"' not in client.get(reverse("home")).content.decode()


# --- The page -------------------------------------------------------------------------


def test_the_home_page_lists_each_item_as_a_link(client):
    programme, school = ProgrammeFactory(), SchoolFactory()
    buddy = fitting_buddy(programme)
    proposal = open_proposal(programme=programme, buddy=buddy, school=school)
    client.force_login(buddy.user)
    page = client.get(reverse("home")).content.decode()
    todo = page.split('data-testid="todo"')[1].split("</section>")[0]
    link = reverse("matching:proposal_detail", args=[proposal.uuid])
    assert f'<a href="{link}">1 voorstel wacht op je antwoord</a>' in todo
    matching_services.proposal_accept(actor=buddy.user, proposal=proposal)
    page = client.get(reverse("home")).content.decode()
    todo = page.split('data-testid="todo"')[1].split("</section>")[0]
    assert "voorstel" not in todo
    assert "Er wacht nu niets op je." in todo


def _home_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


# The whole home page (session, user, figures, panels and the to-do list); issue 17 point 4
# brought them from 13 / 14 / 24 down: every item reads its rows and count in one query,
# the open concerns and the screening figures are read once for the page, the two
# referral items of the coordinator come from one query with the queue's figures, the
# running duos of the "active duos" figure and the check-in item are read once (this
# coordinator leads no programme: one query asks whether their programme has a lead).
HOME_QUERIES = {"buddy": 11, "school": 11, "coordinator": 14}


def test_the_home_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    """Two of every item, then four of every item: the same number of queries."""
    _programme, school, buddy, _planned, duo = _busy_world()
    _more_of_everything(buddy, duo, school)  # two of each: every item reads its count
    users = {
        "buddy": buddy.user,
        "school": school_staff_of(duo),
        "coordinator": coordinator_of(duo),
    }
    before = {role: _home_queries(client, user) for role, user in users.items()}

    for role, user in users.items():
        client.force_login(user)
        with django_assert_num_queries(HOME_QUERIES[role]):
            client.get(reverse("home"))
    for _ in range(2):
        _more_of_everything(buddy, duo, school)
    after = {role: _home_queries(client, user) for role, user in users.items()}

    assert after == before
    assert find(users["coordinator"], "zorgsignalen") is not None  # there are more now


def _more_of_everything(buddy, duo, school):
    programme = duo.programme
    open_proposal(programme=programme, buddy=buddy, school=school)
    accepted = open_proposal(programme=programme, buddy=fitting_buddy(programme), school=school)
    matching_services.proposal_accept(actor=accepted.buddy.user, proposal=accepted)
    ReferralFactory(programme=programme, pupil=PupilFactory(school=school))
    other = TrajectoryFactory(
        programme=programme, school=school, planned_start=today() - dt.timedelta(days=35)
    )
    followup_services.tandem_note_add(actor=other.buddy.user, trajectory=other, text="Vraagje")
    concern_services.concern_raise(
        actor=other.buddy.user, trajectory=other, urgency="info", text="Moe."
    )
    TrajectoryFactory(programme=programme, school=school, buddy=buddy, planned=True)
    BuddyFactory(programmes=[programme], status=ScreeningStatus.APPLIED)
