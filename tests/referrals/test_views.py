"""Referral pages: forms end to end, scoping (404 for what is not yours), query counts."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.common.models import AuditEvent
from buddywerk.referrals.models import Pupil, Referral, ReferralStatus, school_year_start
from tests.factories import (
    OrganisationFactory,
    ProgrammeFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    UserFactory,
    member,
)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def school():
    return SchoolFactory(name="Basisschool De Linde")


@pytest.fixture
def staff(school):
    return member(UserFactory(), school, Role.SCHOOL_STAFF)


@pytest.fixture
def programme():
    return ProgrammeFactory(name="Buddy Mechelen")


@pytest.fixture
def coordinator(programme):
    return member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)


def pupil_form(programme, **overrides):
    data = {
        "first_name": "Amira",
        "last_name": "Peeters",
        "school_year": "6",
        "birth_year": str(school_year_start() - 11),
        "home_languages": ["nl"],
        "programme": str(programme.pk),
        "needs": ["maths"],
        "criteria": ["motivated"],
        "meeting_modes": ["school"],
        "time_slots": ["mon-pm"],
        "urgency": "2",
        "complexity": "normal",
        "consent_given_on": timezone.localdate().isoformat(),
        "consent_given_by": "moeder",
        "consent_giver": "parent",
        "consent_method": "paper",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_school_refers_a_new_pupil_then_submits(staff, programme):
    client = client_for(staff)
    response = client.post(reverse("referrals:create_pupil"), pupil_form(programme))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[referral.uuid])
    assert referral.status == ReferralStatus.DRAFT and referral.pupil.first_name == "Amira"
    assert "Amira" not in response["Location"]
    response = client.post(reverse("referrals:submit", args=[referral.uuid]))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


@pytest.mark.django_db
def test_birth_year_of_a_40_year_old_shows_a_dutch_error_and_saves_nothing(staff, programme):
    client = client_for(staff)
    response = client.post(
        reverse("referrals:create_pupil"),
        pupil_form(programme, birth_year=str(school_year_start() - 40)),
    )
    assert response.status_code == 200
    # Issue 16, point 5: the form's plausible range answers before the school-year rule.
    assert "geef een geboortejaar van" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Pupil.objects.exists() and not Referral.objects.exists()


@pytest.mark.django_db
def test_only_covering_programmes_are_offered_and_others_refused(staff, programme):
    from buddywerk.geo.models import Municipality

    gent = ProgrammeFactory(
        name="Buddy Gent", municipalities=Municipality.objects.filter(nis_code="44021")
    )
    client = client_for(staff)
    page = client.get(reverse("referrals:create_pupil")).content.decode()
    assert "Buddy Mechelen" in page and "Buddy Gent" not in page
    response = client.post(reverse("referrals:create_pupil"), pupil_form(gent))
    assert response.status_code == 200 and not Referral.objects.exists()


@pytest.mark.django_db
def test_submit_without_consent_is_refused_with_the_reason(staff, programme):
    client = client_for(staff)
    client.post(
        reverse("referrals:create_pupil"),
        pupil_form(programme, consent_given_on="", consent_given_by=""),
    )
    referral = Referral.objects.get()
    response = client.post(reverse("referrals:submit", args=[referral.uuid]))
    assert response.status_code == 200
    assert "zonder toestemming" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT


@pytest.mark.django_db
def test_existing_pupil_is_referred_again_and_forged_ids_answer_404(staff, school, programme):
    pupil = PupilFactory(school=school)
    client = client_for(staff)
    url = reverse("referrals:create_pupil")
    assert client.get(url, {"pupil": pupil.uuid}).status_code == 200
    client.post(url + f"?pupil={pupil.uuid}", pupil_form(programme, first_name=pupil.first_name))
    assert Referral.objects.get().pupil == pupil
    assert client.get(url, {"pupil": uuid.uuid4()}).status_code == 404
    assert client.get(url, {"pupil": "not-a-uuid"}).status_code == 404
    other = PupilFactory(school=SchoolFactory())
    assert client.get(url, {"pupil": other.uuid}).status_code == 404
    response = client.post(url + f"?pupil={other.uuid}", pupil_form(programme))
    assert response.status_code == 404 and Referral.objects.count() == 1


@pytest.mark.django_db
def test_another_schools_referral_answers_404(staff):
    other = ReferralFactory(draft=True)
    client = client_for(staff)
    for name in ("detail", "edit", "submit", "withdraw", "decide"):
        assert client.get(reverse(f"referrals:{name}", args=[other.uuid])).status_code == 404
        assert client.get(reverse(f"referrals:{name}", args=[uuid.uuid4()])).status_code == 404
    response = client.post(reverse("referrals:withdraw", args=[other.uuid]))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == ReferralStatus.DRAFT


@pytest.mark.django_db
def test_coordinator_never_sees_drafts(coordinator, programme):
    draft = ReferralFactory(programme=programme, draft=True)
    client = client_for(coordinator)
    assert client.get(reverse("referrals:detail", args=[draft.uuid])).status_code == 404
    assert draft.pupil.last_name not in client.get(reverse("referrals:queue")).content.decode()


@pytest.mark.django_db
def test_school_withdraws_and_the_detail_view_is_audited(staff, school, programme):
    referral = ReferralFactory(programme=programme, pupil=PupilFactory(school=school))
    client = client_for(staff)
    client.get(reverse("referrals:detail", args=[referral.uuid]))
    assert AuditEvent.objects.filter(
        actor=staff, action="view", object_id=str(referral.pupil.uuid)
    ).exists()
    client.post(reverse("referrals:withdraw", args=[referral.uuid]), {"reason": "Verhuisd"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN
    assert referral.transitions.last().reason == "Verhuisd"


@pytest.mark.django_db
def test_coordinator_declines_only_with_a_reason_then_accepts_another(coordinator, programme):
    first = ReferralFactory(programme=programme)
    second = ReferralFactory(programme=programme)
    client = client_for(coordinator)
    page = client.get(reverse("referrals:decide", args=[first.uuid])).content.decode()
    # One form per decision, each posting to its own endpoint.
    for name in ("accept", "wait", "decline"):
        assert f'action="{reverse(f"referrals:{name}", args=[first.uuid])}"' in page
    decline = reverse("referrals:decline", args=[first.uuid])
    response = client.post(decline, {"decline-reason": ""})
    assert response.status_code == 200 and "Geef de school of dienst een reden" in (
        response.content.decode()
    )
    first.refresh_from_db()
    assert first.status == ReferralStatus.SUBMITTED
    client.post(decline, {"decline-reason": "Al begeleiding via CLB"})
    client.post(reverse("referrals:wait", args=[second.uuid]), {"wait-reason": ""})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (ReferralStatus.DECLINED, ReferralStatus.WAITING)
    assert first.transitions.last().reason == "Al begeleiding via CLB"
    # A referral on the waiting list is accepted or declined, not put on the list again.
    page = client.get(reverse("referrals:decide", args=[second.uuid])).content.decode()
    assert reverse("referrals:wait", args=[second.uuid]) not in page
    response = client.post(reverse("referrals:wait", args=[second.uuid]), {"wait-reason": ""})
    second.refresh_from_db()
    assert response.status_code == 200 and second.status == ReferralStatus.WAITING
    client.post(reverse("referrals:accept", args=[second.uuid]), {"accept-reason": ""})
    second.refresh_from_db()
    assert second.status == ReferralStatus.ACCEPTED
    # A decided referral cannot be decided again.
    response = client.get(reverse("referrals:decide", args=[first.uuid]))
    assert response.status_code == 302
    response = client.post(reverse("referrals:accept", args=[first.uuid]), {"accept-reason": ""})
    first.refresh_from_db()
    assert response.status_code == 302 and first.status == ReferralStatus.DECLINED
    # The page is only read: decisions have their own endpoints.
    assert client.post(reverse("referrals:decide", args=[second.uuid])).status_code == 405


@pytest.mark.django_db
def test_coordinator_of_another_programme_cannot_decide(programme):
    referral = ReferralFactory(programme=programme)
    outsider = member(UserFactory(), ProgrammeFactory(), Role.PROGRAMME_COORDINATOR)
    response = client_for(outsider).post(
        reverse("referrals:accept", args=[referral.uuid]), {"accept-reason": ""}
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


@pytest.mark.django_db
def test_queue_is_oldest_first_with_waiting_days(coordinator, programme):
    now = timezone.now()
    newer = ReferralFactory(programme=programme)
    older = ReferralFactory(programme=programme)
    Referral.objects.filter(pk=older.pk).update(submitted_at=now - timezone.timedelta(days=12))
    Referral.objects.filter(pk=newer.pk).update(submitted_at=now - timezone.timedelta(days=2))
    page = client_for(coordinator).get(reverse("referrals:queue")).content.decode()
    assert page.index(older.pupil.last_name) < page.index(newer.pupil.last_name)
    assert "<td>12</td>" in page


@pytest.mark.django_db
def test_school_list_filters_by_status(staff, school, programme):
    # Names of our own: two Faker surnames (Maes, Peeters, ...) are sometimes the same.
    submitted = ReferralFactory(
        programme=programme, pupil=PupilFactory(school=school, last_name="Zwartkruis")
    )
    draft = ReferralFactory(
        programme=programme, pupil=PupilFactory(school=school, last_name="Oudeland"), draft=True
    )
    ReferralFactory()  # another school's
    client = client_for(staff)
    page = client.get(reverse("referrals:list")).content.decode()
    assert submitted.pupil.last_name in page and draft.pupil.last_name in page
    page = client.get(reverse("referrals:list"), {"status": "draft"}).content.decode()
    assert draft.pupil.last_name in page and submitted.pupil.last_name not in page
    assert client.get(reverse("referrals:list"), {"status": "nonsense"}).status_code == 200


@pytest.mark.django_db
def test_school_list_query_count_does_not_grow(
    staff, school, programme, django_assert_max_num_queries
):
    client = client_for(staff)
    for _ in range(3):
        ReferralFactory(programme=programme, pupil=PupilFactory(school=school))
    client.get(reverse("referrals:list"))
    # issue 17 point 4: session, user, the user's facts, the "may refer pupils" check, the
    # count, the page (only what a row shows: no meeting place joined), the audit INSERT
    with django_assert_max_num_queries(7) as few:
        client.get(reverse("referrals:list"))
    assert not [q for q in few.captured_queries if '"geo_postcode"' in q["sql"]]
    for _ in range(12):
        ReferralFactory(programme=programme, pupil=PupilFactory(school=school))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("referrals:list"))
    assert response.content.decode().count("bw-status-") == 15


@pytest.mark.django_db
def test_queue_query_count_does_not_grow(coordinator, programme, django_assert_max_num_queries):

    client = client_for(coordinator)
    ReferralFactory(programme=programme)
    client.get(reverse("referrals:queue"))
    # issue 17 point 4: session, user, the user's facts, the count, the page, the audit
    with django_assert_max_num_queries(6) as few:
        client.get(reverse("referrals:queue"))
    assert not [q for q in few.captured_queries if '"geo_postcode"' in q["sql"]]
    for _ in range(10):
        ReferralFactory(programme=programme)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("referrals:queue"))


@pytest.mark.django_db
def test_a_service_refers_a_family():
    from buddywerk.geo.models import Municipality
    from buddywerk.organisations.models import OrganisationKind, ParticipantKind

    service = OrganisationFactory(name="Onthaalbureau", kind=OrganisationKind.SERVICE)
    worker = member(UserFactory(), service, Role.SERVICE_STAFF)
    programme = ProgrammeFactory(
        participant_kind=ParticipantKind.FAMILIES,
        municipalities=Municipality.objects.filter(nis_code="44021"),
    )
    client = client_for(worker)
    assert client.get(reverse("referrals:create_pupil")).status_code == 403
    data = {
        "contact_name": "Familie Haddad",
        "household_size": "5",
        "children_ages": "4, 9, 12",
        "postcode": "9999",
        "languages": ["ar"],
        "contact_language": "ar",
        "programme": str(programme.pk),
        "goals": ["network"],
        "meeting_modes": ["home"],
        "time_slots": ["wed-after"],
        "urgency": "2",
        "complexity": "normal",
        "consent_given_on": timezone.localdate().isoformat(),
        "consent_given_by": "het gezin",
        "consent_giver": "family",
        "consent_method": "paper",
    }
    response = client.post(reverse("referrals:create_family"), data)
    assert "Postcode 9999 kennen we niet" in response.content.decode()
    data["postcode"] = "9000"
    data["children_ages"] = "4, negen"
    response = client.post(reverse("referrals:create_family"), data)
    assert "hele getallen" in response.content.decode()
    data["children_ages"] = "4, 9, 12"
    response = client.post(reverse("referrals:create_family"), data)
    referral = Referral.objects.get()
    assert referral.family.children_ages == [4, 9, 12]
    client.post(reverse("referrals:submit", args=[referral.uuid]))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


@pytest.mark.django_db
def test_school_edits_a_draft_but_not_a_submitted_referral(staff, school, programme):
    draft = ReferralFactory(programme=programme, pupil=PupilFactory(school=school), draft=True)
    client = client_for(staff)
    url = reverse("referrals:edit", args=[draft.uuid])
    assert client.get(url).status_code == 200
    response = client.post(url, pupil_form(programme, first_name="Noor", urgency="3"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.pupil.first_name, draft.urgency) == ("Noor", 3)
    submitted = ReferralFactory(programme=programme, pupil=PupilFactory(school=school))
    response = client.post(
        reverse("referrals:edit", args=[submitted.uuid]), pupil_form(programme, first_name="X")
    )
    assert response.status_code == 302
    submitted.pupil.refresh_from_db()
    assert submitted.pupil.first_name != "X"


@pytest.mark.django_db
def test_family_draft_edit_page_renders():
    from tests.factories import FamilyReferralFactory

    referral = FamilyReferralFactory(draft=True)
    worker = member(UserFactory(), referral.referrer, Role.SCHOOL_STAFF)
    page = client_for(worker).get(reverse("referrals:edit", args=[referral.uuid]))
    assert page.status_code == 200 and 'value="6, 9"' in page.content.decode()
