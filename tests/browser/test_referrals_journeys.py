"""Journeys in real Chromium: school staff refer a pupil (and the programme accepts it);
a service refers a family. Every page visited is scanned with axe-core (conftest)."""

from dataclasses import dataclass

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from buddywerk.access.models import Role, User
from buddywerk.geo.models import Municipality
from buddywerk.organisations.models import OrganisationKind, ParticipantKind
from buddywerk.referrals.models import Referral, ReferralStatus, school_year_start
from tests.factories import (
    TEST_TOTP_SECRET,
    OrganisationFactory,
    ProgrammeFactory,
    SchoolFactory,
    UserFactory,
    member,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass
class ReferralWorld:
    staff: User
    coordinator: User
    service_worker: User


@pytest.fixture
def referral_world(transactional_db: None) -> ReferralWorld:
    school = SchoolFactory(name="Basisschool De Linde")
    programme = ProgrammeFactory(name="Buddy Mechelen")
    ProgrammeFactory(
        name="Buddy Gent", municipalities=Municipality.objects.filter(nis_code="44021")
    )
    ProgrammeFactory(
        name="Gezinsbuddy Gent",
        participant_kind=ParticipantKind.FAMILIES,
        municipalities=Municipality.objects.filter(nis_code="44021"),
    )
    service = OrganisationFactory(name="Onthaalbureau Gent", kind=OrganisationKind.SERVICE)
    return ReferralWorld(
        staff=member(UserFactory(email="zorg@example.org"), school, Role.SCHOOL_STAFF),
        coordinator=member(
            UserFactory(email="coordinator@example.org"), programme, Role.PROGRAMME_COORDINATOR
        ),
        service_worker=member(
            UserFactory(email="onthaal@example.org"), service, Role.SERVICE_STAFF
        ),
    )


def _fill_when_and_consent(page, *, mode: str, slots: list[str]) -> None:
    page.locator(f"input[name=meeting_modes][value={mode}]").check()
    for slot in slots:
        page.locator(f"input[name=time_slots][value={slot}]").check()
    page.locator("input[name=consent_given_on]").fill(timezone.localdate().isoformat())
    page.locator("input[name=consent_given_by]").fill("moeder")
    page.locator("input[name=consent_giver][value=parent]").check()
    page.locator("input[name=consent_method][value=paper]").check()


def test_school_staff_refer_a_pupil_and_the_programme_accepts(journey, new_journey, referral_world):
    journey.login(referral_world.staff, totp_secret=TEST_TOTP_SECRET)
    page = journey.page
    page.get_by_role("link", name="Aanmeldingen").first.click()
    journey.check()
    page.get_by_role("link", name="Een leerling aanmelden").click()
    journey.check()
    # Only the programme working in the school's municipality is offered.
    options = page.locator("select[name=programme] option").all_inner_texts()
    assert options == ["Buddy Mechelen"]

    page.locator("input[name=first_name]").fill("Amira")
    page.locator("input[name=last_name]").fill("El Idrissi")
    page.locator("select[name=school_year]").select_option("6")
    page.locator("input[name=birth_year]").fill(str(school_year_start() - 40))
    page.locator("input[name=home_languages][value=ar]").check()
    page.locator("input[name=needs][value=maths]").check()
    page.locator("input[name=criteria][value=motivated]").check()
    page.locator("input[name=criteria][value=language]").check()
    _fill_when_and_consent(page, mode="school", slots=["mon-pm", "thu-pm"])
    page.get_by_role("button", name="Concept bewaren").click()
    page.wait_for_load_state()
    # A birth year that makes the pupil 40: a clear Dutch message, nothing saved.
    # Issue 16, point 5: the form's school ages answer before the school-year rule.
    expect(page.locator("#id_birth_year_error")).to_contain_text("geef een geboortejaar van")
    journey.check()
    assert not Referral.objects.exists()

    page.locator("input[name=birth_year]").fill(str(school_year_start() - 11))
    page.get_by_role("button", name="Concept bewaren").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amira El Idrissi")
    expect(page.locator(".bw-status")).to_have_text("Concept")
    journey.check()
    assert "Amira" not in page.url

    page.get_by_role("link", name="Versturen naar de buddywerking").click()
    journey.check()
    page.get_by_role("button", name="Versturen naar de buddywerking").click()
    page.wait_for_load_state()
    expect(page.locator(".bw-status")).to_have_text("Verstuurd")
    journey.check()
    page.get_by_role("link", name="Aanmeldingen").first.click()
    expect(page.locator("table")).to_contain_text("Amira El Idrissi")
    expect(page.locator("table .bw-status")).to_have_text("Verstuurd")
    journey.check()

    # The programme finds it in its queue and accepts it.
    programme = new_journey()
    programme.login(referral_world.coordinator, totp_secret=TEST_TOTP_SECRET)
    cpage = programme.page
    cpage.get_by_role("link", name="Wachtrij van aanmeldingen").click()
    programme.check()
    cpage.get_by_role("link", name="Amira El Idrissi").click()
    programme.check()
    cpage.get_by_role("link", name="Beslissen").click()
    programme.check()
    # One form per decision, each with its own button (and endpoint).
    cpage.get_by_role("button", name="Aanvaarden: een buddy zoeken").click()
    cpage.wait_for_load_state()
    programme.check()
    expect(cpage.locator("table .bw-status")).to_have_text("Aanvaard")
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.ACCEPTED
    assert [t.to_status for t in referral.transitions.all()] == ["submitted", "accepted"]


def test_a_service_refers_a_family(journey, referral_world):
    journey.login(referral_world.service_worker, totp_secret=TEST_TOTP_SECRET)
    page = journey.page
    page.get_by_role("link", name="Aanmeldingen").first.click()
    journey.check()
    # A service refers families, never pupils (R4).
    expect(page.get_by_role("link", name="Een leerling aanmelden")).to_have_count(0)
    page.get_by_role("link", name="Een gezin aanmelden").click()
    journey.check()
    page.locator("input[name=contact_name]").fill("Familie Haddad")
    page.locator("input[name=household_size]").fill("5")
    page.locator("input[name=children_ages]").fill("4, 9, 12")
    page.locator("input[name=postcode]").fill("9000")
    page.locator("input[name=languages][value=ar]").check()
    page.locator("select[name=contact_language]").select_option("ar")
    page.locator("select[name=programme]").select_option(label="Gezinsbuddy Gent")
    page.locator("input[name=goals][value=network]").check()
    page.locator("input[name=goals][value=dutch_practice]").check()
    _fill_when_and_consent(page, mode="home", slots=["wed-after"])
    page.get_by_role("button", name="Concept bewaren").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Familie Haddad")
    journey.check()
    page.get_by_role("link", name="Versturen naar de buddywerking").click()
    journey.check()
    page.get_by_role("button", name="Versturen naar de buddywerking").click()
    page.wait_for_load_state()
    expect(page.locator(".bw-status")).to_have_text("Verstuurd")
    journey.check()
    referral = Referral.objects.get()
    assert referral.family.children_ages == [4, 9, 12]
    assert referral.meeting_place.postcode == "9000"


def test_a_care_coordinator_records_a_withdrawal_of_consent(journey, referral_world):
    """Issue 15, point 1: the school's care coordinator records that the parents withdrew
    consent; the referral leaves the queue and shows the withdrawal and its erasure date."""
    from buddywerk.organisations.models import Programme, School
    from buddywerk.referrals.models import ConsentWithdrawal
    from tests.factories import PupilFactory, ReferralFactory

    school = School.objects.get(name="Basisschool De Linde")
    referral = ReferralFactory(
        programme=Programme.objects.get(name="Buddy Mechelen"),
        pupil=PupilFactory(school=school, first_name="Sara", last_name="Wouters"),
    )
    journey.login(referral_world.staff, totp_secret=TEST_TOTP_SECRET)
    page = journey.page
    page.get_by_role("link", name="Aanmeldingen").first.click()
    page.get_by_role("link", name="Sara Wouters").click()
    journey.check()
    page.get_by_role("link", name="Intrekken van toestemming noteren").click()
    journey.check()
    page.get_by_role("button", name="Intrekken noteren").click()
    page.wait_for_load_state()
    journey.check()  # the errors are shown accessibly; nothing was recorded
    assert not ConsentWithdrawal.objects.exists()
    page.get_by_label("Een ouder").check()
    page.get_by_label("Op een ondertekend papieren formulier", exact=False).check()
    page.locator("input[name=withdrawn_on]").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Intrekken noteren").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status").first).to_contain_text("is genoteerd")
    expect(page.locator(".alert-warning")).to_contain_text("De toestemming werd ingetrokken.")
    expect(page.locator(".bw-status").first).to_have_text("Ingetrokken")
    journey.check()
    assert "Sara" not in page.url
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN
    assert referral.consent_withdrawal.recorded_by == referral_world.staff
