"""Issue 16, point 5: no consent date before the pupil's birth. The consent check of
every draft and submission refuses it, whatever door the data came through."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from buddywerk.referrals import services
from buddywerk.referrals.models import Referral
from tests.referrals.test_services import (  # noqa: F401 - the fixtures
    programme,
    pupil_data,
    referral_data,
    school,
    staff,
)

pytestmark = pytest.mark.django_db


def test_a_consent_date_before_the_pupils_birth_is_refused(school, staff, programme):  # noqa: F811
    born = pupil_data()["birth_year"]
    with pytest.raises(ValidationError) as error:
        services.pupil_referral_create(
            actor=staff,
            school=school,
            programme=programme,
            pupil_data=pupil_data(),
            referral_data=referral_data(consent_given_on=dt.date(born - 1, 12, 31)),
        )
    assert f"voor de leerling geboren is (in {born})" in " ".join(
        error.value.message_dict["consent_given_on"]
    )
    assert not Referral.objects.exists()
    services.pupil_referral_create(
        actor=staff,
        school=school,
        programme=programme,
        pupil_data=pupil_data(),
        referral_data=referral_data(),
    )
    assert Referral.objects.count() == 1
