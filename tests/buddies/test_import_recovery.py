"""Stuck import jobs recover and say why (issue 11, point 5): a hostile XLSX (DOCTYPE,
entity expansion, external entity) is refused at upload; a task that raises marks its job
failed with a Dutch message; a job left running by a stopped worker is failed by the
scheduled sweep, and the coordinator can try again."""

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from buddywerk.buddies import importer
from buddywerk.buddies.models import Buddy, BuddyImport, ImportStatus
from buddywerk.common.models import AuditEvent
from tests.buddies.factories import coordinated_programme, institution

pytestmark = pytest.mark.django_db
REFUSED_NL = "documenttypedeclaratie (DOCTYPE)"

DOCTYPE = b'<!DOCTYPE worksheet [<!ENTITY naam "Student">]>'
LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%s;" % (str(n - 1).encode() if n > 1 else b"")) * 10)
        for n in range(1, 10)
    )
    + b"]>"
)
EXTERNAL = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _workbook() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(importer.COLUMNS)
    sheet.append(list(importer.EXAMPLE_ROW))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _hostile(member: str, doctype: bytes, reference: bytes = b"", encoding: str = "") -> bytes:
    """A real workbook whose `member` declares `doctype` (and uses `reference`, an entity, in
    its first text), optionally re-encoded (e.g. UTF-16, where a byte search finds nothing)."""
    source = zipfile.ZipFile(io.BytesIO(_workbook()))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == member:
                body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
                if reference:
                    body = body.replace(b"<t>", b"<t>" + reference, 1)
                data = b'<?xml version="1.0" encoding="UTF-8"?>' + doctype + body
                if encoding:
                    data = data.replace(b"UTF-8", encoding.upper().encode()).decode()
                    data = data.encode(encoding)
            archive.writestr(info.filename, data)
    return output.getvalue()


HOSTILE = {
    "doctype-in-sheet": _hostile("xl/worksheets/sheet1.xml", DOCTYPE),
    "billion-laughs-in-sheet": _hostile("xl/worksheets/sheet1.xml", LAUGHS, b"&lol9;"),
    "external-entity-in-sheet": _hostile("xl/worksheets/sheet1.xml", EXTERNAL, b"&xxe;"),
    "doctype-in-document-properties": _hostile("docProps/core.xml", DOCTYPE),
    "doctype-in-workbook": _hostile("xl/workbook.xml", DOCTYPE),
    "doctype-in-content-types": _hostile("[Content_Types].xml", DOCTYPE),
    "utf16-doctype-in-sheet": _hostile("xl/worksheets/sheet1.xml", DOCTYPE, encoding="utf-16"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_xlsx_is_refused_at_upload_with_a_message_and_no_job(
    client, name, django_capture_on_commit_callbacks
):
    programme, coordinator = coordinated_programme()
    client.force_login(coordinator)
    upload = SimpleUploadedFile("studenten.xlsx", HOSTILE[name])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("buddies:import_upload", args=[programme.uuid]),
            {"training_institution": institution().pk, "file": upload},
        )
    assert response.status_code == 200
    assert REFUSED_NL in response.content.decode()
    assert BuddyImport.objects.count() == 0 and Buddy.objects.count() == 0


def test_a_hostile_file_already_stored_ends_checked_with_the_message_not_stuck(
    django_capture_on_commit_callbacks,
):
    """A job stored before the upload check existed: the dry run says why, and ends."""
    programme, coordinator = coordinated_programme()
    job = BuddyImport.objects.create(
        programme=programme,
        training_institution=institution(),
        created_by=coordinator,
        filename="oud.xlsx",
        file_format="xlsx",
        content=HOSTILE["billion-laughs-in-sheet"],
    )
    importer.import_run(import_id=job.pk, commit=False)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert REFUSED_NL in job.errors[0]["message"]


def test_a_valid_xlsx_still_passes(django_capture_on_commit_callbacks):
    programme, coordinator = coordinated_programme()
    with django_capture_on_commit_callbacks(execute=True):
        job = importer.buddy_import_start(
            actor=coordinator,
            programme=programme,
            training_institution=institution(),
            upload=SimpleUploadedFile("studenten.xlsx", _workbook()),
        )
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED and job.errors == []


def _checked_job(capture):
    programme, coordinator = coordinated_programme()
    lines = [";".join(importer.COLUMNS), ";".join(importer.EXAMPLE_ROW)]
    with capture(execute=True):
        job = importer.buddy_import_start(
            actor=coordinator,
            programme=programme,
            training_institution=institution(),
            upload=SimpleUploadedFile("s.csv", "\n".join(lines).encode()),
        )
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    return programme, coordinator, job


def test_an_import_task_that_raises_marks_the_job_failed_with_a_dutch_message(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    programme, coordinator, job = _checked_job(django_capture_on_commit_callbacks)

    def crash(job, parsed):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(importer, "_write", crash)
    with django_capture_on_commit_callbacks(execute=True):
        importer.buddy_import_confirm(actor=coordinator, job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.finished_at is not None
    assert job.failure.startswith("Er ging bij ons iets mis")
    assert Buddy.objects.count() == 0
    client.force_login(coordinator)
    page = client.get(reverse("buddies:import_detail", args=[programme.uuid, job.uuid]))
    assert job.failure in page.content.decode()
    assert "Opnieuw proberen" in page.content.decode()


def test_a_dry_run_that_raises_marks_the_job_failed(
    monkeypatch, django_capture_on_commit_callbacks
):
    programme, coordinator = coordinated_programme()

    def crash(self, line, cells):
        raise ValueError("unexpected")

    monkeypatch.setattr(importer.RowReader, "read", crash)
    lines = [";".join(importer.COLUMNS), ";".join(importer.EXAMPLE_ROW)]
    with django_capture_on_commit_callbacks(execute=True):
        job = importer.buddy_import_start(
            actor=coordinator,
            programme=programme,
            training_institution=institution(),
            upload=SimpleUploadedFile("s.csv", "\n".join(lines).encode()),
        )
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.failure
    assert not job.is_running


def _left_running(job, status, minutes_ago):
    """What a worker killed halfway leaves behind: a running job, silent since then."""
    BuddyImport.objects.filter(pk=job.pk).update(
        status=status,
        rows_total=2,
        rows_done=1,
        heartbeat_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )


def _sweep(capture, capsys, now=None):
    with capture(execute=True):
        call_command("run_scheduled", "--now", (now or timezone.now()).isoformat())
    return [line for line in capsys.readouterr().out.splitlines() if "stale-imports" in line]


def test_a_job_left_running_by_a_killed_worker_is_failed_by_the_sweep_and_can_run_again(
    client, capsys, django_capture_on_commit_callbacks
):
    programme, coordinator, job = _checked_job(django_capture_on_commit_callbacks)
    _left_running(job, ImportStatus.IMPORTING, minutes_ago=importer.STALE_AFTER.seconds // 60 + 1)
    fresh = BuddyImport.objects.create(
        programme=programme,
        training_institution=institution(),
        created_by=coordinator,
        filename="bezig.csv",
        file_format="csv",
        content=b"x",
        status=ImportStatus.CHECKING,
    )

    assert _sweep(django_capture_on_commit_callbacks, capsys) == ["stale-imports: ok failed=1"]
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.failure.startswith("Het werk aan dit bestand stopte onverwacht")
    assert AuditEvent.objects.filter(action="buddy_import.stale", object_id=str(job.uuid))
    fresh.refresh_from_db()
    assert fresh.status == ImportStatus.CHECKING  # still beating: left alone
    # Running the sweep again finds nothing more.
    assert _sweep(django_capture_on_commit_callbacks, capsys) == ["stale-imports: ok failed=0"]

    # The coordinator tries again from the job's page: the dry run, then the import.
    client.force_login(coordinator)
    args = [programme.uuid, job.uuid]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("buddies:import_retry", args=args))
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED and job.failure == ""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("buddies:import_confirm", args=args))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and Buddy.objects.count() == 1


def test_a_dry_run_left_at_checking_0_of_0_is_failed_too(
    capsys, django_capture_on_commit_callbacks
):
    _programme, _coordinator, job = _checked_job(django_capture_on_commit_callbacks)
    BuddyImport.objects.filter(pk=job.pk).update(
        status=ImportStatus.CHECKING,
        rows_total=0,
        rows_done=0,
        heartbeat_at=timezone.now() - dt.timedelta(hours=3),
    )
    assert _sweep(django_capture_on_commit_callbacks, capsys) == ["stale-imports: ok failed=1"]
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED


def test_a_worker_that_wakes_up_after_the_sweep_writes_nothing(
    capsys, django_capture_on_commit_callbacks
):
    _programme, _coordinator, job = _checked_job(django_capture_on_commit_callbacks)
    _left_running(job, ImportStatus.IMPORTING, minutes_ago=60)
    _sweep(django_capture_on_commit_callbacks, capsys)
    # The "dead" worker was only paused; it goes on, sees the job is no longer its own.
    with django_capture_on_commit_callbacks(execute=True):
        importer.import_run(import_id=job.pk, commit=True)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert Buddy.objects.count() == 0


def test_retry_is_refused_unless_the_job_failed(django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    _programme, coordinator, job = _checked_job(django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        importer.buddy_import_retry(actor=coordinator, job=job)
