"""Consent you can prove and withdraw (issue 15, point 1; R18): versioned consent texts,
the consent bound to the version in force, who may consent, and the withdrawal with all its
consequences (queue, proposals, duos, erasure date, mail, audit)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from buddywerk.access.models import Role
from buddywerk.common.models import AuditEvent
from buddywerk.mail.models import OutgoingMail
from buddywerk.matching import services as matching
from buddywerk.matching.enums import ProposalStatus
from buddywerk.referrals import consent_services as consent
from buddywerk.referrals import services
from buddywerk.referrals.models import ConsentText, ConsentWithdrawal, Referral, ReferralStatus
from buddywerk.trajectories.enums import CloseReason, TrajectoryStatus, WellbeingMoment
from tests.days import today
from tests.factories import (
    FamilyReferralFactory,
    ProgrammeFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    UserFactory,
    member,
)
from tests.matching.helpers import coordinator_of, fitting_buddy, queued_referral
from tests.referrals.test_services import pupil_data, referral_data
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return SchoolFactory()


@pytest.fixture
def staff(school):
    return member(UserFactory(), school, Role.SCHOOL_STAFF)


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def coordinator(programme):
    return coordinator_of(programme)


def _draft(staff, school, programme, **overrides):
    return services.pupil_referral_create(
        actor=staff,
        school=school,
        programme=programme,
        pupil_data=pupil_data(),
        referral_data=referral_data(**overrides),
    )


def _publish(coordinator, programme, text="Versie", **kwargs):
    kwargs.setdefault("pupil_may_consent", False)
    kwargs.setdefault("erasure_grace_days", 14)
    return consent.consent_text_publish(actor=coordinator, programme=programme, text=text, **kwargs)


# --- Versioned consent texts ---------------------------------------------------------------


def test_a_consent_is_bound_to_the_text_in_force_and_keeps_it(
    staff, school, programme, coordinator
):
    first = _draft(staff, school, programme)
    # A programme without its own text starts from the standard wording, stored as v1.
    assert first.consent_text.version == 1
    assert first.consent_text.text == consent.DEFAULT_CONSENT_TEXT
    assert first.consent_recorded_by == staff and first.consent_recorded_at is not None

    v2 = _publish(coordinator, programme, text="Nieuwe tekst")
    second = _draft(staff, school, programme)
    first.refresh_from_db()
    assert v2.version == 2 and second.consent_text == v2
    assert first.consent_text.version == 1  # an old consent keeps its text
    assert ConsentText.objects.get(pk=first.consent_text_id).text == consent.DEFAULT_CONSENT_TEXT
    assert AuditEvent.objects.filter(action="consent_text.publish").count() == 1


def test_changing_the_consent_on_a_draft_is_a_new_consent_on_todays_text(
    staff, school, programme, coordinator
):
    referral = _draft(staff, school, programme)
    _publish(coordinator, programme, text="Tweede")
    # Editing something else keeps the consent as it was given.
    services.referral_update(
        actor=staff,
        referral=referral,
        programme=programme,
        participant_data=pupil_data(),
        referral_data=referral_data(needs=["homework"]),
    )
    referral.refresh_from_db()
    assert referral.consent_text.version == 1
    services.referral_update(
        actor=staff,
        referral=referral,
        programme=programme,
        participant_data=pupil_data(),
        referral_data=referral_data(consent_method="digital"),
    )
    referral.refresh_from_db()
    assert referral.consent_text.version == 2


def test_publishing_is_for_the_programmes_coordinators_and_checks_its_input(
    programme, coordinator, staff
):
    with pytest.raises(PermissionDenied):
        _publish(staff, programme)
    with pytest.raises(PermissionDenied):
        _publish(coordinator_of(ProgrammeFactory()), programme)
    with pytest.raises(ValidationError) as error:
        _publish(coordinator, programme, text="  ", erasure_grace_days=91)
    assert "Schrijf de toestemmingstekst" in error.value.message_dict["text"][0]
    assert "0 tot 90" in error.value.message_dict["erasure_grace_days"][0]
    assert not ConsentText.objects.exists()
    assert [_publish(coordinator, programme).version for _ in range(2)] == [1, 2]


# --- Who may consent -----------------------------------------------------------------------


def test_submission_asks_who_gave_consent_and_how(staff, school, programme):
    referral = _draft(staff, school, programme, consent_giver="", consent_method="")
    with pytest.raises(ValidationError) as error:
        services.referral_submit(actor=staff, referral=referral)
    assert "Noteer wie" in error.value.message_dict["consent_giver"][0]
    assert "op papier of digitaal" in error.value.message_dict["consent_method"][0]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT


def test_a_pupil_consents_alone_only_from_13_and_where_the_programme_allows(
    staff, school, programme, coordinator
):
    with pytest.raises(ValidationError) as error:
        _draft(staff, school, programme, consent_giver="pupil")
    assert "ouder of voogd" in error.value.message_dict["consent_giver"][0]

    _publish(coordinator, programme, pupil_may_consent=True)
    # The pupil of pupil_data() is in the 6th year of primary: about 11.
    with pytest.raises(ValidationError) as error:
        _draft(staff, school, programme, consent_giver="pupil")
    assert "vanaf 13 jaar" in error.value.message_dict["consent_giver"][0]
    referral = _draft(staff, school, programme)
    pupil = referral.pupil
    # Certainly 13: born in year Y, consent in year Y + 14 (the last day kept out is Y + 13).
    referral.consent_given_on = dt.date(pupil.birth_year + 13, 12, 31)
    assert not consent.pupil_surely_old_enough(referral)
    referral.consent_given_on = dt.date(pupil.birth_year + 14, 1, 1)
    assert consent.pupil_surely_old_enough(referral)


def test_a_family_is_not_given_the_pupils_choice(programme):
    referral = ReferralFactory.build(programme=programme, consent_giver="pupil")
    referral.pupil = None
    referral.family_id = 1  # a family referral, as far as the check is concerned
    assert (
        "volwassene van het gezin"
        in consent.consent_check(referral, required=True)["consent_giver"][0]
    )


# --- Withdrawal ----------------------------------------------------------------------------


def _withdraw(actor, referral, **kwargs):
    kwargs.setdefault("withdrawn_by", "parent")
    kwargs.setdefault("method", "paper")
    return consent.consent_withdraw(actor=actor, referral=referral, **kwargs)


def test_withdrawal_takes_a_referral_out_of_the_queue_and_schedules_erasure(
    staff, school, programme, coordinator
):
    _publish(coordinator, programme, erasure_grace_days=14)
    referral = _draft(staff, school, programme)
    services.referral_submit(actor=staff, referral=referral)
    services.referral_accept(actor=coordinator, referral=referral)
    day = today()
    withdrawal = _withdraw(staff, referral, withdrawn_on=day, method="digital")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN
    step = referral.transitions.latest("id")
    assert step.transition == "withdraw" and step.reason == "Toestemming ingetrokken"
    assert withdrawal.erase_after == day + dt.timedelta(days=14)
    assert withdrawal.recorded_by == staff and withdrawal.withdrawn_by == "parent"
    event = AuditEvent.objects.get(action="consent.withdraw")
    assert (
        event.actor == staff and event.detail["erase_after"] == withdrawal.erase_after.isoformat()
    )
    mails = OutgoingMail.objects.filter(kind="referrals.consent_withdrawn")
    assert [m.to for m in mails] == [coordinator.email]
    assert referral.pupil.first_name not in mails[0].subject
    assert referral.pupil.first_name not in mails[0].body


def test_the_grace_period_is_that_of_the_text_the_consent_was_given_on(
    staff, school, programme, coordinator
):
    _publish(coordinator, programme, erasure_grace_days=10)
    referral = _draft(staff, school, programme)
    _publish(coordinator, programme, erasure_grace_days=60)
    withdrawal = _withdraw(staff, referral, withdrawn_on=today())
    assert withdrawal.erase_after == today() + dt.timedelta(days=10)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN  # a draft is withdrawn too


def test_withdrawal_withdraws_open_proposals_and_tells_the_buddy(programme, coordinator):
    referral = queued_referral(programme, pupil=PupilFactory(school=SchoolFactory()))
    buddy = fitting_buddy(programme, capacity=1)
    proposal = matching.proposal_create(actor=coordinator, referral=referral, buddy=buddy)
    _withdraw(coordinator, referral)
    proposal.refresh_from_db()
    referral.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    assert proposal.transitions.latest("id").actor is None
    assert referral.status == ReferralStatus.WITHDRAWN
    to = set(OutgoingMail.objects.filter(kind="matching.withdrawn").values_list("to", flat=True))
    assert to == {buddy.user.email, coordinator.email}


def test_withdrawal_closes_the_duo_without_a_final_score():
    duo = TrajectoryFactory()
    (referral,) = [p.referral for p in duo.participants.all()]
    staff = member(UserFactory(), referral.referrer, Role.SCHOOL_STAFF)
    _withdraw(staff, referral, withdrawn_on=today())
    duo.refresh_from_db()
    referral.refresh_from_db()
    assert duo.status == TrajectoryStatus.CLOSED
    assert duo.close_reason == CloseReason.CONSENT_WITHDRAWN
    assert duo.closed_on == today()
    # No end measurement is invented for a duo closed on a withdrawal.
    assert not duo.wellbeing_scores.filter(moment=WellbeingMoment.END).exists()
    assert referral.status == ReferralStatus.CLOSED
    mail = OutgoingMail.objects.get(kind="referrals.duo_consent_withdrawn")
    assert mail.to == duo.buddy.user.email
    assert referral.pupil.first_name not in mail.subject


def test_in_a_group_duo_only_the_withdrawn_pupil_leaves():
    duo = TrajectoryFactory(group=True)
    first, *others = [p.referral for p in duo.participants.all()]
    staff = member(UserFactory(), first.referrer, Role.SCHOOL_STAFF)
    _withdraw(staff, first)
    duo.refresh_from_db()
    assert duo.status == TrajectoryStatus.ACTIVE
    assert Referral.objects.get(pk=first.pk).status == ReferralStatus.CLOSED
    assert {Referral.objects.get(pk=r.pk).status for r in others} == {ReferralStatus.MATCHED}


def test_a_withdrawal_is_refused_when_it_cannot_hold_and_changes_nothing(
    staff, school, programme, coordinator
):
    referral = _draft(staff, school, programme)
    services.referral_submit(actor=staff, referral=referral)
    outsider = member(UserFactory(), SchoolFactory(), Role.SCHOOL_STAFF)
    with pytest.raises(PermissionDenied):
        _withdraw(outsider, referral)
    with pytest.raises(ValidationError) as error:
        _withdraw(staff, referral, withdrawn_on=today() + dt.timedelta(days=1), method="fax")
    assert "toekomst" in error.value.message_dict["withdrawn_on"][0]
    assert "lijst" in error.value.message_dict["method"][0]
    with pytest.raises(ValidationError) as error:
        _withdraw(staff, referral, withdrawn_on=referral.consent_given_on - dt.timedelta(days=1))
    assert "voor ze gegeven" in error.value.message_dict["withdrawn_on"][0]
    assert not ConsentWithdrawal.objects.exists()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    _withdraw(coordinator, referral)
    with pytest.raises(ValidationError, match="al ingetrokken"):
        _withdraw(staff, referral)
    assert ConsentWithdrawal.objects.count() == 1


# --- Pages ---------------------------------------------------------------------------------


def test_school_staff_record_a_withdrawal_and_the_referral_shows_it(
    client, staff, school, programme
):
    referral = _draft(staff, school, programme)
    services.referral_submit(actor=staff, referral=referral)
    client.force_login(staff)
    url = reverse("referrals:consent_withdraw", args=[referral.uuid])
    page = client.get(url).content.decode()
    assert "wachttijd" in page
    response = client.post(url, {"withdrawn_by": "parent", "method": "paper", "withdrawn_on": ""})
    assert response.status_code == 200  # the day is asked
    assert not ConsentWithdrawal.objects.exists()
    response = client.post(
        url, {"withdrawn_by": "parent", "method": "paper", "withdrawn_on": today().isoformat()}
    )
    assert response.status_code == 302
    page = client.get(reverse("referrals:detail", args=[referral.uuid])).content.decode()
    assert "De toestemming werd ingetrokken." in page
    assert "versie 1" in page
    # The address of the page names the referral, never the pupil.
    assert referral.pupil.first_name not in url


def test_a_coordinator_publishes_a_new_version_on_the_page(client, programme, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("referrals:consent_texts")).content.decode()
    assert programme.name in page
    url = reverse("referrals:consent_text_publish", args=[programme.uuid])
    response = client.post(url, {"text": "", "erasure_grace_days": "5"})
    assert (
        "Schrijf de toestemmingstekst" in response.content.decode() or response.status_code == 200
    )
    assert not ConsentText.objects.exists()
    response = client.post(
        url, {"text": "Onze tekst", "pupil_may_consent": "on", "erasure_grace_days": "5"}
    )
    assert response.status_code == 302
    text = ConsentText.objects.get()
    assert (text.version, text.pupil_may_consent, text.erasure_grace_days) == (1, True, 5)
    assert "Onze tekst" in client.get(reverse("referrals:consent_texts")).content.decode()


# --- Who may withdraw ---------------------------------------------------------------------


def _young_referral(school, programme):
    """A referral for a pupil in the 2nd year of primary school: about 7."""
    return ReferralFactory(programme=programme, pupil=PupilFactory(school=school, school_year=2))


@pytest.mark.parametrize(
    ("who", "says"),
    [
        ("family", "Voor een leerling trekt een ouder of voogd de toestemming in."),
        ("pupil", "In deze buddywerking trekt een ouder of voogd de toestemming in."),
    ],
)
def test_a_withdrawal_for_a_pupil_by_someone_who_could_not_consent_is_refused(
    staff, school, programme, who, says
):
    referral = _young_referral(school, programme)
    with pytest.raises(ValidationError) as error:
        _withdraw(staff, referral, withdrawn_by=who)
    assert error.value.message_dict["withdrawn_by"] == [says]
    assert not ConsentWithdrawal.objects.exists()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


def test_a_pupil_withdraws_alone_only_from_13_and_where_the_programme_allows(
    staff, school, programme, coordinator
):
    _publish(coordinator, programme, pupil_may_consent=True)
    young = _young_referral(school, programme)
    with pytest.raises(ValidationError) as error:
        _withdraw(staff, young, withdrawn_by="pupil")
    assert "vanaf 13 jaar" in error.value.message_dict["withdrawn_by"][0]
    assert consent.withdrawal_givers(young, on=today()) == ["parent", "guardian"]
    # 3rd year of secondary school: 14 in the year the school year began, so surely 13.
    older = ReferralFactory(programme=programme, pupil=PupilFactory(school=school, school_year=9))
    assert consent.withdrawal_givers(older, on=today()) == ["parent", "guardian", "pupil"]
    withdrawal = _withdraw(staff, older, withdrawn_by="pupil", withdrawn_on=today())
    assert withdrawal.withdrawn_by == "pupil"
    assert not ConsentWithdrawal.objects.filter(referral=young).exists()


def test_a_withdrawal_for_a_family_is_not_by_the_pupil():
    referral = FamilyReferralFactory()
    assert consent.withdrawal_givers(referral, on=today()) == ["parent", "guardian", "family"]
    with pytest.raises(ValidationError) as error:
        _withdraw(None, referral, withdrawn_by="pupil")
    assert error.value.message_dict["withdrawn_by"] == [
        "Voor een gezin trekt een volwassene van het gezin de toestemming in."
    ]
    assert not ConsentWithdrawal.objects.exists()
    assert _withdraw(None, referral, withdrawn_by="family").withdrawn_by == "family"


@pytest.mark.parametrize("who", ["family", "pupil"])
def test_the_withdrawal_page_offers_only_who_can_withdraw(client, staff, school, programme, who):
    referral = _young_referral(school, programme)
    client.force_login(staff)
    url = reverse("referrals:consent_withdraw", args=[referral.uuid])
    choices = client.get(url).context["form"].fields["withdrawn_by"].choices
    assert [value for value, _label in choices] == ["parent", "guardian"]
    response = client.post(
        url, {"withdrawn_by": who, "method": "paper", "withdrawn_on": today().isoformat()}
    )
    assert response.status_code == 200
    assert "withdrawn_by" in response.context["form"].errors
    assert not ConsentWithdrawal.objects.exists()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
