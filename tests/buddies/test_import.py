"""Import from a teacher-training institution: template, dry run, all or nothing,
re-import, and bad files (encoding, missing column, ZIP bomb, oversized)."""

import io
import zipfile

import openpyxl
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from buddywerk.access.models import Membership, User
from buddywerk.buddies import importer
from buddywerk.buddies.models import Buddy, BuddyImport, ImportStatus
from tests.buddies.factories import coordinated_programme, institution
from tests.factories import BuddyFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db
HEADER = ";".join(importer.COLUMNS)


def row(n, **changes):
    values = dict(zip(importer.COLUMNS, importer.EXAMPLE_ROW, strict=True))
    values["e-mail"] = f"student{n}@example.be"
    values["voornaam"] = f"Student{n}"
    values.update(changes)
    return ";".join(values[c] for c in importer.COLUMNS)


def csv_file(lines, name="studenten.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, "\n".join([HEADER, *lines]).encode(encoding))


def start(programme, coordinator, upload, capture):
    with capture(execute=True):
        return importer.buddy_import_start(
            actor=coordinator,
            programme=programme,
            training_institution=institution(),
            upload=upload,
        )


def confirm(job, coordinator, capture):
    with capture(execute=True):
        importer.buddy_import_confirm(actor=coordinator, job=job)
    job.refresh_from_db()
    return job


def test_valid_file_dry_run_then_import(django_capture_on_commit_callbacks):
    programme, coordinator = coordinated_programme()
    job = start(
        programme, coordinator, csv_file([row(1), row(2)]), django_capture_on_commit_callbacks
    )
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED and job.errors == []
    assert job.rows_total == 2 and job.rows_done == 2
    assert Buddy.objects.count() == 0  # the dry run changes nothing
    job = confirm(job, coordinator, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.DONE and job.created_count == 2
    buddy = Buddy.objects.get(user__email="student1@example.be")
    assert buddy.kind == "student_internship" and buddy.training_institution == institution()
    assert buddy.slots == ["thu-after", "tue-pm"] and buddy.status == "applied"
    assert not buddy.user.has_usable_password()
    assert list(buddy.programmes.all()) == [programme]
    assert Membership.objects.filter(user=buddy.user, organisation=programme, role="buddy")
    assert len(mail.outbox) == 2
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert bytes(job.content) == b""


def test_broken_rows_are_all_listed_and_nothing_changes(django_capture_on_commit_callbacks):
    programme, coordinator = coordinated_programme()
    lines = [
        row(1),
        row(2, postcode="9999"),
        row(3, capaciteit="0", momenten="sun-am"),
        row(4, **{"e-mail": "geen-adres"}),
        row(1),  # duplicate email in the file
        row(5, stage="nee", studierichting="other"),
        row(6, straal_km="-5"),
    ]
    job = start(programme, coordinator, csv_file(lines), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    problems = {(e["line"], e["column"]) for e in job.errors}
    assert (3, "postcode") in problems
    assert (4, "capaciteit") in problems and (4, "momenten") in problems
    assert (5, "e-mail") in problems and (6, "e-mail") in problems
    assert (7, "studierichting") in problems and (8, "straal_km") in problems
    assert all(e["message"] for e in job.errors)
    assert "Onbekende postcode: 9999." in {e["message"] for e in job.errors}
    with pytest.raises(ValidationError):
        importer.buddy_import_confirm(actor=coordinator, job=job)
    assert Buddy.objects.count() == 0 and User.objects.count() == 1


def test_reimport_updates_and_never_duplicates(django_capture_on_commit_callbacks):
    programme, coordinator = coordinated_programme()
    first = start(programme, coordinator, csv_file([row(1)]), django_capture_on_commit_callbacks)
    confirm(first, coordinator, django_capture_on_commit_callbacks)
    second = start(
        programme,
        coordinator,
        csv_file([row(1, capaciteit="3"), row(2)]),
        django_capture_on_commit_callbacks,
    )
    second = confirm(second, coordinator, django_capture_on_commit_callbacks)
    assert (second.created_count, second.updated_count) == (1, 1)
    assert Buddy.objects.count() == 2
    assert User.objects.filter(email="student1@example.be").count() == 1
    assert Buddy.objects.get(user__email="student1@example.be").capacity == 3


def test_other_accounts_are_not_touched(django_capture_on_commit_callbacks):
    programme, coordinator = coordinated_programme()
    UserFactory(email="student1@example.be")
    BuddyFactory(user=UserFactory(email="student2@example.be"), programmes=[ProgrammeFactory()])
    job = start(
        programme, coordinator, csv_file([row(1), row(2)]), django_capture_on_commit_callbacks
    )
    job.refresh_from_db()
    assert {e["line"] for e in job.errors} == {2, 3}


def test_xlsx_import(django_capture_on_commit_callbacks):
    programme, coordinator = coordinated_programme()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(importer.COLUMNS)
    values = list(importer.EXAMPLE_ROW)
    values[6] = 2800  # numbers come back as numbers
    sheet.append(values)
    output = io.BytesIO()
    workbook.save(output)
    upload = SimpleUploadedFile("studenten.xlsx", output.getvalue())
    job = start(programme, coordinator, upload, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.errors == []
    assert confirm(job, coordinator, django_capture_on_commit_callbacks).created_count == 1


def _refused(programme, coordinator, upload, message):
    with pytest.raises(ValidationError) as exc:
        importer.buddy_import_start(
            actor=coordinator,
            programme=programme,
            training_institution=institution(),
            upload=upload,
        )
    assert message in " ".join(exc.value.messages)
    assert BuddyImport.objects.count() == 0 and Buddy.objects.count() == 0


def test_wrong_encoding_is_refused_with_a_clear_message():
    programme, coordinator = coordinated_programme()
    upload = csv_file([row(1, voornaam="Zoë")], encoding="cp1252")
    _refused(programme, coordinator, upload, "Windows-1252")


def test_missing_column_is_refused():
    programme, coordinator = coordinated_programme()
    upload = SimpleUploadedFile("s.csv", b"e-mail;voornaam\nx@example.be;X\n")
    _refused(programme, coordinator, upload, "achternaam")


def test_zip_bomb_is_refused_before_opening():
    programme, coordinator = coordinated_programme()
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (25 * 1024 * 1024))
    assert len(output.getvalue()) < 100_000
    _refused(programme, coordinator, SimpleUploadedFile("b.xlsx", output.getvalue()), "20 MB")


def test_oversized_file_is_refused():
    programme, coordinator = coordinated_programme()
    upload = SimpleUploadedFile("big.xlsx", b"x" * (importer.MAX_UPLOAD_BYTES + 1))
    _refused(programme, coordinator, upload, "5 MB")


def test_pages_template_and_progress(client, django_capture_on_commit_callbacks):
    programme, coordinator = coordinated_programme()
    client.force_login(coordinator)
    url = reverse("buddies:import_upload", args=[programme.uuid])
    response = client.get(reverse("buddies:import_template", args=[programme.uuid, "csv"]))
    assert response.content.decode("utf-8-sig").startswith(HEADER)
    response = client.get(reverse("buddies:import_template", args=[programme.uuid, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == importer.COLUMNS
    bad = client.post(
        url,
        {
            "training_institution": institution().pk,
            "file": csv_file([row(1, voornaam="Zoë")], encoding="cp1252"),
        },
    )
    assert "Windows-1252" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"training_institution": institution().pk, "file": csv_file([row(1)])}
        )
    job = BuddyImport.objects.get()
    assert response["Location"] == reverse("buddies:import_detail", args=[programme.uuid, job.uuid])
    page = client.get(response["Location"]).content.decode()
    assert "Nu inlezen" in page
    BuddyImport.objects.filter(pk=job.pk).update(
        status=ImportStatus.CHECKING, rows_total=10_000, rows_done=2_500
    )
    page = client.get(response["Location"]).content.decode()
    assert "2500 van 10000 rijen" in page and 'hx-trigger="every 1s"' in page
    fragment = client.get(response["Location"], headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode() and "2500" in fragment.content.decode()
    BuddyImport.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKED)
    done = client.get(response["Location"], headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"


def test_large_file_progress(django_capture_on_commit_callbacks):
    programme, coordinator = coordinated_programme()
    lines = [row(n) for n in range(1, 1201)]
    job = start(programme, coordinator, csv_file(lines), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.rows_total == 1200 and job.rows_done == 1200 and job.errors == []
    job = confirm(job, coordinator, django_capture_on_commit_callbacks)
    assert job.created_count == 1200 and Buddy.objects.count() == 1200


def test_an_import_raises_the_matching_counter_of_its_buddies_programmes(
    django_capture_on_commit_callbacks,
):
    """The import writes buddies in bulk (no post_save): the suggestion pages must not show
    the buddies of before the import until their cache ages out."""
    from buddywerk.matching.candidates import input_version

    programme, coordinator = coordinated_programme()
    first = start(programme, coordinator, csv_file([row(1)]), django_capture_on_commit_callbacks)
    confirm(first, coordinator, django_capture_on_commit_callbacks)
    elsewhere, untouched = ProgrammeFactory(), ProgrammeFactory()
    Buddy.objects.get(user__email="student1@example.be").programmes.add(elsewhere)
    before = [input_version(p) for p in (programme, elsewhere, untouched)]

    second = start(
        programme,
        coordinator,
        csv_file([row(1, capaciteit="3")]),
        django_capture_on_commit_callbacks,
    )
    confirm(second, coordinator, django_capture_on_commit_callbacks)
    after = [input_version(p) for p in (programme, elsewhere, untouched)]
    assert after[0] > before[0] and after[1] > before[1]
    assert after[2] == before[2]
