"""Journeys in real Chromium (issue 3): a volunteer finds a programme from their postcode
and registers as a buddy through every step; the programme's coordinator screens them
(sees the required module still to do, records the extract, approves). Every page
visited is scanned with axe-core (conftest)."""

import re
from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from buddywerk.access.models import Role, User
from buddywerk.buddies.models import Buddy, ScreeningStatus
from buddywerk.learning.models import RequiredModule
from buddywerk.organisations.models import Programme
from tests.buddies.factories import institution
from tests.factories import TEST_TOTP_SECRET, ProgrammeFactory, UserFactory, member
from tests.learning.factories import ModuleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass
class IntakeWorld:
    programme: Programme
    coordinator: User
    institution_id: int


@pytest.fixture
def intake_world(transactional_db: None) -> IntakeWorld:
    programme = ProgrammeFactory(name="Buddy Mechelen")
    ProgrammeFactory(name="Buddy Elders", accepts_buddies=False)
    school_of_teachers = institution("Thomas More")
    RequiredModule.objects.create(
        programme=programme, module=ModuleFactory(title="Een warme band opbouwen")
    )
    coordinator = member(
        UserFactory(email="coordinator@example.org"),
        programme,
        Role.PROGRAMME_COORDINATOR,
        is_lead=True,
    )
    return IntakeWorld(
        programme=programme, coordinator=coordinator, institution_id=school_of_teachers.pk
    )


def _next(page) -> None:
    page.locator("form.bw-form button[type=submit]").click()
    page.wait_for_load_state()


def test_a_volunteer_finds_a_programme_registers_and_is_approved(
    journey, new_journey, intake_world, django_capture_on_commit_callbacks
):
    page = journey.page
    # The volunteer's direction of the finder: a postcode, the programmes to join.
    journey.visit("/programmes/join/")
    page.locator("input[name=q]").fill("2800")
    page.locator("form.bw-finder-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page).to_have_url(
        journey.url("/programmes/join/?q=2800") + "&km=&kind=&participants=&mode="
    )
    journey.check()
    expect(page.get_by_role("heading", name="Buddy Mechelen")).to_be_visible()
    page.get_by_role("link", name="Buddy Mechelen", exact=True).click()
    page.wait_for_load_state()
    journey.check()
    page.locator("#register-buddy a.btn-primary").click()
    page.wait_for_load_state()

    # Step 1: who (a volunteer student in teacher training).
    expect(page).to_have_url(journey.url("/buddies/register/1/"))
    journey.check()
    page.locator("input[name=kind][value=student]").check()
    page.locator("select[name=training_institution]").select_option(
        str(intake_world.institution_id)
    )
    page.locator("select[name=field_of_study]").select_option("teacher_training")
    page.locator("input[name=on_internship][value=no]").check()
    _next(page)
    # Step 2: the declaration on honour; without it the step does not go on.
    expect(page).to_have_url(journey.url("/buddies/register/2/"))
    journey.check()
    expect(page.locator("form.bw-form")).to_contain_text("model 2")
    _next(page)
    expect(page).to_have_url(journey.url("/buddies/register/2/"))
    expect(page.locator("form.bw-form .errorlist").first).to_be_visible()
    journey.check()
    page.locator("input[name=accept]").check()
    _next(page)
    # Step 3: what they offer.
    expect(page).to_have_url(journey.url("/buddies/register/3/"))
    journey.check()
    page.locator("input[name=languages][value=nl]").check()
    page.locator("input[name=languages][value=ar]").check()
    page.locator("input[name=competences][value=maths]").check()
    page.locator("input[name=school_levels][value=primary]").check()
    page.locator("input[name=meeting_modes][value=school]").check()
    _next(page)
    # Step 4: when and where; an empty week is refused and what was typed stays.
    expect(page).to_have_url(journey.url("/buddies/register/4/"))
    journey.check()
    page.locator("input[name=home_postcode]").fill("2800")
    page.locator("input[name=travel_radius_km]").fill("10")
    page.locator("input[name=capacity]").fill("1")
    page.locator("input[name=available_from]").fill(timezone.localdate().isoformat())
    _next(page)
    expect(page).to_have_url(journey.url("/buddies/register/4/"))
    expect(page.locator("#slots-errors")).to_be_visible()
    expect(page.locator("input[name=home_postcode]")).to_have_value("2800")
    journey.check()
    page.locator("#slot-wed-pm").check()
    page.locator("#slot-mon-after").check()
    _next(page)
    # Step 5: the programme they came from is ticked; a closed one is not offered.
    expect(page).to_have_url(journey.url("/buddies/register/5/"))
    journey.check()
    mechelen = page.get_by_label("Buddy Mechelen")
    expect(mechelen).to_be_checked()
    expect(page.get_by_label("Buddy Elders")).to_have_count(0)
    _next(page)
    # Step 6: the account.
    expect(page).to_have_url(journey.url("/buddies/register/6/"))
    journey.check()
    page.locator("input[name=first_name]").fill("Sara")
    page.locator("input[name=last_name]").fill("Peeters")
    page.locator("input[name=email]").fill("sara@example.org")
    page.locator("input[name=password1]").fill("Een-lang-wachtwoord-2026")
    page.locator("input[name=password2]").fill("Een-lang-wachtwoord-2026")
    _next(page)
    expect(page).to_have_url(journey.url("/buddies/register/done/"))
    journey.check()

    buddy = Buddy.objects.get(user__email="sara@example.org")
    assert buddy.status == ScreeningStatus.APPLIED
    assert list(buddy.programmes.all()) == [intake_world.programme]
    assert buddy.slots == ["mon-after", "wed-pm"] and buddy.languages == ["ar", "nl"]
    assert [m.to for m in mail.outbox] == [["sara@example.org"]]

    # Email verification: the link in the mail confirms the address, then they sign in;
    # their profile shows the application and what the programme asks before a first duo.
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    page.goto(link.group(0))
    journey.check()
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert EmailAddress.objects.get(email="sara@example.org").verified
    journey.login(buddy.user, password="Een-lang-wachtwoord-2026")
    journey.visit("/buddies/profile/")
    expect(page.locator("main")).to_contain_text("Aangemeld")
    expect(page.locator("main")).to_contain_text("Een warme band opbouwen")

    # The coordinator screens the applicant.
    coordinator = new_journey()
    coordinator.login(intake_world.coordinator, totp_secret=TEST_TOTP_SECRET)
    cpage = coordinator.page
    coordinator.visit("/buddies/screening/")
    expect(cpage).to_have_url(coordinator.url(f"/buddies/screening/{intake_world.programme.uuid}/"))
    row = cpage.locator("tbody tr", has_text="Sara Peeters")
    expect(row).to_contain_text("Een warme band opbouwen")  # the required module to do
    row.get_by_role("link", name="Sara Peeters").click()
    cpage.wait_for_load_state()
    coordinator.check()
    cpage.locator("input[name=extract-seen_on]").fill(timezone.localdate().isoformat())
    cpage.locator("form[action$='/extract/'] button").click()
    cpage.wait_for_load_state()
    coordinator.check()
    cpage.locator("select[name=level-level]").select_option("expert")
    cpage.locator("form[action$='/level/'] button").click()
    cpage.wait_for_load_state()
    coordinator.check()
    cpage.locator("form[action$='/approve/'] button").click()
    cpage.wait_for_load_state()
    expect(cpage).to_have_url(coordinator.url(f"/buddies/screening/{intake_world.programme.uuid}/"))
    coordinator.check()
    expect(cpage.locator("tbody tr", has_text="Sara Peeters")).to_have_count(0)
    cpage.get_by_role("link", name="Goedgekeurd").click()
    cpage.wait_for_load_state()
    coordinator.check()
    expect(cpage.locator("tbody tr", has_text="Sara Peeters")).to_be_visible()

    buddy.refresh_from_db()
    assert buddy.status == ScreeningStatus.APPROVED and buddy.level == "expert"
    assert buddy.extract_seen_on == timezone.localdate()
    assert mail.outbox[-1].to == ["sara@example.org"]
    assert len(mail.outbox) == 2


def test_registration_on_a_phone_without_javascript(new_journey, intake_world):
    """The first steps on a 375 px phone with JavaScript off: no page scrolls sideways,
    every choice list stays readable (the boxes sit beside their labels)."""
    from tests.browser.conftest import PHONE_VIEWPORT, has_horizontal_scroll

    phone = new_journey(viewport=PHONE_VIEWPORT, java_script_enabled=False)
    page = phone.page
    phone.visit("/buddies/register/1/")
    assert not has_horizontal_scroll(page)
    page.locator("input[name=kind][value=teacher]").check()
    page.locator("select[name=teaching_qualification]").select_option("bachelor")
    _next(page)
    page.locator("input[name=accept]").check()
    _next(page)
    expect(page).to_have_url(phone.url("/buddies/register/3/"))
    # Each box sits on the line of its own label, not on another list's.
    for value in ("nl", "ar"):
        box = page.locator(f"input[name=languages][value={value}]").bounding_box()
        label = page.locator(f"label[for=id_languages_{'0' if value == 'nl' else '3'}]")
        frame = label.bounding_box()
        assert box and frame and frame["y"] <= box["y"] <= frame["y"] + frame["height"]
    page.locator("input[name=languages][value=ar]").check()
    page.locator("input[name=competences][value=homework]").check()
    page.locator("input[name=school_levels][value=secondary]").check()
    page.locator("input[name=meeting_modes][value=school]").check()
    _next(page)
    expect(page).to_have_url(phone.url("/buddies/register/4/"))
    assert not has_horizontal_scroll(page)
