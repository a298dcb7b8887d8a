"""A form sent twice makes one thing (issue 16, point 2; common/once.py).

Each create form is opened as its user would, its one-time token read from the page, and
the same POST sent twice (back and resubmit). The first send makes one record; the second
makes none, sends no second mail, and leads to the same page with a message. On the old
code the second send made a second meeting, note, concern, referral, ...
"""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.common.models import UsedFormToken
from buddywerk.common.once import FIELD, once_tokens_purge
from buddywerk.followup import services as fs
from buddywerk.followup.models import CheckIn, Observation, RelationshipSurvey, TandemNote
from buddywerk.learning.models import Event
from buddywerk.referrals.models import Referral
from buddywerk.trajectories.models import Concern, Meeting, WellbeingScore
from tests.factories import ProgrammeFactory, SchoolFactory, UserFactory, member
from tests.learning.factories import next_season_day
from tests.referrals.test_views import pupil_form
from tests.trajectories.factories import TrajectoryFactory, coordinator_of, school_staff_of

pytestmark = pytest.mark.django_db

TOKEN = re.compile(rf'name="{FIELD}" value="([0-9a-f-]{{36}})"')
ALREADY = "al verstuurd"


def _today() -> str:
    return timezone.localdate().isoformat()


@dataclass
class Case:
    route: str
    model: type[Model]
    user: Any  # duo -> the user who fills in the form
    data: Any  # duo -> the POST data
    args: Any = lambda duo: [duo.uuid]


def _observation(duo):
    data = {"observed_on": _today(), "summary": "Fijne sfeer."}
    for criterion in fs.observation_criteria_for(duo.programme):
        data[f"score_{criterion.pk}"] = "3"
    return data


DUO_CASES = {
    "meeting": Case(
        "trajectories:meeting_create",
        Meeting,
        lambda duo: duo.buddy.user,
        lambda duo: {
            "date": _today(),
            "status": "happened",
            "duration_minutes": 45,
            "topics": ["homework"],
            "note_visibility": "shared",
        },
    ),
    "planned meeting": Case(
        "trajectories:meeting_plan",
        Meeting,
        lambda duo: duo.buddy.user,
        lambda duo: {
            "date": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
            "start_time": "15:30",
            "duration_minutes": 60,
        },
    ),
    "well-being": Case(
        "trajectories:wellbeing_create",
        WellbeingScore,
        lambda duo: duo.buddy.user,
        lambda duo: {
            "participant": str(duo.participants.get().uuid),
            "moment": "intake",
            "score": "4",
            "date": _today(),
        },
    ),
    "concern": Case(
        "trajectories:concern_create",
        Concern,
        lambda duo: duo.buddy.user,
        lambda duo: {"urgency": "attention", "text": "Hij lijkt moe."},
    ),
    "tandem note": Case(
        "followup:tandem",
        TandemNote,
        lambda duo: duo.buddy.user,
        lambda duo: {"kind": "note", "text": "Hij was stil vandaag."},
    ),
    "kijkwijzer": Case("followup:observation_create", Observation, coordinator_of, _observation),
    "check-in": Case(
        "followup:checkin_create",
        CheckIn,
        coordinator_of,
        lambda duo: {"date": _today(), "channel": "phone", "note": "Alles goed."},
    ),
    "survey": Case(
        "followup:survey_create",
        RelationshipSurvey,
        lambda duo: duo.buddy.user,
        lambda duo: {"moment": "day30", "item1": "4", "item2": "5", "item3": "4", "item4": "3"},
        args=lambda duo: [duo.uuid, "buddy"],
    ),
}


def send_twice(client: Client, url: str, data: dict, model: type[Model]):
    """Open the form, send it, go back and send the same page again."""
    page = client.get(url)
    assert page.status_code == 200
    token = TOKEN.search(page.content.decode())
    assert token, f"{url} carries no one-time token"
    data = {**data, FIELD: token.group(1)}
    before = model.objects.count()
    first = client.post(url, data)
    assert first.status_code == 302, first.context["form"].errors
    assert model.objects.count() == before + 1
    mails = len(mail.outbox)
    second = client.post(url, data)
    assert model.objects.count() == before + 1
    assert len(mail.outbox) == mails
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    shown = client.get(second["Location"]).content.decode()
    assert ALREADY in shown
    return first


@pytest.mark.parametrize("case", DUO_CASES.values(), ids=DUO_CASES.keys())
def test_a_duo_form_sent_twice_makes_one_record(client, case, django_capture_on_commit_callbacks):
    duo = TrajectoryFactory()
    school_staff_of(duo)  # the tandem's other side, mailed once
    client.force_login(case.user(duo))
    url = reverse(case.route, args=case.args(duo))
    with django_capture_on_commit_callbacks(execute=True):
        send_twice(client, url, case.data(duo), case.model)
    used = UsedFormToken.objects.get()
    record = case.model.objects.get(pk=used.object_id)
    assert used.content_type.model_class() is case.model
    assert record is not None


def test_a_refused_send_stores_no_token_and_the_corrected_one_goes_through(client):
    duo = TrajectoryFactory()
    client.force_login(duo.buddy.user)
    url = reverse("trajectories:concern_create", args=[duo.uuid])
    token = TOKEN.search(client.get(url).content.decode()).group(1)
    refused = client.post(url, {"urgency": "attention", "text": "", FIELD: token})
    assert refused.status_code == 200
    # the form shown again keeps its token, so the corrected form is the same send
    assert token in refused.content.decode()
    assert not UsedFormToken.objects.exists()
    done = client.post(url, {"urgency": "attention", "text": "Moe.", FIELD: token})
    assert done.status_code == 302 and Concern.objects.count() == 1


def test_a_token_is_the_users_own(client):
    """Another user sending the same token makes their own record: tokens are per user."""
    duo = TrajectoryFactory()
    url = reverse("trajectories:concern_create", args=[duo.uuid])
    client.force_login(duo.buddy.user)
    token = TOKEN.search(client.get(url).content.decode()).group(1)
    data = {"urgency": "attention", "text": "Moe.", FIELD: token}
    assert client.post(url, data).status_code == 302
    client.force_login(coordinator_of(duo))
    assert client.post(url, data).status_code == 302
    assert Concern.objects.count() == 2


def test_a_pupil_referral_sent_twice_makes_one_draft(client):
    school = SchoolFactory()
    programme = ProgrammeFactory()
    client.force_login(member(UserFactory(), school, Role.SCHOOL_STAFF))
    first = send_twice(client, reverse("referrals:create_pupil"), pupil_form(programme), Referral)
    assert first["Location"] == reverse("referrals:detail", args=[Referral.objects.get().uuid])


def test_an_event_sent_twice_is_created_once(client):
    programme = ProgrammeFactory()
    client.force_login(member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR))
    start = next_season_day()
    data = {
        "kind": "meetup",
        "title": "Buddymoment maart",
        "programme": programme.pk,
        "audience": "buddies",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "registration_deadline": (start - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Buurthuis",
        "capacity": 12,
    }
    send_twice(client, reverse("learning:event_create"), data, Event)


def test_an_event_registration_sent_twice_is_one_registration(client):
    """Registering is idempotent on its natural key (buddy, event): the second send says
    so and shows the event, where the registration is."""
    from buddywerk.learning.models import Registration
    from tests.learning.factories import EventFactory
    from tests.learning.test_events import buddy_user

    programme = ProgrammeFactory()
    event = EventFactory(programme=programme)
    client.force_login(buddy_user(programme))
    url = reverse("learning:event_register", args=[event.uuid])
    assert client.post(url).status_code == 302
    again = client.post(url, follow=True)
    assert Registration.objects.count() == 1
    assert "al ingeschreven" in again.content.decode()


def test_old_tokens_are_forgotten_after_thirty_days(client):
    duo = TrajectoryFactory()
    client.force_login(duo.buddy.user)
    url = reverse("trajectories:concern_create", args=[duo.uuid])
    token = TOKEN.search(client.get(url).content.decode()).group(1)
    client.post(url, {"urgency": "attention", "text": "Moe.", FIELD: token})
    assert once_tokens_purge(now=timezone.now() + dt.timedelta(days=29)) == 0
    assert once_tokens_purge(now=timezone.now() + dt.timedelta(days=31)) == 1
    assert not UsedFormToken.objects.exists()


def test_back_and_resubmit_with_a_fresh_token_but_the_same_values_makes_one_record(client):
    """The form pages are not cached: the back button fetches the page again (a new
    token) and the browser puts the typed values back. The same values to the same page
    within the hour are the same send; other values are a new record."""
    duo = TrajectoryFactory()
    client.force_login(duo.buddy.user)
    url = reverse("trajectories:concern_create", args=[duo.uuid])
    first_token = TOKEN.search(client.get(url).content.decode()).group(1)
    data = {"urgency": "attention", "text": "Hij lijkt moe."}
    first = client.post(url, {**data, FIELD: first_token})
    fresh_token = TOKEN.search(client.get(url).content.decode()).group(1)
    assert fresh_token != first_token
    again = client.post(url, {**data, FIELD: fresh_token})
    assert again["Location"] == first["Location"]
    assert Concern.objects.count() == 1
    other = client.post(
        url, {"urgency": "attention", "text": "Nu iets anders.", FIELD: fresh_token}
    )
    assert other.status_code == 302 and Concern.objects.count() == 2


def test_a_duo_started_twice_is_started_once(client):
    from buddywerk.organisations.models import ParticipantKind
    from buddywerk.referrals.models import ReferralStatus
    from buddywerk.trajectories.models import Trajectory
    from tests.factories import BuddyFactory, PupilFactory, ReferralFactory

    programme = ProgrammeFactory(participant_kind=ParticipantKind.BOTH)
    buddy = BuddyFactory(programmes=[programme])
    referral = ReferralFactory(
        programme=programme, pupil=PupilFactory(), status=ReferralStatus.ACCEPTED
    )
    client.force_login(member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR))
    data = {
        "programme": programme.pk,
        "buddy": buddy.pk,
        "referrals": [referral.pk],
        "mode": "school",
        "planned_start": _today(),
        "weekly_slot": "wed-pm",
    }
    send_twice(client, reverse("trajectories:start"), data, Trajectory)


def test_a_family_referral_sent_twice_makes_one_draft(client):
    from buddywerk.geo.models import Municipality
    from buddywerk.organisations.models import OrganisationKind, ParticipantKind
    from tests.factories import OrganisationFactory

    service = OrganisationFactory(name="Onthaalbureau", kind=OrganisationKind.SERVICE)
    programme = ProgrammeFactory(
        participant_kind=ParticipantKind.FAMILIES,
        municipalities=Municipality.objects.filter(nis_code="44021"),
    )
    client.force_login(member(UserFactory(), service, Role.SERVICE_STAFF))
    data = {
        "contact_name": "Familie Haddad",
        "household_size": "5",
        "children_ages": "4, 9, 12",
        "postcode": "9000",
        "languages": ["ar"],
        "contact_language": "ar",
        "programme": str(programme.pk),
        "goals": ["network"],
        "meeting_modes": ["home"],
        "time_slots": ["wed-after"],
        "urgency": "2",
        "complexity": "normal",
        "consent_given_on": _today(),
        "consent_given_by": "het gezin",
        "consent_giver": "family",
        "consent_method": "paper",
    }
    send_twice(client, reverse("referrals:create_family"), data, Referral)


def test_a_question_sent_twice_is_asked_once(client):
    """The Q&A question form (issue 16, point 11) carries the token too: a resubmit asks
    the question once and shows the question list with the message."""
    from buddywerk.network.models import Question
    from tests.network.test_qa_audiences import buddy

    client.force_login(buddy())
    first = send_twice(
        client,
        reverse("network:question_ask"),
        {"audience": "buddies", "question": "Mag ik foto's nemen?"},
        Question,
    )
    assert first["Location"] == reverse("network:question_list")
    assert UsedFormToken.objects.get().object_id == str(Question.objects.get().pk)
