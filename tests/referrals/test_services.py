"""Referral services: drafts, consent before submission, programme coverage, bad input."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.common.models import AuditEvent
from buddywerk.geo.models import Municipality
from buddywerk.organisations.models import ParticipantKind
from buddywerk.referrals import services
from buddywerk.referrals.models import (
    Family,
    Pupil,
    Referral,
    ReferralStatus,
    school_year_start,
    usual_age,
)
from tests.factories import (
    FamilyReferralFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ReferralFactory,
    SchoolFactory,
    UserFactory,
    member,
    postcode,
)


def pupil_data(**overrides):
    data = {
        "first_name": "Amira",
        "last_name": "El Idrissi",
        "school_year": 6,
        "birth_year": school_year_start() - usual_age(6),
        "home_languages": ["ar", "nl"],
    }
    return {**data, **overrides}


def referral_data(**overrides):
    data = {
        "needs": ["maths"],
        "needs_note": "",
        "criteria": ["motivated"],
        "goals": [],
        "meeting_modes": ["school"],
        "time_slots": ["mon-pm"],
        "urgency": 2,
        "complexity": "normal",
        "consent_given_on": timezone.localdate(),
        "consent_given_by": "moeder",
        "consent_giver": "parent",
        "consent_method": "paper",
    }
    return {**data, **overrides}


@pytest.fixture
def school():
    return SchoolFactory()


@pytest.fixture
def staff(school):
    return member(UserFactory(), school, Role.SCHOOL_STAFF)


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.mark.django_db
def test_school_creates_and_submits_a_pupil_referral(school, staff, programme):
    referral = services.pupil_referral_create(
        actor=staff,
        school=school,
        programme=programme,
        pupil_data=pupil_data(),
        referral_data=referral_data(),
    )
    assert referral.status == ReferralStatus.DRAFT and referral.submitted_at is None
    services.referral_submit(actor=staff, referral=referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED and referral.submitted_at
    assert set(AuditEvent.objects.filter(actor=staff).values_list("action", flat=True)) >= {
        "pupil.create",
        "referral.create",
        "referral.submit",
    }
    assert referral.meeting_place.postcode == school.postcode.code
    assert referral.involves_minor and referral.contact_language == ""


@pytest.mark.django_db
def test_no_submission_without_consent(school, staff, programme):
    referral = services.pupil_referral_create(
        actor=staff,
        school=school,
        programme=programme,
        pupil_data=pupil_data(),
        referral_data=referral_data(consent_given_on=None, consent_given_by=""),
    )
    with pytest.raises(ValidationError) as error:
        services.referral_submit(actor=staff, referral=referral)
    assert "toestemming" in error.value.message_dict["consent_given_on"][0]
    assert "Noteer wie" in error.value.message_dict["consent_given_by"][0]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT and not referral.transitions.exists()


@pytest.mark.django_db
def test_consent_in_the_future_is_refused(school, staff, programme):
    referral = services.pupil_referral_create(
        actor=staff,
        school=school,
        programme=programme,
        pupil_data=pupil_data(),
        referral_data=referral_data(consent_given_on=timezone.localdate() + dt.timedelta(1)),
    )
    with pytest.raises(ValidationError) as error:
        services.referral_submit(actor=staff, referral=referral)
    assert "toekomst" in error.value.message_dict["consent_given_on"][0]


@pytest.mark.django_db
def test_the_database_refuses_a_submitted_referral_without_consent():
    from django.db import IntegrityError, transaction

    referral = ReferralFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(consent_given_on=None)


@pytest.mark.django_db
def test_programme_must_cover_the_schools_municipality(school, staff):
    gent = ProgrammeFactory(municipalities=Municipality.objects.filter(nis_code="44021"))
    with pytest.raises(ValidationError) as error:
        services.pupil_referral_create(
            actor=staff,
            school=school,
            programme=gent,
            pupil_data=pupil_data(),
            referral_data=referral_data(),
        )
    assert "werkt niet in de gemeente van de school" in error.value.message_dict["programme"][0]
    assert not Pupil.objects.exists() and not Referral.objects.exists()
    assert gent not in services.programmes_for_pupils(school=school)


@pytest.mark.django_db
def test_only_programmes_that_take_pupils_and_referrals_are_offered(school):
    open_programme = ProgrammeFactory()
    ProgrammeFactory(accepts_referrals=False)
    ProgrammeFactory(participant_kind=ParticipantKind.FAMILIES)
    assert list(services.programmes_for_pupils(school=school)) == [open_programme]


@pytest.mark.django_db
def test_programme_that_stopped_taking_referrals_refuses_submission(school, staff, programme):
    referral = services.pupil_referral_create(
        actor=staff,
        school=school,
        programme=programme,
        pupil_data=pupil_data(),
        referral_data=referral_data(),
    )
    programme.accepts_referrals = False
    programme.save()
    with pytest.raises(ValidationError) as error:
        services.referral_submit(actor=staff, referral=referral)
    assert "geen nieuwe aanmeldingen" in error.value.message_dict["programme"][0]


@pytest.mark.django_db
def test_programme_target_school_years_are_respected(school, staff):
    programme = ProgrammeFactory(target_school_years=[1, 7])
    with pytest.raises(ValidationError) as error:
        services.pupil_referral_create(
            actor=staff,
            school=school,
            programme=programme,
            pupil_data=pupil_data(),
            referral_data=referral_data(),
        )
    assert "6de leerjaar" in error.value.message_dict["programme"][0] or error.value.message_dict[
        "programme"
    ][0].startswith("Deze buddywerking neemt geen leerlingen")


@pytest.mark.django_db
def test_a_birth_year_that_makes_the_pupil_40_is_refused_in_dutch(school, staff, programme):
    with pytest.raises(ValidationError) as error:
        services.pupil_referral_create(
            actor=staff,
            school=school,
            programme=programme,
            pupil_data=pupil_data(birth_year=school_year_start() - 40),
            referral_data=referral_data(),
        )
    message = error.value.message_dict["birth_year"][0]
    assert "ongeveer 40 jaar" in message and "geboortejaar tussen" in message
    assert not Pupil.objects.exists() and not Referral.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("year", "age", "ok"), [(1, 6, True), (1, 3, False), (12, 17, True)])
def test_birth_year_band(school, staff, programme, year, age, ok):
    programme.target_school_years = []
    programme.save()
    call = lambda: services.pupil_referral_create(  # noqa: E731
        actor=staff,
        school=school,
        programme=programme,
        pupil_data=pupil_data(school_year=year, birth_year=school_year_start() - age),
        referral_data=referral_data(),
    )
    if ok:
        call()
    else:
        with pytest.raises(ValidationError):
            call()


@pytest.mark.django_db
def test_too_long_fields_and_unknown_codes_are_refused(school, staff, programme):
    with pytest.raises(ValidationError) as error:
        services.pupil_referral_create(
            actor=staff,
            school=school,
            programme=programme,
            pupil_data=pupil_data(first_name="A" * 81),
            referral_data=referral_data(needs=["flying"], needs_note="x" * 2001),
        )
    assert "first_name" in error.value.message_dict
    assert not Pupil.objects.exists()
    pupil_ok = pupil_data()
    with pytest.raises(ValidationError) as error:
        services.pupil_referral_create(
            actor=staff,
            school=school,
            programme=programme,
            pupil_data=pupil_ok,
            referral_data=referral_data(needs=["flying"], needs_note="x" * 2001),
        )
    assert {"needs", "needs_note"} <= set(error.value.message_dict)
    assert not Referral.objects.exists() and not Pupil.objects.exists()


@pytest.mark.django_db
def test_staff_of_another_school_cannot_create_for_this_school(school, programme):
    outsider = member(UserFactory(), SchoolFactory(), Role.SCHOOL_STAFF)
    with pytest.raises(PermissionDenied):
        services.pupil_referral_create(
            actor=outsider,
            school=school,
            programme=programme,
            pupil_data=pupil_data(),
            referral_data=referral_data(),
        )


@pytest.mark.django_db
def test_service_refers_a_family_and_it_meets_near_home():
    service = OrganisationFactory()
    worker = member(UserFactory(), service, Role.SERVICE_STAFF)
    programme = ProgrammeFactory(
        participant_kind=ParticipantKind.FAMILIES,
        municipalities=Municipality.objects.filter(nis_code="44021"),
    )
    referral = services.family_referral_create(
        actor=worker,
        referrer=service,
        programme=programme,
        family_data={
            "contact_name": "Familie Haddad",
            "household_size": 5,
            "children_ages": [4, 9, 12],
            "languages": ["ar"],
            "contact_language": "ar",
            "postcode": postcode("9000"),
        },
        referral_data=referral_data(criteria=[], goals=["network"], meeting_modes=["home"]),
    )
    services.referral_submit(actor=worker, referral=referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.meeting_place.postcode == "9000"
    assert referral.contact_language == "ar" and referral.involves_minor


@pytest.mark.django_db
def test_family_household_must_be_larger_than_the_children():
    service = OrganisationFactory()
    programme = ProgrammeFactory(
        participant_kind=ParticipantKind.FAMILIES,
        municipalities=Municipality.objects.filter(nis_code="44021"),
    )
    with pytest.raises(ValidationError) as error:
        services.family_referral_create(
            actor=None,
            referrer=service,
            programme=programme,
            family_data={
                "contact_name": "Familie X",
                "household_size": 2,
                "children_ages": [4, 40],
                "languages": ["ar"],
                "contact_language": "",
                "postcode": postcode("9000"),
            },
            referral_data=referral_data(goals=["network"]),
        )
    assert "children_ages" in error.value.message_dict
    assert not Family.objects.exists()


@pytest.mark.django_db
def test_family_referral_to_a_programme_elsewhere_is_refused():
    referral = FamilyReferralFactory(draft=True)
    mechelen = ProgrammeFactory(participant_kind=ParticipantKind.FAMILIES)
    with pytest.raises(ValidationError) as error:
        services.referral_update(
            actor=None,
            referral=referral,
            programme=mechelen,
            participant_data={},
            referral_data={},
        )
    assert "gemeente van het gezin" in error.value.message_dict["programme"][0]


@pytest.mark.django_db
def test_only_a_draft_can_be_updated():
    referral = ReferralFactory()
    with pytest.raises(ValidationError):
        services.referral_update(
            actor=None,
            referral=referral,
            programme=referral.programme,
            participant_data={"first_name": "Ander"},
            referral_data={},
        )
    referral.pupil.refresh_from_db()
    assert referral.pupil.first_name != "Ander"
