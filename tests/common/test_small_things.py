"""Issue 16, point 10: small things users notice. Each test fails on the code before it."""

import datetime as dt
import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from buddywerk.access.models import Role
from buddywerk.geo.models import Municipality
from buddywerk.organisations.models import ParticipantKind
from buddywerk.reports.charts import LABEL_CHARS, Bar, bar_chart
from buddywerk.reports.forms import ReportForm
from tests.factories import BuddyFactory, ProgrammeFactory, SchoolFactory, UserFactory, member
from tests.learning.factories import EventFactory
from tests.network.factories import PracticeFactory

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_page_has_a_favicon(client):
    html = client.get("/").content.decode()
    href = re.search(r'<link rel="icon" href="([^"]+)"', html)
    assert href, "no favicon link"
    assert href.group(1).startswith("/static/")
    assert finders.find(href.group(1).removeprefix("/static/")), href.group(1)


def test_events_are_listed_in_date_order(client):
    """The places taken are counted (GROUP BY), and Django then drops Meta.ordering: the
    events came in the order they were made."""
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    for days, title in ((20, "Derde"), (0, "Eerste"), (10, "Tweede")):
        at = start + dt.timedelta(days=days)
        EventFactory(
            title=title,
            starts_at=at,
            ends_at=at + dt.timedelta(hours=2),
            registration_deadline=at - dt.timedelta(days=2),
        )
    programme = ProgrammeFactory()
    user = UserFactory()
    BuddyFactory(user=user, programmes=[programme])
    client.force_login(member(user, programme, Role.BUDDY))
    html = client.get(reverse("learning:event_list")).content.decode()
    assert [html.index(t) for t in ("Eerste", "Tweede", "Derde")] == sorted(
        html.index(t) for t in ("Eerste", "Tweede", "Derde")
    )


def test_the_report_form_is_styled_like_every_other_form():
    html = str(ReportForm(user=_admin()))
    for name in ("area", "period", "school_year"):
        tag = re.search(rf'<select name="{name}"[^>]*>', html)
        assert tag and 'class="form-select"' in tag.group(0), name
    for name in ("start", "end"):
        tag = re.search(rf'<input type="date" name="{name}"[^>]*>', html)
        assert tag and 'class="form-control"' in tag.group(0), name


def _admin():
    from buddywerk.organisations.models import OrganisationKind
    from tests.factories import OrganisationFactory

    umbrella = OrganisationFactory(kind=OrganisationKind.UMBRELLA)
    return member(UserFactory(is_staff=True), umbrella, Role.PLATFORM_ADMIN)


def test_a_chart_label_is_never_cut():
    label = "Leerlingen uit het buitengewoon secundair onderwijs met een taalachterstand"
    svg = str(bar_chart("Titel", [Bar(label, 3, "3"), Bar("Kort", 1, "1")], chart_id="c"))
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert " ".join(lines[:-1]) == label  # every word, over several lines
    assert lines[-1] == "Kort"
    assert all(len(line) <= LABEL_CHARS for line in lines)
    # Every line of the long label lies within the chart's height.
    height = float(re.search(r'viewBox="0 0 \d+ ([\d.]+)"', svg).group(1))
    ys = [float(y) for y in re.findall(r'<tspan x="0" y="([\d.]+)"', svg)]
    assert max(ys) < height and len(set(ys)) == len(ys)


def test_a_family_programmes_finder_card_never_offers_to_ask_as_a_school(client):
    mechelen = Municipality.objects.filter(nis_code="12025")
    pupils = ProgrammeFactory(name="Buddy Mechelen", municipalities=mechelen)
    families = ProgrammeFactory(
        name="Gezinsbuddy Mechelen",
        municipalities=mechelen,
        participant_kind=ParticipantKind.FAMILIES,
    )
    html = client.get(reverse("organisations:finder"), {"q": "2800"}).content.decode()
    assert "Gezinsbuddy Mechelen" in html
    school = "#register-school"
    assert reverse("organisations:programme_detail", args=[pupils.uuid]) + school in html
    assert reverse("organisations:programme_detail", args=[families.uuid]) + school not in html


def test_the_practice_search_suggests_a_spelling(client):
    PracticeFactory(title="Huiswerkklas", summary="Vrijwilligers helpen met het huiswerk.")
    url = reverse("network:practice_list")
    html = client.get(url, {"q": "huiswek"}).content.decode()
    assert 'data-testid="spelling"' in html
    assert '<a href="?q=huiswerk">huiswerk</a>' in html
    # The suggestion finds the sheet; a word found needs no suggestion.
    html = client.get(url, {"q": "huiswerk"}).content.decode()
    assert "Huiswerkklas" in html and 'data-testid="spelling"' not in html
    # Nothing near: no suggestion.
    html = client.get(url, {"q": "xylofoon"}).content.decode()
    assert 'data-testid="spelling"' not in html


def _readme_logins() -> list[tuple[str, str]]:
    """(role as the README names it, e-mail) of every row of its demo accounts table."""
    rows = []
    table = README.read_text().split("Demo accounts", 1)[1].split("\n\n", 2)[1]
    for line in table.splitlines()[2:]:
        role, logins = (cell.strip() for cell in line.strip("|").split("|", 1))
        name = role.split(" (")[0]
        for login in re.findall(r"`([^`]+)`", logins):
            email = f"{login.split('@')[0]}@demo.buddywerk.be"
            # A row's text may name an account of an earlier row (zorg.busleyden).
            if email not in {seen for _name, seen in rows}:
                rows.append((name, email))
    return rows


def test_the_demo_prints_each_login_with_its_role_as_the_readme_names_it():
    from buddywerk.demo.management.commands.demo import Command
    from buddywerk.demo.world import build_world

    build_world()
    out = StringIO()
    Command(stdout=out)._print_logins(8000)
    printed = {}
    for line in out.getvalue().splitlines():
        match = re.match(r"\s+(.+?)\s+(\S+@demo\.buddywerk\.be)$", line)
        if match:
            printed[match.group(2)] = match.group(1)
    readme = _readme_logins()
    assert readme
    for name, email in readme:
        assert email in printed, f"{email} is in the README but not printed"
        expected = {"buddies of every kind": "buddy"}.get(name, name)
        assert printed[email].startswith(expected), (email, printed[email], name)


def test_the_demos_waiting_mail_links_point_at_the_port_it_serves_on(settings):
    """A world built with `--no-serve` (port 8000) and served with `--port 8123`: the mails
    its story wrote still wait in the outbox, and print when the worker starts."""
    from buddywerk.demo.world import build_world
    from buddywerk.mail.models import OutgoingMail
    from buddywerk.mail.relink import relink_waiting_mail

    settings.SITE_URL = "http://127.0.0.1:8000"
    build_world()
    sent = OutgoingMail.objects.filter(body__contains="http://127.0.0.1:8000/").first()
    assert sent is not None
    OutgoingMail.objects.filter(pk=sent.pk).update(sent_at=dt.datetime.now(dt.UTC))
    waiting = OutgoingMail.objects.filter(sent_at__isnull=True)
    assert waiting.filter(body__contains="http://127.0.0.1:8000/").exists()

    assert relink_waiting_mail("http://127.0.0.1:8123") > 0
    bodies = " ".join(waiting.values_list("body", flat=True))
    links = set(re.findall(r"https?://[^/\s]+", bodies))
    assert links == {"http://127.0.0.1:8123"}
    sent.refresh_from_db()
    assert "http://127.0.0.1:8000/" in sent.body  # what went out stays as it was


def test_a_form_without_its_security_token_gets_a_plain_dutch_page():
    """Django's own CSRF page is technical ("CSRF-verificatie mislukt") and formal; a
    volunteer who left a form open overnight needs to know what to do, and that nothing
    was saved."""
    from django.test import Client

    user = UserFactory()
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(user)
    response = csrf_client.post(reverse("privacy"), {"x": "1"}, HTTP_ACCEPT_LANGUAGE="nl-BE")
    assert response.status_code == 403
    html = response.content.decode()
    assert "CSRF verification failed" not in html and "CSRF-verificatie" not in html
    assert "Er is niets bewaard" in html
    assert "Laad de pagina opnieuw" in html


def test_a_family_programmes_page_speaks_to_services_not_to_schools(client):
    """The programme page offered "As a school: ask for a buddy for a pupil" for a family
    programme too; a service's staff could even follow it to a pupil form they may not use."""
    families = ProgrammeFactory(name="Gezinsbuddy", participant_kind=ParticipantKind.FAMILIES)
    pupils = ProgrammeFactory(name="Leerbuddy")
    family_page = reverse("organisations:programme_detail", args=[families.uuid])
    html = client.get(family_page).content.decode()
    assert 'id="register-school"' not in html and 'id="register-family"' in html
    assert reverse("organisations:school_register") not in html
    pupil_page = reverse("organisations:programme_detail", args=[pupils.uuid])
    html = client.get(pupil_page).content.decode()
    assert 'id="register-school"' in html and 'id="register-family"' not in html
    # A school's care coordinator signed in gets the button to the family form.
    user = UserFactory()
    school = SchoolFactory()
    client.force_login(member(user, school, Role.SCHOOL_STAFF))
    html = client.get(family_page).content.decode()
    assert reverse("referrals:create_family") in html
    assert reverse("referrals:create_pupil") not in html
