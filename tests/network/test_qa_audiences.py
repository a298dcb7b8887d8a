"""Issue 16, point 11: the Q&A open to its audiences. Buddies, care coordinators and
programme coordinators ask a question; it shows only once a platform admin has answered
and published it. The sociale kaart is in the menu of those who use it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from buddywerk.access.models import Role
from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.network import qa_services
from buddywerk.network.models import Question
from buddywerk.organisations.models import OrganisationKind, ParticipantKind
from tests.factories import (
    BuddyFactory,
    OrganisationFactory,
    ProgrammeFactory,
    SchoolFactory,
    UserFactory,
    member,
)
from tests.network.test_questions_and_services import platform_admin

pytestmark = pytest.mark.django_db

ASK = "/network/questions/ask/"
QUESTIONS = "/network/questions/"


def buddy(programme=None):
    programme = programme or ProgrammeFactory()
    user = UserFactory()
    BuddyFactory(user=user, programmes=[programme])
    return member(user, programme, Role.BUDDY)


def care_coordinator():
    return member(UserFactory(), SchoolFactory(), Role.SCHOOL_STAFF, is_lead=True)


def coordinator():
    return member(UserFactory(), ProgrammeFactory(), Role.PROGRAMME_COORDINATOR, is_lead=True)


@pytest.mark.parametrize(
    ("make_user", "audience"),
    [(buddy, "buddies"), (care_coordinator, "schools"), (coordinator, "programmes")],
)
def test_each_audience_asks_and_the_question_waits_for_an_admin(client, make_user, audience):
    asker = make_user()
    client.force_login(asker)
    assert ASK in client.get(QUESTIONS).content.decode()  # the page offers the way in
    response = client.post(ASK, {"audience": audience, "question": "Mag ik foto's nemen?"})
    assert response.status_code == 302
    asked = Question.objects.get()
    assert (asked.audience, asked.asked_by, asked.is_published) == (audience, asker, False)
    assert AuditEvent.objects.filter(
        actor=asker, action=AuditAction.QUESTION_ASK, object_id=str(asked.pk)
    ).exists()
    # Not public yet: the asker sees it as waiting, the public list does not show it.
    body = client.get(QUESTIONS).content.decode()
    assert "Mag ik foto" in body and 'data-testid="questions-waiting"' in body
    client.logout()
    assert "Mag ik foto" not in client.get(QUESTIONS).content.decode()

    # The platform admin sees it waiting, answers and publishes it.
    client.force_login(platform_admin())
    body = client.get(QUESTIONS).content.decode()
    assert f"/network/questions/{asked.pk}/edit/" in body
    fields = {"audience": audience, "question": asked.question, "position": 0}
    refused = client.post(f"/network/questions/{asked.pk}/edit/", {**fields, "is_published": "on"})
    assert refused.status_code == 200  # no answer yet: not published
    assert not Question.objects.get().is_published
    client.post(
        f"/network/questions/{asked.pk}/edit/",
        {**fields, "answer": "Ja, met toestemming.", "is_published": "on"},
    )
    client.logout()
    body = client.get(QUESTIONS).content.decode()
    assert "Mag ik foto" in body and "Ja, met toestemming." in body


def test_a_question_in_the_name_of_someone_else_is_refused(client):
    asker = buddy()
    with pytest.raises(ValidationError):
        qa_services.question_ask(actor=asker, audience="schools", question="Hoe verwijs ik?")
    client.force_login(asker)
    response = client.post(ASK, {"audience": "schools", "question": "Hoe verwijs ik?"})
    assert response.status_code == 200
    assert not Question.objects.exists()


@pytest.mark.parametrize("who", ["teacher", "applicant", "funder", "anonymous"])
def test_others_cannot_ask(client, who):
    if who == "teacher":  # school staff who is not the care coordinator
        user = member(UserFactory(), SchoolFactory(), Role.SCHOOL_STAFF)
    elif who == "applicant":
        programme = ProgrammeFactory()
        user = UserFactory()
        BuddyFactory(user=user, programmes=[programme], status="applied")
        member(user, programme, Role.BUDDY)
    elif who == "funder":
        funder = OrganisationFactory(kind=OrganisationKind.FUNDER)
        user = member(UserFactory(), funder, Role.FUNDER)
    else:
        user = None
    if user is not None:
        client.force_login(user)
        with pytest.raises(PermissionDenied):
            qa_services.question_ask(actor=user, audience="buddies", question="Mag het?")
        assert client.post(ASK, {"audience": "buddies", "question": "Mag het?"}).status_code == 403
        assert ASK not in client.get(QUESTIONS).content.decode()
    else:
        assert client.post(ASK, {"audience": "buddies", "question": "Mag het?"}).status_code == 302
    assert not Question.objects.exists()


def _menu(client, user) -> str:
    client.force_login(user)
    body = client.get("/").content.decode()
    return body[body.index("<header") : body.index("</header>")]


def test_the_sociale_kaart_is_in_the_menu_of_those_who_use_it(client):
    family_programme = ProgrammeFactory(participant_kind=ParticipantKind.FAMILIES)
    service = OrganisationFactory(kind=OrganisationKind.SERVICE)
    users = {
        "family buddy": (buddy(family_programme), True),
        "pupil buddy": (buddy(), False),
        "coordinator": (coordinator(), True),
        "service staff": (member(UserFactory(), service, Role.SERVICE_STAFF), True),
        "school staff": (care_coordinator(), False),
        "admin": (platform_admin(), True),
    }
    for name, (user, shown) in users.items():
        assert ("/network/services/" in _menu(client, user)) is shown, name


def test_the_admins_hear_of_a_question_and_the_asker_of_its_answer_once():
    """Nobody was told: a question waited until an admin happened to look, and the asker
    never learnt it was answered. The question's text stays out of both mails (an asker
    may write about a pupil)."""
    from buddywerk.mail.models import OutgoingMail
    from buddywerk.network import services

    admin = platform_admin()
    asker = buddy()
    question = qa_services.question_ask(
        actor=asker, audience="buddies", question="Mag ik met Zoë naar de bib?"
    )
    asked = OutgoingMail.objects.get(kind="network.question_asked")
    assert asked.to == admin.email
    assert f"/network/questions/{question.pk}/edit/" in asked.body
    assert "Zoë" not in asked.body + asked.subject
    # Saved unpublished (a draft of the answer): no mail to the asker yet.
    fields = {"audience": "buddies", "question": question.question, "answer": "Ja."}
    services.question_save(actor=admin, question=question, fields=fields)
    assert not OutgoingMail.objects.filter(kind="network.question_answered").exists()
    # Published with its answer: one mail; saved again later: no second one.
    for answer in ("Ja, met toestemming.", "Ja, met toestemming van de ouders."):
        fields = {**fields, "answer": answer, "is_published": True}
        services.question_save(actor=admin, question=question, fields=fields)
    answered = OutgoingMail.objects.get(kind="network.question_answered")
    assert answered.to == asker.email
    assert "/network/questions/" in answered.body and "Zoë" not in answered.body
