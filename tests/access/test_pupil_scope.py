"""Out-of-scope personal data answers 404, not 403, and never shows the name
(issue 2, points 4 and "Bad input")."""

import uuid

import pytest
from django.test import Client

from buddywerk.access.models import Role
from tests.common.auth import main_text, organisation_for
from tests.factories import (
    ProgrammeFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    UserFactory,
    member,
)

NOT_FOUND_NL = "We vinden deze pagina niet"


@pytest.fixture
def two_schools():
    school, other_school = SchoolFactory(name="School A"), SchoolFactory(name="School B")
    staff = member(UserFactory(email="staff@example.org"), school, Role.SCHOOL_STAFF)
    own = PupilFactory(school=school, first_name="Amira", last_name="Eigen")
    other = PupilFactory(school=other_school, first_name="Zeynep", last_name="Vreemd")
    return staff, own, other


def _assert_not_found_without_name(response, pupil) -> None:
    assert response.status_code == 404
    html = response.content.decode()
    assert NOT_FOUND_NL in main_text(response)
    assert pupil.first_name not in html
    assert pupil.last_name not in html
    assert pupil.school.name not in html


@pytest.mark.django_db
def test_another_schools_pupil_is_404_not_403(two_schools):
    staff, own, other = two_schools
    client = Client()
    client.force_login(staff)
    assert client.get(f"/pupils/{own.uuid}/").status_code == 200
    _assert_not_found_without_name(client.get(f"/pupils/{other.uuid}/"), other)


@pytest.mark.django_db
def test_a_forged_uuid_is_404(two_schools):
    staff, _own, _other = two_schools
    client = Client()
    client.force_login(staff)
    response = client.get(f"/pupils/{uuid.uuid4()}/")
    assert response.status_code == 404
    assert NOT_FOUND_NL in main_text(response)
    # Not even a UUID: the URL does not resolve, same Dutch 404.
    for path in ["/pupils/not-a-uuid/", "/pupils/1/", "/pupils/%27%20OR%201=1/"]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert NOT_FOUND_NL in main_text(response)


@pytest.mark.django_db
def test_a_coordinator_sees_only_pupils_referred_to_their_programme(two_schools):
    _staff, own, other = two_schools
    programme = ProgrammeFactory()
    ReferralFactory(programme=programme, pupil=own)
    ReferralFactory(programme=ProgrammeFactory(), pupil=other)
    ReferralFactory(programme=programme, pupil=PupilFactory(), draft=True)
    coordinator = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)
    client = Client()
    client.force_login(coordinator)
    assert client.get(f"/pupils/{own.uuid}/").status_code == 200
    _assert_not_found_without_name(client.get(f"/pupils/{other.uuid}/"), other)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.BUDDY, Role.REGIONAL_COORDINATOR, Role.FUNDER])
def test_roles_without_pupils_get_404_on_a_pupil(two_schools, role):
    _staff, own, _other = two_schools
    user = member(UserFactory(), organisation_for(role), role)
    client = Client()
    client.force_login(user)
    _assert_not_found_without_name(client.get(f"/pupils/{own.uuid}/"), own)
