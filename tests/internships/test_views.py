"""Issue 20, points 1 and 5: the pages of supervisors, buddies and coordinators, and the
public check of an attestation."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from buddywerk.access.models import Membership, Role, User
from buddywerk.buddies.models import Buddy
from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.demo.world import ACCOUNTS, build_world
from buddywerk.internships.models import HoursAttestation, InstitutionPartnership, SharingConsent
from buddywerk.referrals.models import Pupil
from buddywerk.reports.periods import school_year_of
from tests.factories import OrganisationFactory, UserFactory, member
from tests.internships.helpers import build

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_supervisor_lists_and_opens_a_student_who_shares(client):
    w = build()
    client.force_login(w.supervisor)
    page = client.get(reverse("internships:students")).content.decode()
    assert "Lotte Stagiair" in page
    assert "Stijn Stil" not in page  # same institution, did not agree
    detail = client.get(reverse("internships:student", args=[w.student.uuid]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "Buddy Leuven (test)" in html
    assert w.pupil.first_name not in html and w.pupil.last_name not in html
    # The quiet student does not exist for the supervisor.
    assert (
        client.get(reverse("internships:student", args=[w.quiet_student.uuid])).status_code == 404
    )


def test_the_internship_file_pdf(client):
    w = build()
    client.force_login(w.supervisor)
    response = client.get(reverse("internships:student_pdf", args=[w.student.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "Lotte Stagiair" in text
    assert "Buddy Leuven (test)" in text
    assert "2,5" in text  # 150 minutes of meetings held
    assert w.pupil.first_name not in text and w.pupil.last_name not in text
    assert AuditEvent.objects.filter(action=AuditAction.INTERNSHIP_FILE_EXPORT).count() == 1


def test_the_other_institutions_supervisor_gets_404(client):
    w = build()
    client.force_login(w.other_supervisor)
    for name in ("internships:student", "internships:student_pdf"):
        assert client.get(reverse(name, args=[w.student.uuid])).status_code == 404


def test_a_buddy_agrees_and_stops_sharing_on_the_page(client):
    w = build(share=False)
    client.force_login(w.student.user)
    url = reverse("internships:sharing")
    refused = client.post(url, {"institution": w.institution.pk})
    assert refused.status_code == 200
    assert (
        "Vink het vakje aan" in refused.content.decode()
        or "Tick the box" in refused.content.decode()
    )
    assert not SharingConsent.objects.exists()
    client.post(url, {"institution": w.institution.pk, "agree": "on"})
    assert SharingConsent.objects.in_force().filter(buddy=w.student).count() == 1
    client.post(reverse("internships:sharing_revoke"))
    assert not SharingConsent.objects.in_force().exists()


def test_the_contact_invites_a_supervisor(client):
    w = build()
    client.force_login(w.supervisor)
    url = reverse("internships:supervisors", args=[w.institution.uuid])
    response = client.post(url, {"email": "nieuw@ucll.example", "first_name": "Nel"})
    assert response.status_code == 302
    assert Membership.objects.filter(
        user__email="nieuw@ucll.example",
        role=Role.INTERNSHIP_SUPERVISOR,
        organisation=w.institution,
    ).exists()
    # Bad input: a clear error, nothing changes.
    response = client.post(url, {"email": "geen-adres"})
    assert response.status_code == 200
    assert Membership.objects.filter(role=Role.INTERNSHIP_SUPERVISOR).count() == 3


def test_a_buddy_sees_their_hours_and_downloads_a_checked_attestation(client):
    w = build()
    client.force_login(w.student.user)
    page = client.get(reverse("internships:hours")).content.decode()
    assert "2,5" in page
    year = school_year_of(timezone.localdate())
    response = client.post(reverse("internships:attestation_create", args=[year]))
    attestation = HoursAttestation.objects.get()
    assert response.url == reverse("internships:attestation_pdf", args=[attestation.code])
    text = pdf_text(client.get(response.url))
    assert attestation.code in text and "Lotte Stagiair" in text and "2,5" in text
    assert w.pupil.first_name not in text
    # The public page checks the code, signed out.
    client.logout()
    check = client.get(reverse("internships:attestation_check"), {"code": attestation.code})
    html = check.content.decode()
    assert "Lotte Stagiair" in html and "2,5" in html and "Buddy Leuven (test)" in html
    assert w.pupil.first_name not in html and w.pupil.last_name not in html
    assert w.duo.school.name not in html
    wrong = client.get(
        reverse("internships:attestation_check"), {"code": attestation.code[:-1] + "x"}
    )
    assert "Lotte Stagiair" not in wrong.content.decode()


def test_another_buddy_cannot_open_an_attestation(client):
    w = build()
    year = school_year_of(timezone.localdate())
    client.force_login(w.student.user)
    client.post(reverse("internships:attestation_create", args=[year]))
    code = HoursAttestation.objects.get().code
    client.force_login(w.quiet_student.user)
    assert client.get(reverse("internships:attestation_pdf", args=[code])).status_code == 404


def test_coordinators_see_hour_totals_of_their_programme(client):
    w = build()
    coordinator = member(UserFactory(), w.duo.programme, Role.PROGRAMME_COORDINATOR)
    client.force_login(coordinator)
    page = client.get(reverse("internships:hour_totals")).content.decode()
    assert "Lotte Stagiair" in page and "2,5" in page


def test_a_coordinator_records_a_partnership_on_the_page(client):
    w = build()
    coordinator = member(UserFactory(), w.duo.programme, Role.PROGRAMME_COORDINATOR)
    client.force_login(coordinator)
    url = reverse("internships:partnerships")
    data = {
        "institution": w.institution.pk,
        "programme": w.duo.programme.pk,
        "since": "2025-09-01",
        "contact": w.supervisor.pk,
        "student_count": "6",
    }
    assert client.post(url, data).status_code == 302
    partnership = InstitutionPartnership.objects.get()
    assert partnership.student_count == 6 and partnership.contact == w.supervisor
    # Another programme's coordinator cannot pick this programme.
    other = member(UserFactory(), OrganisationFactory(kind="programme"), Role.PROGRAMME_COORDINATOR)
    client.force_login(other)
    assert client.post(url, {**data, "student_count": "9"}).status_code == 200
    partnership.refresh_from_db()
    assert partnership.student_count == 6


LINK = re.compile(r'href="(/[^"#?]*)')


def walk_for_names(client, start: list[str], names: set[str]) -> set[str]:
    """Follow every link the signed-in user is shown from `start` (PDFs read as text) and
    fail on the first answer that holds one of `names`; returns the URLs opened."""
    todo = list(start)
    seen: set[str] = set()
    opened: set[str] = set()
    while todo:
        url = todo.pop()
        if url in seen or "logout" in url or url.startswith(("/static/", "/admin/")):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200:
            continue
        opened.add(url)
        if response["Content-Type"].startswith("application/pdf"):
            text = pdf_text(response)
        else:
            text = (
                b"".join(response.streaming_content).decode()
                if response.streaming
                else response.content.decode()
            )
            todo.extend(LINK.findall(text))
        # Whole words: a pupil called Sem is not found in "Seminarie".
        found = [n for n in names if n and re.search(rf"\b{re.escape(n)}\b", text)]
        assert not found, f"{url} shows a pupil's name"
    return opened


def test_walk_every_page_a_supervisor_can_open_and_find_no_pupil(client):
    """From the home page, follow every link a supervisor is shown (and the student's
    pages and PDF), and search each answer for the name of every pupil in the database."""
    w = build()
    names = {n for pupil in Pupil.objects.all() for n in (pupil.first_name, pupil.last_name)}
    assert {w.pupil.first_name, w.pupil.last_name} <= names
    client.force_login(w.supervisor)
    opened = walk_for_names(client, [reverse("home"), reverse("internships:students")], names)
    assert reverse("internships:student_pdf", args=[w.student.uuid]) in opened
    assert len(opened) >= 5


def test_the_demo_supervisor_never_reaches_a_demo_pupils_name(client):
    """The same walk in the demo world (issue 20's test): the demo's supervisor follows
    every link to their students' pages and internship files; no demo pupil's name shows."""
    build_world()
    supervisor = next(a for a in ACCOUNTS if a.role == Role.INTERNSHIP_SUPERVISOR)
    students = Buddy.objects.filter(
        sharing_consents__institution__memberships__user__email=supervisor.email
    ).distinct()
    assert students.count() >= 2
    # A pupil's full name, and each part of it that no demo account also bears (a student
    # may share a first name with a pupil: the supervisor sees the student's).
    people = {n for u in User.objects.all() for n in (u.first_name, u.last_name)}
    pupils = Pupil.objects.all()
    names = {f"{p.first_name} {p.last_name}" for p in pupils} | {
        n for p in pupils for n in (p.first_name, p.last_name) if n not in people
    }
    assert len(names) > 10
    client.force_login(User.objects.get(email=supervisor.email))
    opened = walk_for_names(client, [reverse("home"), reverse("internships:students")], names)
    for student in students:
        assert reverse("internships:student_pdf", args=[student.uuid]) in opened


def test_a_platform_admin_names_an_institutions_contact_on_the_page(client):
    w = build()
    admin = member(UserFactory(), OrganisationFactory(kind="umbrella"), Role.PLATFORM_ADMIN)
    client.force_login(admin)
    url = reverse("internships:supervisors", args=[w.other_institution.uuid])
    client.post(url, {"email": "contact@odisee.example", "is_contact": "on"})
    assert Membership.objects.get(user__email="contact@odisee.example").is_lead
    # A contact's form has no such field: the ticked box is ignored.
    client.force_login(w.supervisor)
    url = reverse("internships:supervisors", args=[w.institution.uuid])
    client.post(url, {"email": "gewoon@ucll.example", "is_contact": "on"})
    assert not Membership.objects.get(user__email="gewoon@ucll.example").is_lead
