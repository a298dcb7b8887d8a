"""One open referral per pupil (or family) and programme: a second one is refused when it
is started, changed to that programme or sent, and the database holds the line for what
the programme sees."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from buddywerk.access.models import Role
from buddywerk.referrals import services
from buddywerk.referrals.models import Pupil, Referral, ReferralStatus
from tests.factories import (
    FamilyReferralFactory,
    ProgrammeFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    UserFactory,
    member,
)
from tests.referrals.test_services import pupil_data, referral_data
from tests.referrals.test_views import pupil_form

pytestmark = pytest.mark.django_db

ALREADY = "al aangemeld bij deze buddywerking"
OPEN = ["draft", "submitted", "waiting", "accepted", "matched"]


@pytest.fixture
def school():
    return SchoolFactory()


@pytest.fixture
def staff(school):
    return member(UserFactory(), school, Role.SCHOOL_STAFF)


@pytest.fixture
def programme():
    return ProgrammeFactory()


def _refer_again(staff, pupil, programme, **overrides):
    return services.pupil_referral_create(
        actor=staff,
        school=pupil.school,
        programme=programme,
        pupil=pupil,
        pupil_data=pupil_data(
            school_year=pupil.school_year, birth_year=pupil.birth_year, **overrides
        ),
        referral_data=referral_data(),
    )


@pytest.mark.parametrize("status", OPEN)
def test_a_pupil_with_an_open_referral_is_not_referred_to_that_programme_again(
    staff, school, programme, status
):
    pupil = PupilFactory(school=school, first_name="Oud")
    first = ReferralFactory(programme=programme, pupil=pupil, status=status)
    with pytest.raises(ValidationError) as error:
        _refer_again(staff, pupil, programme, first_name="Nieuw")
    assert ALREADY in error.value.message_dict["programme"][0]
    assert list(Referral.objects.values_list("pk", flat=True)) == [first.pk]
    pupil.refresh_from_db()
    assert pupil.first_name == "Oud"


@pytest.mark.parametrize("status", ["closed", "withdrawn", "declined"])
def test_a_pupil_is_referred_again_once_the_first_referral_ended(staff, school, programme, status):
    pupil = PupilFactory(school=school)
    ReferralFactory(
        programme=programme,
        pupil=pupil,
        status="matched" if status == "closed" else status,
    )
    if status == "closed":
        services.referral_close(actor=None, referral=Referral.objects.get())
    again = _refer_again(staff, pupil, programme)
    services.referral_submit(actor=staff, referral=again)
    again.refresh_from_db()
    assert again.status == ReferralStatus.SUBMITTED


def test_the_same_pupil_may_be_referred_to_another_programme(staff, school, programme):
    pupil = PupilFactory(school=school)
    ReferralFactory(programme=programme, pupil=pupil)
    other = _refer_again(staff, pupil, ProgrammeFactory())
    assert other.status == ReferralStatus.DRAFT


def test_a_draft_is_not_moved_to_a_programme_where_the_pupil_is_referred(staff, school, programme):
    pupil = PupilFactory(school=school)
    ReferralFactory(programme=programme, pupil=pupil)
    draft = _refer_again(staff, pupil, ProgrammeFactory())
    elsewhere = draft.programme_id
    with pytest.raises(ValidationError) as error:
        services.referral_update(
            actor=staff,
            referral=draft,
            programme=programme,
            participant_data={},
            referral_data={},
        )
    assert ALREADY in error.value.message_dict["programme"][0]
    draft.refresh_from_db()
    assert draft.programme_id == elsewhere


def test_of_two_drafts_only_the_first_is_sent(staff, school, programme):
    """Two colleagues started a draft at the same moment: the second is refused at sending."""
    pupil = PupilFactory(school=school)
    first = ReferralFactory(programme=programme, pupil=pupil, draft=True)
    second = ReferralFactory(programme=programme, pupil=pupil, draft=True)
    services.referral_submit(actor=staff, referral=first)
    with pytest.raises(ValidationError) as error:
        services.referral_submit(actor=staff, referral=second)
    assert ALREADY in error.value.message_dict["programme"][0]
    second.refresh_from_db()
    assert second.status == ReferralStatus.DRAFT and not second.transitions.exists()


def test_a_family_with_an_open_referral_is_not_sent_to_that_programme_again():
    first = FamilyReferralFactory(draft=True)
    second = FamilyReferralFactory(draft=True, programme=first.programme, family=first.family)
    worker = member(UserFactory(), first.referrer, Role.SERVICE_STAFF)
    services.referral_submit(actor=worker, referral=first)
    with pytest.raises(ValidationError) as error:
        services.referral_submit(actor=worker, referral=second)
    assert "Dit gezin is al aangemeld bij deze buddywerking." in error.value.messages
    second.refresh_from_db()
    assert second.status == ReferralStatus.DRAFT


@pytest.mark.parametrize("kind", ["pupil", "family"])
def test_the_database_refuses_a_second_sent_referral(kind):
    factory = ReferralFactory if kind == "pupil" else FamilyReferralFactory
    first = factory()
    second = factory(draft=True, programme=first.programme, **{kind: getattr(first, kind)})
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=second.pk).update(
            status=ReferralStatus.SUBMITTED, submitted_at=first.submitted_at
        )


# --- Pages ---------------------------------------------------------------------------------


def test_the_form_stops_a_second_referral_and_links_the_open_one(client, staff, school, programme):
    pupil = PupilFactory(school=school, first_name="Oud")
    first = ReferralFactory(programme=programme, pupil=pupil, status="accepted")
    client.force_login(staff)
    url = reverse("referrals:create_pupil") + f"?pupil={pupil.uuid}"
    data = pupil_form(
        programme,
        pupil=str(pupil.uuid),
        first_name="Nieuw",
        last_name=pupil.last_name,
        birth_year=str(pupil.birth_year),
        school_year=str(pupil.school_year),
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert ALREADY in str(response.context["form"].errors["programme"])
    assert Referral.objects.count() == 1
    assert Pupil.objects.get().first_name == "Oud"
    page = response.content.decode()
    assert reverse("referrals:detail", args=[first.uuid]) in page
    # Nothing reached the programme's queue twice.
    assert list(Referral.objects.filter(programme=programme).values_list("pk", flat=True)) == [
        first.pk
    ]
