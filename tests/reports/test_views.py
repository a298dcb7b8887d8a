"""The report page and its exports, read back: XLSX (openpyxl), CSV, PDF (pdftotext)."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from buddywerk.access.models import Role
from buddywerk.geo.models import Province
from buddywerk.organisations.models import OrganisationKind
from tests.factories import OrganisationFactory, UserFactory, member
from tests.reports.world import build

pytestmark = pytest.mark.django_db

QUERY = {"area": "all", "period": "interim", "school_year": "2025"}


@pytest.fixture
def world():
    return build()


def user_with(role, organisation=None):
    organisation = organisation or OrganisationFactory(
        kind={
            Role.FUNDER: OrganisationKind.FUNDER,
            Role.PLATFORM_ADMIN: OrganisationKind.UMBRELLA,
        }.get(role, OrganisationKind.SERVICE)
    )
    return member(UserFactory(), organisation, role)


def get(client, user, name="reports:report", query=QUERY, **kwargs):
    client.force_login(user)
    return client.get(reverse(name, kwargs=kwargs or None), query)


def test_admin_sees_the_full_report(client, world, django_assert_max_num_queries):
    admin = user_with(Role.PLATFORM_ADMIN)
    # The figures, and on this first request the store's look-up and its new entries
    # (issue 17, point 4: the report under its two keys, the archive's figures under
    # theirs; a later request: tests/reports/test_store.py).
    with django_assert_max_num_queries(61):
        response = get(client, admin)
    assert response.status_code == 200
    report = response.context["report"]
    assert not report.suppressed
    html = response.content.decode()
    assert "&lt;5" not in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in html
    assert "export.xlsx?area=all" in html


def test_funder_sees_small_cells_suppressed_and_no_person(client, world):
    response = get(client, user_with(Role.FUNDER))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.suppressed
    html = response.content.decode()
    meetings = report.table("meetings")
    assert meetings.rows[0].display[-1] == "5-9"  # 5 held in total, in its band of five
    assert "&lt;5" in html
    for name in ("p1", "p2", "p3", "p4"):
        pupil = world.objects[name]
        assert pupil.last_name not in html
    for row in (r for t in report.tables for r in t.rows):
        for value, shown in zip(row.values, row.display, strict=True):
            if isinstance(value, int) and 0 < value < 5 and row.kind == "count":
                assert shown == "<5"


def test_regional_coordinator_sees_only_their_province(client, world):
    region = OrganisationFactory(
        kind=OrganisationKind.REGION, province=Province.objects.get(code="VAN")
    )
    user = user_with(Role.REGIONAL_COORDINATOR, region)
    response = get(client, user, query={})
    assert response.status_code == 200
    areas = [value for value, _label in response.context["form"].fields["area"].choices]
    # Issue 14, point 3: and the municipalities of the province where a programme works.
    assert areas == ["province:VAN", f"programme:{world.p1.pk}", "municipality:12025"]
    assert not response.context["report"].suppressed
    response = get(client, user, query={**QUERY, "area": "province:VOV"})
    assert "report" not in response.context
    assert response.context["form"].errors["area"]


def test_programme_coordinator_sees_their_programme(client, world):
    user = user_with(Role.PROGRAMME_COORDINATOR, world.p1)
    response = get(client, user, query={**QUERY, "area": f"programme:{world.p1.pk}"})
    assert response.context["report"].scope.programme == world.p1
    assert not response.context["report"].suppressed
    response = get(client, user, query={**QUERY, "area": f"programme:{world.p2.pk}"})
    assert "report" not in response.context


def test_other_roles_are_refused(client, world):
    assert get(client, user_with(Role.SCHOOL_STAFF)).status_code == 403


def test_custom_period_needs_two_dates_in_order(client, world):
    admin = user_with(Role.PLATFORM_ADMIN)
    response = get(client, admin, query={**QUERY, "period": "custom", "start": "2025-10-01"})
    assert "Geef een begindatum en een einddatum." in response.content.decode()
    response = get(
        client,
        admin,
        query={**QUERY, "period": "custom", "start": "2025-10-01", "end": "2025-10-31"},
    )
    assert response.context["report"].period.end.isoformat() == "2025-10-31"


def test_xlsx_export_reads_back(client, world, django_assert_max_num_queries):
    admin = user_with(Role.PLATFORM_ADMIN)
    # 50 for the figures, 6 for the financial sheet (issue 21: a fixed number of queries),
    # and the store's look-up and new entries (issue 17, point 4: the report under its two
    # keys, the archive's figures under theirs).
    with django_assert_max_num_queries(69):
        response = get(client, admin, "reports:export", fmt="xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    # The figures' sheets, then the financial report (tests/funds/test_financial_report.py).
    assert len(book.sheetnames) == 2 + len(response_tables(client, admin))
    assert book.sheetnames[-1] == "Financieel verslag"
    definitions = book[book.sheetnames[0]]
    texts = [str(c.value) for row in definitions.iter_rows() for c in row if c.value]
    assert any("Leuven" in t for t in texts)  # the well-being definition
    sheet = book.worksheets[4]  # meetings
    rows = list(sheet.iter_rows(values_only=True))
    header, held = rows[1], rows[2]
    assert header[-1] == "Totaal"
    assert held[-1] == 5
    assert sheet.cell(3, len(header)).number_format == "#,##0"


def response_tables(client, user):
    return get(client, user).context["report"].tables


def test_funder_xlsx_holds_no_small_number(client, world):
    funder = user_with(Role.FUNDER)
    response = get(client, funder, "reports:export", fmt="xlsx")
    book = load_workbook(io.BytesIO(response.content))
    values = [
        c.value
        for sheet in book.worksheets[1:]
        if sheet.title not in {"Welbevinden per buddywerking"}
        for row in sheet.iter_rows(min_row=3, min_col=2)
        for c in row
    ]
    assert "<5" in values
    assert not [v for v in values if isinstance(v, int) and 0 < v < 5]


def test_funder_csv_holds_no_small_number(client, world):
    response = get(client, user_with(Role.FUNDER), "reports:export", fmt="csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert any("<5" in row for row in rows)
    counts = [
        row
        for row in rows
        if row and row[0] in {"Leerlingen", "Gezinnen", "Ontvangen", "Gekoppeld", "Doorgegaan"}
    ]
    assert len(counts) == 5
    for row in counts:
        assert not [v for v in row[1:] if v.isdigit() and 0 < int(v) < 5], row


def test_csv_export_reads_back(client, world):
    response = get(client, user_with(Role.PLATFORM_ADMIN), "reports:export", fmt="csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    received = next(r for r in rows if r and r[0] == "Ontvangen")
    assert received[-1] == "5"


def test_pdf_export_reads_back(client, world):
    response = get(client, user_with(Role.FUNDER), "reports:export", fmt="pdf")
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Vlaanderen en Brussel" in text
    assert "<5" in text
    assert "Leuven" in text  # a definition


def test_unknown_export_format_is_404(client, world):
    response = get(client, user_with(Role.PLATFORM_ADMIN), "reports:export", fmt="doc")
    assert response.status_code == 404


def _export_text(response, fmt):
    """Everything an export shows, as text: every cell of every sheet, the CSV, the PDF."""
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(response.content))
        return "\n".join(
            str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row
        )
    if fmt == "csv":
        return response.content.decode("utf-8-sig")
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "pdf"])
def test_funder_exports_name_no_person(client, world, fmt):
    """The funder never sees a person: no pupil, family or buddy name or address in any
    export, and every small count shown as <5."""
    from buddywerk.buddies.models import Buddy
    from buddywerk.referrals.models import Family, Pupil

    response = get(client, user_with(Role.FUNDER), "reports:export", fmt=fmt)
    assert response.status_code == 200
    text = _export_text(response, fmt)
    assert "<5" in text
    names = [
        *Pupil.objects.values_list("first_name", "last_name"),
        *Family.objects.values_list("contact_name", "contact_name"),
        *Buddy.objects.values_list("user__first_name", "user__last_name"),
    ]
    assert names
    for first, last in names:
        assert f"{first} {last}" not in text
        assert len(last) < 4 or last not in text
    for email in Buddy.objects.values_list("user__email", flat=True):
        assert email not in text


def test_funder_exports_publish_the_bands_of_the_page(client, world):
    """Issue 14, point 2: the funder's XLSX holds what the page shows (bands of five as
    text, never an exact count), and the PDF too, read back with openpyxl and pypdf."""
    funder = user_with(Role.FUNDER)
    page = get(client, funder).context["report"]
    with translation.override("nl-be"):
        shown = {(str(t.title), str(r.label)): r.shown for t in page.tables for r in t.rows}
    assert shown[("Contactmomenten", "Doorgegaan")][-1] == "5-9"
    book = load_workbook(io.BytesIO(get(client, funder, "reports:export", fmt="xlsx").content))
    # The last sheet is the financial report (issue 21; tests/funds/test_financial_report.py).
    for sheet in book.worksheets[1:-1]:
        rows = list(sheet.iter_rows(min_row=3, values_only=True))
        title = sheet.cell(1, 1).value
        for row in rows:
            expected = shown[(title, row[0])]
            assert list(row[1:]) == [v if v is not None else None for v in expected], row
    for table in page.tables:
        for row in table.rows:
            for c, value in enumerate(row.shown):
                if table.kind_of(row, c) == "count":
                    assert isinstance(value, str), (table.key, row.label, value)
    pdf = PdfReader(io.BytesIO(get(client, funder, "reports:export", fmt="pdf").content))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "5-9" in text
    assert "groepen van vijf" in text


def test_the_area_select_renders_as_django_s_own(world):
    """QuickSelect (reports/forms.py) gives the very HTML of Django's select templates."""
    from django import forms as django_forms

    from buddywerk.reports.forms import ReportForm

    for user in (user_with(Role.FUNDER), user_with(Role.PLATFORM_ADMIN)):
        for data in (None, QUERY, {**QUERY, "area": f"programme:{world.p1.pk}"}):
            form = ReportForm(data, user=user)
            field = form.fields["area"]
            quick = str(form["area"])
            field.widget = django_forms.Select(attrs=field.widget.attrs, choices=field.choices)
            assert quick == str(form["area"])
            assert quick.count("<option") == len(field.choices) > 3


def test_the_first_report_binds_the_default_query_to_the_same_form(world):
    """`ReportForm.bind` (the view builds the areas once) equals a form built with the
    default query."""
    from buddywerk.reports.forms import ReportForm, default_query

    for user in (user_with(Role.FUNDER), user_with(Role.PLATFORM_ADMIN)):
        query = default_query(user)
        built = ReportForm(query, user=user)
        bound = ReportForm(user=user)
        bound.bind(default_query(user, form=bound))
        assert bound.is_valid() and built.is_valid()
        assert bound.cleaned_data == built.cleaned_data
        assert str(bound) == str(built)
