"""The qualitative report's pages (issue 14, point 4) and the combined export (point 5),
read back: the XLSX with openpyxl, the PDF with pypdf (its text and its tags)."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from buddywerk.buddies.models import Buddy
from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.referrals.models import Family, Pupil
from buddywerk.reports.periods import school_year_of
from buddywerk.reports.qualitative_models import (
    QualitativePeriod,
    QualitativeReport,
    QualitativeStatus,
)
from buddywerk.reports.qualitative_services import qualitative_draft_save, qualitative_submit
from tests.reports.qualitative_world import build_qualitative
from tests.reports.world import at

pytestmark = pytest.mark.django_db

P1_ANSWERS = ("De hogeschool stuurde twaalf studenten.", "Vaste contactmomenten op woensdag.")
REGION_ANSWERS = ("Overleg met drie lerarenopleidingen.", "Een gedeelde vormingsdag.")
ON_TIME = "2026-01-20"


@pytest.fixture
def q():
    return build_qualitative()


def _answers(period, texts):
    return {question.pk: text for question, text in zip(period.questions.all(), texts, strict=True)}


def _submit_some(q):
    now = at(ON_TIME)
    qualitative_submit(
        period=q.period,
        programme=q.p1,
        answers=_answers(q.period, P1_ANSWERS),
        actor=q.coordinator,
        now=now,
    )
    qualitative_submit(
        period=q.period,
        province=q.van,
        answers=_answers(q.period, REGION_ANSWERS),
        actor=q.regional,
        now=now,
    )
    # p2 keeps a draft: the funder does not read it
    qualitative_draft_save(
        period=q.period,
        programme=q.p2,
        answers=_answers(q.period, ("Geheim concept", "")),
        actor=q.other_coordinator,
    )


def _download(client, q, fmt, capture):
    """Ask for the combined file on the period's page, let the task worker make it (the
    immediate backend runs it at the commit), and download it from the same page."""
    with capture(execute=True):
        asked = client.post(reverse("reports:qualitative_export", args=[q.period.pk, fmt]))
    assert asked.status_code == 302
    page = client.get(asked["Location"])
    export = page.context["exports"][0]
    assert export.ready and export.fmt == fmt
    link = reverse("reports:qualitative_export_file", args=[export.uuid])
    assert link in page.content.decode()
    return client.get(link)


def answer_url(q, programme=None, province=None):
    if programme is not None:
        return reverse("reports:qualitative_answer", args=[q.period.pk, "programme", programme.pk])
    return reverse("reports:qualitative_answer", args=[q.period.pk, "region", province.pk])


def test_coordinator_drafts_then_submits_beside_the_figures(client, q):
    client.force_login(q.coordinator)
    url = answer_url(q, programme=q.p1)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Contactmomenten" in html  # the figures beside the text
    assert page.context["report"].scope.programme == q.p1
    assert not page.context["report"].suppressed  # exact for the programme's coordinator
    first, second = q.period.questions.all()

    response = client.post(
        url, {f"q{first.pk}": "Eerste versie", f"q{second.pk}": "", "draft": "1"}
    )
    assert response.status_code == 302
    report = QualitativeReport.objects.get(programme=q.p1)
    assert report.status == QualitativeStatus.DRAFT
    assert "Eerste versie" in client.get(url).content.decode()

    # submit with an empty answer: a Dutch error, nothing submitted
    response = client.post(
        url, {f"q{first.pk}": "Eerste versie", f"q{second.pk}": " ", "submit": "1"}
    )
    assert response.status_code == 200
    assert "Beantwoord elke vraag" in response.content.decode()
    report.refresh_from_db()
    assert report.status == QualitativeStatus.DRAFT

    response = client.post(
        url, {f"q{first.pk}": "Klaar", f"q{second.pk}": "Ook klaar", "submit": "1"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == QualitativeStatus.SUBMITTED
    page = client.get(url)
    assert not page.context["editable"]
    assert "Klaar" in page.content.decode()

    # a second submit is refused and changes nothing
    response = client.post(
        url, {f"q{first.pk}": "Anders", f"q{second.pk}": "Anders", "submit": "1"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert sorted(a.text for a in report.answers.all()) == ["Klaar", "Ook klaar"]
    assert AuditEvent.objects.filter(action=AuditAction.QUALITATIVE_SUBMIT).count() == 1


def test_out_of_scope_answers_404(client, q):
    _submit_some(q)
    p2_url = answer_url(q, programme=q.p2)
    # another programme's coordinator, the region of another province, the funder on a draft
    for user, url in [
        (q.coordinator, p2_url),
        (q.other_coordinator, answer_url(q, programme=q.p1)),
        (q.other_coordinator, answer_url(q, province=q.van)),
        (q.regional, p2_url),
        (q.funder, p2_url),
        (q.admin, p2_url),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == 404, (user, url)
        assert client.post(url, {"draft": "1"}).status_code == 404
    client.force_login(q.funder)
    assert (
        client.get(
            reverse("reports:qualitative_answer", args=[q.period.pk, "programme", 999999])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("reports:qualitative_answer", args=[q.period.pk, "region", "XXX"])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("reports:qualitative_answer", args=[q.period.pk, "nonsense", "1"])
        ).status_code
        == 404
    )
    # the funder reads what was submitted, and may not write in it
    page = client.get(answer_url(q, programme=q.p1))
    assert page.status_code == 200
    assert P1_ANSWERS[0] in page.content.decode()
    assert client.post(answer_url(q, programme=q.p1), {"draft": "1"}).status_code == 404


def test_funder_sees_who_has_not_submitted_and_opens_and_edits_periods(client, q):
    _submit_some(q)
    client.force_login(q.funder)
    page = client.get(reverse("reports:qualitative_period", args=[q.period.pk]))
    assert page.status_code == 200
    missing = [r.label for r in page.context["missing"]]
    assert missing == ["Buddy Gent (rapport)"]
    html = page.content.decode()
    assert "Nog niet ingediend" in html
    assert "Geheim concept" not in html
    assert page.context["locked"]  # questions no longer change after a submission
    listing = client.get(reverse("reports:qualitative"))
    assert "2 van 3 ingediend" in listing.content.decode()
    year = str(school_year_of(timezone.localdate()))  # a year the form offers
    response = client.post(
        reverse("reports:qualitative_new"),
        {"kind": "final", "school_year": year, "questions": "Plannen?\nWat werkte?"},
    )
    assert response.status_code == 302
    # twice: a Dutch error, nothing new
    again = client.post(
        reverse("reports:qualitative_new"),
        {"kind": "final", "school_year": year, "questions": "Plannen?"},
    )
    assert again.status_code == 200
    assert "heeft al zijn vragen" in again.content.decode()
    assert QualitativePeriod.objects.filter(kind="final").count() == 1


def test_coordinators_may_not_configure(client, q):
    client.force_login(q.coordinator)
    assert client.get(reverse("reports:qualitative_period", args=[q.period.pk])).status_code == 403
    assert client.get(reverse("reports:qualitative_new")).status_code == 403
    assert (
        client.post(reverse("reports:qualitative_export", args=[q.period.pk, "pdf"])).status_code
        == 403
    )
    listing = client.get(reverse("reports:qualitative"))
    assert listing.status_code == 200
    assert [r.label for r in listing.context["rows"][0]["mine"]] == ["Buddy Mechelen (rapport)"]


def _names():
    names = [
        *Pupil.objects.values_list("first_name", "last_name"),
        *Family.objects.values_list("contact_name", "contact_name"),
        *Buddy.objects.values_list("user__first_name", "user__last_name"),
        ("Greta", "Vandeputte"),
        ("Roel", "Claeskens"),
    ]
    assert len(names) > 2
    return names


def _no_person(text):
    for first, last in _names():
        assert f"{first} {last}" not in text
        assert len(last) < 4 or last not in text


def test_combined_pdf_holds_figures_and_answers_tagged_for_screen_readers(
    client, q, django_capture_on_commit_callbacks
):
    _submit_some(q)
    client.force_login(q.funder)
    response = _download(client, q, "pdf", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for answer in P1_ANSWERS + REGION_ANSWERS:
        assert answer in text
    assert "Geheim concept" not in text  # a draft is not the funder's
    for label in (
        "Inhoud",
        "Cijfers in totaal",
        "Vlaanderen en Brussel",
        "Contactmomenten",
        "Nog niet ingediend",
        "Ingediend op 20 januari 2026",
        "Buddy Gent (rapport)",
    ):
        assert label in text, label
    assert "<5" in text  # the funder's figures are suppressed
    _no_person(text)
    # tagged (PDF/UA-1): marked content, a structure tree with headings and table headers
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"]
    kinds = set()

    def walk(node):
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if hasattr(node, "get") and "/S" in node:
            kinds.add(node["/S"])
        kids = node.get("/K") if hasattr(node, "get") else None
        if kids is not None and not isinstance(kids, int):
            walk(kids)

    walk(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/L"} <= kinds
    assert reader.metadata.title == "Rapport voor de subsidiegever: Tussentijds rapport 2025-2026"


def test_combined_xlsx_holds_figures_and_answers_with_a_table_of_contents(
    client, q, django_capture_on_commit_callbacks
):
    _submit_some(q)
    client.force_login(q.funder)
    response = _download(client, q, "xlsx", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Inhoud"
    contents = [row for row in book["Inhoud"].iter_rows(values_only=True)]
    parts = [row[0] for row in contents]
    assert "Cijfers in totaal" in parts
    assert "Buddy Mechelen (rapport)" in parts
    status = {row[0]: row[2] for row in contents if row and row[0]}
    assert status["Buddy Gent (rapport)"] == "Nog niet ingediend"
    assert status["Buddy Mechelen (rapport)"] == "Ingediend op 20 januari 2026"
    programme_sheet = next(name for name in book.sheetnames if "Buddy Mechelen" in name)
    rows = list(book[programme_sheet].iter_rows(values_only=True))
    questions = [x.text for x in q.period.questions.all()]
    assert (questions[0], P1_ANSWERS[0]) in [r[:2] for r in rows]
    assert any(r[0] == "Contactmomenten" for r in rows)  # the programme's figures
    total = list(book[book.sheetnames[1]].iter_rows(values_only=True))
    assert any(r[0] == "Doorgegaan" and r[-1] == "5-9" for r in total)  # the funder's band
    regions = list(book[book.sheetnames[2]].iter_rows(values_only=True))
    assert (questions[1], REGION_ANSWERS[1]) in [r[:2] for r in regions]
    text = "\n".join(
        str(c)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for c in row
    )
    assert "Geheim concept" not in text
    _no_person(text)


def test_admin_gets_exact_figures_in_the_combined_xlsx(
    client, q, django_capture_on_commit_callbacks
):
    client.force_login(q.admin)
    response = _download(client, q, "xlsx", django_capture_on_commit_callbacks)
    book = load_workbook(io.BytesIO(response.content))
    total = list(book[book.sheetnames[1]].iter_rows(values_only=True))
    assert any(r[0] == "Doorgegaan" and r[-1] == 5 for r in total)
    assert (
        client.post(reverse("reports:qualitative_export", args=[q.period.pk, "doc"])).status_code
        == 404
    )


def test_an_answer_that_looks_like_a_formula_stays_text_in_the_xlsx(
    client, q, django_capture_on_commit_callbacks
):
    formula = '=HYPERLINK("http://example.org","klik")'
    qualitative_submit(
        period=q.period,
        programme=q.p1,
        answers=_answers(q.period, (formula, "+1")),
        actor=q.coordinator,
        now=at(ON_TIME),
    )
    client.force_login(q.funder)
    response = _download(client, q, "xlsx", django_capture_on_commit_callbacks)
    book = load_workbook(io.BytesIO(response.content))
    sheet = book[next(name for name in book.sheetnames if "Buddy Mechelen" in name)]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == formula]
    assert cells and all(c.data_type == "s" for c in cells)
