"""The Q&A (R14) and the local services map with introductions of families [004]."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.common.models import AuditEvent
from buddywerk.network import services
from buddywerk.network.models import Question, ServiceIntroduction
from buddywerk.network.selectors import services_reached
from buddywerk.organisations.models import OrganisationKind
from tests.factories import FamilyFactory, OrganisationFactory, UserFactory, member
from tests.network.factories import LocalServiceFactory, QuestionFactory
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db


def platform_admin():
    umbrella = OrganisationFactory(kind=OrganisationKind.UMBRELLA)
    return member(UserFactory(is_staff=True), umbrella, Role.PLATFORM_ADMIN)


def test_questions_per_audience_and_searchable_in_dutch(client):
    admin = platform_admin()
    for audience, text, answer in [
        ("buddies", "Ben ik verzekerd bij gezinnen thuis?", "Ja, door de organisatie."),
        ("schools", "Hoe vraagt een school een buddy aan?", "Via de zorgcoördinator."),
    ]:
        services.question_save(
            actor=admin,
            question=Question(),
            fields={"audience": audience, "question": text, "answer": answer},
        )
    body = client.get("/network/questions/", {"q": "gezin"}).content.decode()
    assert "Ben ik verzekerd" in body
    assert "Hoe vraagt een school" not in body
    body = client.get("/network/questions/", {"audience": "schools"}).content.decode()
    assert "Hoe vraagt een school" in body
    assert "Ben ik verzekerd" not in body
    assert "Laatst nagekeken op" in body


def test_saving_a_question_is_a_review_and_only_for_platform_admins(client):
    question = QuestionFactory(last_reviewed_on=timezone.localdate() - dt.timedelta(days=400))
    client.force_login(platform_admin())
    response = client.post(
        f"/network/questions/{question.pk}/edit/",
        {
            "audience": "buddies",
            "question": question.question,
            "answer": "Een nieuw antwoord.",
            "position": 0,
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer == "Een nieuw antwoord."
    assert question.last_reviewed_on == timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.question_save(actor=UserFactory(), question=question, fields={})


def test_a_question_with_script_is_refused(client):
    client.force_login(platform_admin())
    response = client.post(
        "/network/questions/new/",
        {
            "audience": "buddies",
            "question": "Vraag?",
            "answer": "<script>x</script>",
            "position": 0,
        },
    )
    assert "Gebruik gewone tekst" in response.content.decode()
    assert not Question.objects.exists()


def test_local_services_per_municipality(client, django_assert_max_num_queries):
    LocalServiceFactory(name="Bib Gent")
    from tests.network.factories import municipality

    LocalServiceFactory(name="Bib Mechelen", municipality=municipality("12025"))
    with django_assert_max_num_queries(6):
        body = client.get("/network/services/", {"municipality": "44021"}).content.decode()
    assert "Bib Gent" in body
    assert "Bib Mechelen" not in body
    assert "Frans" in body  # languages, in Dutch


def test_buddy_records_an_introduction_and_the_programme_sees_the_reach(client):
    service_org = OrganisationFactory(kind=OrganisationKind.SERVICE)
    duo = TrajectoryFactory(family=True, service=service_org)
    buddy, family = duo.buddy, duo.participants.get().family
    library = LocalServiceFactory(name="Bib De Krook")
    client.force_login(buddy.user)
    response = client.post(
        f"/network/families/{family.uuid}/introductions/",
        {"service": library.pk, "introduced_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    introduction = ServiceIntroduction.objects.get()
    assert introduction.family == family
    assert AuditEvent.objects.filter(action="view", object_id=str(family.uuid)).exists()
    programme = introduction.programme
    coordinator = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)
    assert [(s.name, s.families) for s in services_reached(programme=programme)] == [
        ("Bib De Krook", 1)
    ]
    client.force_login(coordinator)
    body = client.get(f"/network/programmes/{programme.uuid}/services-reached/").content.decode()
    assert "Bib De Krook" in body
    assert family.contact_name not in body  # counts only, no family


def test_introduction_bad_input_and_scope(client):
    service_org = OrganisationFactory(kind=OrganisationKind.SERVICE)
    duo = TrajectoryFactory(family=True, service=service_org)
    buddy, family = duo.buddy, duo.participants.get().family
    library = LocalServiceFactory()
    with pytest.raises(ValidationError):
        services.service_introduction_record(
            actor=buddy.user,
            family=family,
            service=library,
            introduced_on=timezone.localdate() + dt.timedelta(days=3),
        )
    other_family = FamilyFactory(referred_by=service_org)
    with pytest.raises(PermissionDenied):
        services.service_introduction_record(
            actor=buddy.user,
            family=other_family,
            service=library,
            introduced_on=timezone.localdate(),
        )
    client.force_login(buddy.user)
    assert client.get(f"/network/families/{other_family.uuid}/introductions/").status_code == 404
    assert not ServiceIntroduction.objects.exists()


def _family_duo_with_meeting():
    """A buddy's running duo with a family (through the trajectory services) and a meeting."""
    from buddywerk.trajectories.models import Meeting

    duo = TrajectoryFactory(family=True)
    buddy = duo.buddy
    meeting = Meeting.objects.create(
        trajectory=duo, date=timezone.localdate() - dt.timedelta(days=2)
    )
    return buddy, duo.participants.get().family, meeting


def test_from_a_meeting_the_buddy_introduces_the_family_to_a_service(client):
    """[004] From a meeting of the duo, the buddy records the introduction; the meeting is
    kept, its date is proposed, and a meeting of another duo is refused."""
    buddy, family, meeting = _family_duo_with_meeting()
    library = LocalServiceFactory(name="Bib De Krook")  # in Gent, where the family lives
    LocalServiceFactory(name="Aaa Bib Antwerpen", municipality=municipality_of("11002"))
    url = f"/network/families/{family.uuid}/introductions/?meeting={meeting.uuid}"
    client.force_login(buddy.user)
    # The buddy finds the link next to the meeting on the duo's page.
    duo_page = client.get(reverse("trajectories:detail", args=[meeting.trajectory.uuid]))
    assert f'href="{url}"' in duo_page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["introduced_on"].value() == meeting.date
    assert [s.name for s in form.fields["service"].queryset][:1] == ["Bib De Krook"]
    response = client.post(
        url,
        {
            "service": library.pk,
            "introduced_on": meeting.date.isoformat(),
            "meeting": str(meeting.uuid),
        },
    )
    assert response.status_code == 302
    introduction = ServiceIntroduction.objects.get()
    assert introduction.meeting == meeting and introduction.family == family
    # Someone else's meeting, or nonsense, is not found; nothing more is stored.
    _other_buddy, _other_family, other_meeting = _family_duo_with_meeting()
    bad = f"/network/families/{family.uuid}/introductions/?meeting={other_meeting.uuid}"
    assert client.get(bad).status_code == 404
    assert (
        client.post(bad, {"service": library.pk, "introduced_on": "2026-01-01"}).status_code == 404
    )
    assert (
        client.get(f"/network/families/{family.uuid}/introductions/?meeting=x").status_code == 404
    )
    with pytest.raises(PermissionDenied):
        services.service_introduction_record(
            actor=buddy.user,
            family=family,
            service=library,
            introduced_on=timezone.localdate(),
            meeting=other_meeting,
        )
    assert ServiceIntroduction.objects.count() == 1


def municipality_of(code):
    from tests.network.factories import municipality

    return municipality(code)
