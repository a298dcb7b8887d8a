"""Issue 21, point 1: a referral records the pupil's study track and, for a mentor
programme, the dream (goal, sector, talents) and the experience asked of a role model:
only what the programme asks for, each field saying why, refused elsewhere."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from buddywerk.access.models import Role
from buddywerk.matching.models import ProgrammeMatchingSettings
from buddywerk.referrals import services
from buddywerk.referrals.models import Referral, school_year_start, usual_age
from tests.factories import (
    ProgrammeFactory,
    SchoolFactory,
    UserFactory,
    member,
)
from tests.referrals.test_services import pupil_data, referral_data
from tests.referrals.test_views import pupil_form

DREAM = {
    "study_track": "bso",
    "dream_goal": "Ik wil elektricien worden en later mijn eigen zaak.",
    "dream_sector": "construction",
    "talents": "Handig, sleutelt graag aan fietsen.",
    "role_model_tags": ["van richting veranderd"],
}


@pytest.fixture
def school():
    return SchoolFactory()


@pytest.fixture
def staff(school):
    return member(UserFactory(), school, Role.SCHOOL_STAFF)


@pytest.fixture
def plain():
    return ProgrammeFactory(name="Buddy Mechelen")


@pytest.fixture
def mentoring():
    programme = ProgrammeFactory(name="Mentor Mechelen")
    ProgrammeMatchingSettings.objects.create(
        programme=programme,
        asks_study_track=True,
        asks_dream=True,
        path_tags=["van richting veranderd", "eerste in de familie in het hoger onderwijs"],
    )
    return programme


def create(staff, school, programme, **fields):
    return services.pupil_referral_create(
        actor=staff,
        school=school,
        programme=programme,
        pupil_data=pupil_data(school_year=9, birth_year=school_year_start() - usual_age(9)),
        referral_data=referral_data(**fields),
    )


@pytest.mark.django_db
def test_a_mentor_programme_records_the_track_and_the_dream(staff, school, mentoring):
    referral = create(staff, school, mentoring, **DREAM)
    referral.refresh_from_db()
    assert referral.study_track == "bso"
    assert referral.get_study_track_display() == "bso (beroepssecundair onderwijs)"
    assert referral.dream_goal.startswith("Ik wil elektricien")
    assert referral.dream_sector == "construction"
    assert referral.role_model_tags == ["van richting veranderd"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("study_track", "aso"),
        ("dream_goal", "Verpleegkundige worden"),
        ("dream_sector", "care"),
        ("talents", "Zorgzaam"),
        ("role_model_tags", ["van richting veranderd"]),
    ],
)
def test_a_programme_that_does_not_ask_refuses_the_field_and_stores_nothing(
    staff, school, plain, field, value
):
    with pytest.raises(ValidationError) as error:
        create(staff, school, plain, **{field: value})
    assert field in error.value.message_dict
    assert "vraagt" in " ".join(error.value.message_dict[field])
    assert not Referral.objects.exists() or not Referral.objects.filter(programme=plain).exists()


@pytest.mark.django_db
def test_only_the_programmes_own_path_tags_and_sectors_from_the_list(staff, school, mentoring):
    with pytest.raises(ValidationError) as error:
        create(staff, school, mentoring, role_model_tags=["allochtoon"])
    assert error.value.message_dict["role_model_tags"] == ["Kies uit de lijst van het programma."]
    with pytest.raises(ValidationError) as error:
        create(staff, school, mentoring, dream_sector="astronaut")
    assert "dream_sector" in error.value.message_dict
    with pytest.raises(ValidationError):
        create(staff, school, mentoring, dream_goal="x" * 501)
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_family_referral_never_holds_a_dream(mentoring):
    # a referral without a pupil is a family's
    referral = Referral(programme=mentoring, dream_goal="Een eigen zaak", study_track="aso")
    with pytest.raises(ValidationError) as error:
        services.asked_fields_check(programme=mentoring, referral=referral)
    assert set(error.value.message_dict) == {"dream_goal", "study_track"}


@pytest.mark.django_db
def test_the_form_shows_only_what_a_programme_asks_and_says_why(staff, school, plain):
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("referrals:create_pupil")).content.decode()
    assert 'name="study_track"' not in page and 'name="dream_goal"' not in page
    mentoring = ProgrammeFactory(name="Mentor Mechelen")
    ProgrammeMatchingSettings.objects.create(programme=mentoring, asks_dream=True)
    page = client.get(reverse("referrals:create_pupil")).content.decode()
    assert 'name="dream_goal"' in page and 'name="dream_sector"' in page
    assert 'name="study_track"' not in page and 'name="role_model_tags"' not in page
    assert "We zoeken een mentor" in page or "mentor te vinden die in die sector werkt" in page
    assert "Alleen voor: Mentor Mechelen." in page
    response = client.post(
        reverse("referrals:create_pupil"),
        pupil_form(
            mentoring,
            school_year="9",
            birth_year=str(school_year_start() - usual_age(9)),
            dream_goal="Verpleegkundige worden",
            dream_sector="care",
        ),
    )
    referral = Referral.objects.get(programme=mentoring)
    assert response.status_code == 302
    assert (referral.dream_goal, referral.dream_sector) == ("Verpleegkundige worden", "care")
    detail = client.get(reverse("referrals:detail", args=[referral.uuid])).content.decode()
    assert "Verpleegkundige worden" in detail and "Zorg en welzijn" in detail
