"""Import buddies from a teacher-training institution (CSV or XLSX).

Three steps, each safe on its own:
1. `buddy_import_start` checks the file itself (size, ZIP bomb, a DOCTYPE in any XML part of
   an XLSX, encoding, columns) while the coordinator waits: a bad file gets a clear Dutch
   message and nothing is stored.
2. `import_check` (a task) is the dry run: it reads every row and records every problem
   (line, column, message) with progress, and changes no buddy.
3. `import_commit` (a task) checks again and writes all rows in one transaction, or none.
   The key is the email address: importing the same file again updates, never duplicates.

The two tasks run through `import_run`, which marks the job failed with a Dutch message
on any error, and beat a heartbeat (`heartbeat_at`) as they go; `imports_recover_stale`
(run by `buddywerk run-scheduled`) fails a job whose worker stopped, so no job stays
"checking" or "importing" forever and the coordinator can try again.

Imported buddies are students of the institution, on internship or volunteering (R1). They
get an account without password and an invitation to set one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import ParseError, iterparse
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from buddywerk.access.models import Membership, Role, User
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.models import AuditEvent
from buddywerk.common.vocabulary import ALL_SLOTS, Competence, Language, MeetingMode
from buddywerk.geo.models import Postcode
from buddywerk.mail.compose import mail_to_users, password_set_url
from buddywerk.organisations.models import Programme, TrainingInstitution
from buddywerk.reports import input_version

from .models import (
    ELIGIBLE_FIELDS,
    MAX_CAPACITY,
    MAX_RADIUS_KM,
    MIN_CAPACITY,
    Buddy,
    BuddyImport,
    BuddyKind,
    FieldOfStudy,
    ImportStatus,
    SchoolLevelPreference,
    ScreeningStatus,
)
from .signals import buddies_written

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# An XLSX is a ZIP archive: refuse it before opening when its members would unpack to more
# than this (a ZIP bomb is a few kB that unpacks to gigabytes).
MAX_UNCOMPRESSED_BYTES = 20 * 1024 * 1024
MAX_ZIP_MEMBERS = 500
MAX_ROWS = 20_000
MAX_STORED_ERRORS = 2_000
PROGRESS_EVERY = 250
DEFAULT_RADIUS_KM = 10
# A running job beats at least every PROGRESS_EVERY rows and before its one write
# transaction (20,000 rows at most: 24 s on SQLite on a loaded 2-core machine); one silent
# for this long was left behind by a worker that stopped (killed, restarted, out of memory).
STALE_AFTER = dt.timedelta(minutes=15)

logger = logging.getLogger(__name__)

# Column headers (Dutch, as the institutions fill them in), in template order.
COLUMNS = [
    "e-mail",
    "voornaam",
    "achternaam",
    "telefoon",
    "stage",
    "studierichting",
    "postcode",
    "straal_km",
    "alleen_online",
    "capaciteit",
    "talen",
    "competenties",
    "niveaus",
    "ontmoeting",
    "momenten",
    "beschikbaar_van",
    "beschikbaar_tot",
]
REQUIRED_COLUMNS = ["e-mail", "voornaam", "achternaam", "stage", "studierichting", "postcode"]
EXAMPLE_ROW = [
    "an.peeters@student.example.be",
    "An",
    "Peeters",
    "0470 12 34 56",
    "ja",
    "teacher_training",
    "2800",
    "10",
    "nee",
    "1",
    "nl, fr",
    "dutch, maths",
    "primary",
    "school",
    "tue-pm, thu-after",
    "2026-02-01",
    "2026-06-30",
]

YES = {"ja", "j", "yes", "y", "1", "waar", "true", "x"}
NO = {"nee", "n", "no", "0", "onwaar", "false", ""}


class ImportFileError(ValidationError):
    """The file as a whole cannot be read; nothing was stored."""


class ImportAbandoned(Exception):
    """The job is no longer this task's: it was failed as stale, or already finished."""


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class ParsedRow:
    line: int
    email: str
    first_name: str
    last_name: str
    buddy: dict[str, Any] = field(default_factory=dict)


# --- Reading the file ---------------------------------------------------------------------


def _file_format(name: str) -> str:
    lower = name.lower()
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith(".xlsx"):
        return "xlsx"
    raise ImportFileError(_("Upload a CSV file (.csv) or an Excel file (.xlsx)."))


def check_upload(upload: UploadedFile[bytes]) -> tuple[str, bytes]:
    """The format and bytes of an upload, or ImportFileError: too large, not CSV/XLSX."""
    file_format = _file_format(upload.name or "")
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("The file is larger than 5 MB. Split it into smaller files and upload each.")
        )
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("The file is larger than 5 MB. Split it into smaller files and upload each.")
        )
    if not content:
        raise ImportFileError(_("The file is empty."))
    return file_format, content


def _decode_csv(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        content.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFileError(
            _(
                "The file is not in UTF-8, the text encoding we need. In Excel, choose "
                "'Save as' and then 'CSV UTF-8 (comma delimited)'."
            )
        ) from None
    raise ImportFileError(
        _(
            "The file is saved as Windows-1252 (Excel's ordinary 'CSV'), not as UTF-8: "
            "letters such as é and ë would be read wrongly. In Excel, choose 'Save as' and "
            "then 'CSV UTF-8 (comma delimited)', and upload that file."
        )
    )


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode_csv(content)
    first_line = text.split("\n", 1)[0]
    # Belgian Excel writes semicolons; others write commas.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            yield reader.line_num, [cell.strip() for cell in row]
    except csv.Error as exc:
        raise ImportFileError(
            _("The CSV file cannot be read (line %(line)s).") % {"line": reader.line_num}
        ) from exc


def _not_xlsx() -> ImportFileError:
    return ImportFileError(
        _("This is not a valid Excel file (.xlsx). Save it again from Excel, or use CSV.")
    )


def _check_zip(content: bytes) -> None:
    """Refuse a ZIP bomb before anything unpacks it: the sizes in the archive's directory
    are what zipfile will at most unpack (it stops at the declared size). Then refuse any
    XML part that declares a document type (see _declares_doctype)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > (
                MAX_UNCOMPRESSED_BYTES
            ):
                raise ImportFileError(
                    _(
                        "This Excel file unpacks to more than 20 MB, which is far more than a "
                        "list of buddies needs. It was not opened. Remove other sheets and "
                        "images, or use CSV."
                    )
                )
            if any(_declares_doctype(archive, m) for m in members if not m.is_dir()):
                raise ImportFileError(
                    _(
                        "This Excel file contains a document type declaration (DOCTYPE). "
                        "Excel never writes one, and it can be used to attack the server, so "
                        "the file was not opened. Save it again from Excel, or use CSV."
                    )
                )
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError):
        # Broken, encrypted or compressed in a way zipfile cannot read.
        raise _not_xlsx() from None


def _declares_doctype(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether this part of the archive is XML with a DOCTYPE. A DTD is where entity
    expansion ("billion laughs") and external entities start; Excel never writes one. Only
    the prolog is read (a DOCTYPE must come before the first element), by an XML parser,
    so the part's own encoding counts (a UTF-16 part cannot hide it) and nothing is
    expanded. A part that is not XML (an image) is left to openpyxl."""
    with archive.open(member) as stream:
        try:
            for _event in iterparse(stream, events=("start",), forbid_dtd=True):
                return False
        except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
            return True
        except ParseError:
            return False
    return False


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    _check_zip(content)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise _not_xlsx() from exc
    try:
        try:
            sheet = workbook.worksheets[0]
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_cell_text(value) for value in row]
        except Exception as exc:  # a sheet that breaks halfway is as broken as the whole
            raise _not_xlsx() from exc
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(
    file_format: str, content: bytes
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The normalised header and an iterator of (line, cells); ImportFileError on a file
    that cannot be read or misses a required column."""
    rows = _csv_rows(content) if file_format == "csv" else _xlsx_rows(content)
    header: list[str] | None = None
    for _line, cells in rows:
        if any(cells):
            header = [cell.strip().lower() for cell in cells]
            break
    if header is None:
        raise ImportFileError(_("The file has no header row and no rows."))
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ImportFileError(
            _("These columns are missing: %(columns)s. Start from the template.")
            % {"columns": ", ".join(missing)}
        )
    return header, rows


# --- Reading the values -------------------------------------------------------------------


def _lookup(choices: Any) -> dict[str, str]:
    """Codes and their labels in Dutch and English, lower-cased, to the code."""
    table: dict[str, str] = {}
    for code in choices.values:
        table[code.lower()] = code
    for language in ("nl-be", "en"):
        with translation.override(language):
            for code, label in choices.choices:
                table[str(label).lower()] = code
    return table


def _split(value: str) -> list[str]:
    return [item.strip().lower() for item in re.split(r"[,;|/]", value) if item.strip()]


def _parse_date(value: str) -> dt.date | None:
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    raise ValueError


class RowReader:
    """Turns one row into buddy values, collecting every problem with line and column."""

    def __init__(self, header: list[str]) -> None:
        self.header = header
        self.postcodes = set(Postcode.objects.values_list("code", flat=True))
        self.fields = _lookup(FieldOfStudy)
        self.languages = _lookup(Language)
        self.competences = _lookup(Competence)
        self.levels = _lookup(SchoolLevelPreference)
        self.levels.update({"lager": "primary", "basis": "primary", "secundair": "secondary"})
        self.modes = _lookup(MeetingMode)
        self.modes.update({"thuis": "home", "op school": "school"})
        self.slots = set(ALL_SLOTS)

    def read(self, line: int, cells: list[str]) -> tuple[ParsedRow | None, list[RowError]]:
        values = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(self.header)}
        errors: list[RowError] = []

        def error(column: str, message: str) -> None:
            errors.append(RowError(line, column, message))

        def required(column: str) -> str:
            value = values.get(column, "").strip()
            if not value:
                error(column, _("This cell is empty; it is required."))
            return value

        email = required("e-mail").lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                error("e-mail", _("This is not a valid email address."))
        first_name = required("voornaam")[:150]
        last_name = required("achternaam")[:150]

        internship_text = values.get("stage", "").strip().lower()
        on_internship = False
        if internship_text in YES:
            on_internship = True
        elif internship_text in NO and internship_text:
            on_internship = False
        else:
            error("stage", _("Write 'ja' or 'nee'."))

        field_text = required("studierichting").lower()
        field_of_study = self.fields.get(field_text, "")
        if field_text and not field_of_study:
            error("studierichting", _("Unknown field of study: %(value)s.") % {"value": field_text})
        elif field_of_study and not on_internship and field_of_study not in ELIGIBLE_FIELDS:
            # R1: a volunteer student studies in an education-related or social field.
            error(
                "studierichting",
                _(
                    "A volunteer student must study in an education-related or social field; "
                    "write 'ja' under 'stage' if buddy work is part of the internship."
                ),
            )

        online_only = values.get("alleen_online", "").strip().lower() in YES
        code = required("postcode")
        if code and code not in self.postcodes:
            error("postcode", _("Unknown postcode: %(value)s.") % {"value": code})

        radius: int | None = None
        radius_text = values.get("straal_km", "").strip()
        if not online_only:
            if not radius_text:
                radius = DEFAULT_RADIUS_KM
            else:
                try:
                    radius = int(radius_text)
                except ValueError:
                    radius = None
                if radius is None or not 1 <= radius <= MAX_RADIUS_KM:
                    error(
                        "straal_km",
                        _("Write a whole number of kilometres from 1 to %(max)s.")
                        % {"max": MAX_RADIUS_KM},
                    )

        capacity = MIN_CAPACITY
        capacity_text = values.get("capaciteit", "").strip()
        if capacity_text:
            try:
                capacity = int(capacity_text)
            except ValueError:
                capacity = 0
            if not MIN_CAPACITY <= capacity <= MAX_CAPACITY:
                error("capaciteit", _("Write 1, 2 or 3."))

        def codes(column: str, table: dict[str, str] | set[str]) -> list[str]:
            result = []
            for item in _split(values.get(column, "")):
                found = item if isinstance(table, set) and item in table else None
                if isinstance(table, dict):
                    found = table.get(item)
                if found is None:
                    error(column, _("Unknown value: %(value)s.") % {"value": item})
                else:
                    result.append(found)
            return sorted(set(result))

        languages = codes("talen", self.languages)
        competences = codes("competenties", self.competences)
        levels = codes("niveaus", self.levels)
        modes = codes("ontmoeting", self.modes)
        slots = codes("momenten", self.slots)
        if online_only and modes and MeetingMode.ONLINE not in modes:
            error("ontmoeting", _("'alleen_online' is 'ja': add 'online' here."))
        if online_only and not modes:
            modes = [MeetingMode.ONLINE]

        dates: dict[str, dt.date | None] = {}
        for column in ("beschikbaar_van", "beschikbaar_tot"):
            try:
                dates[column] = _parse_date(values.get(column, "").strip())
            except ValueError:
                dates[column] = None
                error(column, _("Write a date as 2026-02-01 or 01/02/2026."))
        if (
            dates.get("beschikbaar_van")
            and dates.get("beschikbaar_tot")
            and dates["beschikbaar_tot"] < dates["beschikbaar_van"]  # type: ignore[operator]
        ):
            error("beschikbaar_tot", _("The end date comes before the start date."))

        if errors:
            return None, errors
        return (
            ParsedRow(
                line=line,
                email=email,
                first_name=first_name,
                last_name=last_name,
                buddy={
                    "kind": BuddyKind.STUDENT_INTERNSHIP if on_internship else BuddyKind.STUDENT,
                    "on_internship": on_internship,
                    "field_of_study": field_of_study,
                    "phone": values.get("telefoon", "").strip()[:40],
                    "home_postcode_id": code,
                    "travel_radius_km": radius,
                    "online_only": online_only,
                    "capacity": capacity,
                    "languages": languages,
                    "competences": competences,
                    "school_levels": levels,
                    "meeting_modes": modes,
                    "slots": slots,
                    "available_from": dates.get("beschikbaar_van"),
                    "available_until": dates.get("beschikbaar_tot"),
                },
            ),
            [],
        )


# --- The three steps ------------------------------------------------------------------------


@transaction.atomic
def buddy_import_start(
    *,
    actor: User,
    programme: Programme,
    training_institution: TrainingInstitution,
    upload: UploadedFile[bytes],
) -> BuddyImport:
    """Check the file itself, store it and start the dry run. ImportFileError (nothing
    stored) on a file that is too large, a ZIP bomb, in the wrong encoding or without a
    required column."""
    file_format, content = check_upload(upload)
    read_table(file_format, content)  # the header: fails fast on encoding and columns
    job = BuddyImport.objects.create(
        programme=programme,
        training_institution=training_institution,
        created_by=actor,
        filename=(upload.name or "")[-200:],
        file_format=file_format,
        content=content,
        status=ImportStatus.CHECKING,
    )
    audit_record(actor=actor, action=AuditAction.BUDDY_IMPORT_START, target=job)
    transaction.on_commit(lambda: run_buddy_import.enqueue(job.pk, False))
    return job


@transaction.atomic
def buddy_import_confirm(*, actor: User, job: BuddyImport) -> BuddyImport:
    """The coordinator confirms a dry run without errors: run the import as a task."""
    job = BuddyImport.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.CHECKED or job.errors:
        raise ValidationError(_("Only a checked file without errors can be imported."))
    job.status = ImportStatus.IMPORTING
    job.rows_done = 0
    job.heartbeat_at = timezone.now()
    job.save(update_fields=["status", "rows_done", "heartbeat_at", "updated_at"])
    audit_record(actor=actor, action=AuditAction.BUDDY_IMPORT_CONFIRM, target=job)
    transaction.on_commit(lambda: run_buddy_import.enqueue(job.pk, True))
    return job


@transaction.atomic
def buddy_import_retry(*, actor: User, job: BuddyImport) -> BuddyImport:
    """Run the dry run again on the stored file of a failed job (a worker stopped, or the
    server had a problem): the coordinator need not upload it again."""
    job = BuddyImport.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.FAILED:
        raise ValidationError(_("Only a failed import can be tried again."))
    if not bytes(job.content):
        raise ValidationError(_("The file of this import is no longer stored. Upload it again."))
    job.status = ImportStatus.CHECKING
    job.rows_total = job.rows_done = 0
    job.errors = []
    job.failure = ""
    job.finished_at = None
    job.heartbeat_at = timezone.now()
    job.save()
    audit_record(actor=actor, action=AuditAction.BUDDY_IMPORT_RETRY, target=job)
    transaction.on_commit(lambda: run_buddy_import.enqueue(job.pk, False))
    return job


def _beat(job: BuddyImport, **fields: Any) -> None:
    """A sign of life, with progress: only while the job is still in the state this task
    runs it in. ImportAbandoned when the sweep failed it meanwhile (the task then stops)."""
    now = timezone.now()
    updated = BuddyImport.objects.filter(pk=job.pk, status=job.status).update(
        heartbeat_at=now, updated_at=now, **fields
    )
    if not updated:
        raise ImportAbandoned(job.pk)
    for name, value in fields.items():
        setattr(job, name, value)


def _progress(job: BuddyImport, done: int) -> None:
    _beat(job, rows_done=done)


def _validate_all(job: BuddyImport) -> tuple[list[ParsedRow], list[RowError]]:
    """Read every row of the stored file: the rows and every problem (line, column)."""
    content = bytes(job.content)
    try:
        header, rows = read_table(job.file_format, content)
        lines = list(rows)
    except ImportFileError as exc:
        return [], [RowError(0, "", " ".join(exc.messages))]
    lines = [(line, cells) for line, cells in lines if any(cells)]
    if len(lines) > MAX_ROWS:
        return [], [RowError(0, "", _("The file has more than %(max)s rows.") % {"max": MAX_ROWS})]
    _beat(job, rows_total=len(lines), rows_done=0)

    reader = RowReader(header)
    parsed: list[ParsedRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for index, (line, cells) in enumerate(lines, start=1):
        row, row_errors = reader.read(line, cells)
        errors.extend(row_errors)
        if row is not None:
            if row.email in seen:
                errors.append(
                    RowError(
                        line,
                        "e-mail",
                        _("This email address is already on line %(line)s.")
                        % {"line": seen[row.email]},
                    )
                )
            else:
                seen[row.email] = line
                parsed.append(row)
        if index % PROGRESS_EVERY == 0:
            _progress(job, index)
    errors.extend(_check_existing(job, parsed))
    _progress(job, len(lines))
    errors.sort(key=lambda e: e.line)
    return parsed, errors


def _existing_users(emails: list[str]) -> dict[str, User]:
    found: dict[str, User] = {}
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        for user in User.objects.filter(email__in=chunk).select_related("buddy"):
            found[user.email] = user
    return found


def _check_existing(job: BuddyImport, parsed: list[ParsedRow]) -> list[RowError]:
    """An email that belongs to an account without buddy profile, or to a buddy of another
    programme, is not touched by an import: the person joins themselves."""
    users = _existing_users([row.email for row in parsed])
    own = set(
        Buddy.programmes.through.objects.filter(
            programme_id=job.programme_id, buddy__user__in=users.values()
        ).values_list("buddy__user__email", flat=True)
    )
    errors = []
    for row in parsed:
        user = users.get(row.email)
        if user is None:
            continue
        if not hasattr(user, "buddy"):
            errors.append(
                RowError(
                    row.line, "e-mail", _("This email address has an account, but not as a buddy.")
                )
            )
        elif row.email not in own:
            errors.append(
                RowError(
                    row.line,
                    "e-mail",
                    _("This buddy belongs to another programme; ask them to join yours."),
                )
            )
    return errors


def _store_errors(job: BuddyImport, errors: list[RowError]) -> list[dict[str, Any]]:
    stored = [e.as_dict() for e in errors[:MAX_STORED_ERRORS]]
    if len(errors) > MAX_STORED_ERRORS:
        stored.append(
            {
                "line": 0,
                "column": "",
                "message": _("And %(count)s more problems.")
                % {"count": len(errors) - MAX_STORED_ERRORS},
            }
        )
    return stored


def _claim(import_id: int, status: str) -> BuddyImport:
    """The job, if it is still waiting for this task (`status`), with a first heartbeat;
    ImportAbandoned otherwise (failed as stale before a worker took it, or run already)."""
    job = BuddyImport.objects.select_related("programme", "training_institution").get(pk=import_id)
    if job.status != status:
        raise ImportAbandoned(import_id)
    _beat(job)
    return job


def _finish_checked(job: BuddyImport, errors: list[RowError]) -> None:
    """Back to "checked" with the problems found, unless the sweep failed the job."""
    updated = BuddyImport.objects.filter(pk=job.pk, status=job.status).update(
        errors=_store_errors(job, errors),
        status=ImportStatus.CHECKED,
        updated_at=timezone.now(),
    )
    if not updated:
        raise ImportAbandoned(job.pk)


def import_check(*, import_id: int) -> BuddyImport:
    """The dry run: every row's problems, and no change to any buddy."""
    job = _claim(import_id, ImportStatus.CHECKING)
    _parsed, errors = _validate_all(job)
    _finish_checked(job, errors)
    job.refresh_from_db()
    return job


def import_commit(*, import_id: int) -> BuddyImport:
    """Check again, then write every row in one transaction (all or nothing), with the
    invitation mails of the new accounts. Re-importing the same file updates the same
    buddies (key: email)."""
    job = _claim(import_id, ImportStatus.IMPORTING)
    parsed, errors = _validate_all(job)
    if errors:
        _finish_checked(job, errors)
        job.refresh_from_db()
        return job
    _beat(job)
    with transaction.atomic():
        # Locked for the write: the sweep cannot fail the job halfway; a job it failed
        # before this point is not written.
        locked = BuddyImport.objects.select_for_update().get(pk=job.pk)
        if locked.status != ImportStatus.IMPORTING:
            raise ImportAbandoned(job.pk)
        created, updated = _write(job, parsed)
        job.status = ImportStatus.DONE
        job.created_count = created
        job.updated_count = updated
        job.content = b""
        job.finished_at = timezone.now()
        job.save()
        audit_record(
            actor=job.created_by,
            action=AuditAction.BUDDY_IMPORT_COMMIT,
            target=job,
            detail={"created": created, "updated": updated},
        )
        buddy_import_invitations_mail(job=job)
    return job


def buddy_import_invitations_mail(*, job: BuddyImport) -> int:
    """Invite every buddy the import created, who has no password yet, to choose one: one
    mail each, in their language, written in the caller's transaction (a secret link: the
    outbox erases it once sent). Returns how many."""
    buddies = Buddy.objects.filter(source_import=job).select_related("user").order_by("pk")
    count = 0
    for buddy in buddies.iterator(chunk_size=500):
        if buddy.user.has_usable_password():
            continue
        mail_to_users(
            users=[buddy.user],
            template="buddies/email/import_invitation",
            kind="buddies.import_invitation",
            context={
                "programme": job.programme,
                "institution": job.training_institution,
                "invite_url": password_set_url(buddy.user),
            },
            sensitive=True,
        )
        count += 1
    return count


def import_run(*, import_id: int, commit: bool) -> None:
    """The import task: the dry run, or (`commit`) the import. Whatever goes wrong, the job
    does not stay running: it is failed with a Dutch message for the coordinator, who can
    try again. The traceback goes to the log, with the job's id only."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            if commit:
                import_commit(import_id=import_id)
            else:
                import_check(import_id=import_id)
        except ImportAbandoned:
            logger.warning("Buddy import %s: no longer running, the task stops", import_id)
        except Exception:
            logger.exception("Buddy import %s failed", import_id)
            import_fail(
                import_id=import_id,
                message=_(
                    "Something went wrong on our side while reading the file. Nothing was "
                    "changed. Try again; if it fails again, tell the platform team."
                ),
            )


def import_fail(*, import_id: int, message: str, silent_since: dt.datetime | None = None) -> bool:
    """Mark a running job failed with `message` (with `silent_since`: only if it gave no
    sign of life since then); False if it was no longer running."""
    running = BuddyImport.objects.filter(
        pk=import_id, status__in=[ImportStatus.CHECKING, ImportStatus.IMPORTING]
    )
    if silent_since is not None:
        running = running.filter(heartbeat_at__lt=silent_since)
    updated = running.update(
        status=ImportStatus.FAILED,
        failure=message[:500],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return bool(updated)


def imports_recover_stale(*, now: dt.datetime) -> int:
    """Fail every job left running by a worker that stopped: no heartbeat for STALE_AFTER.
    Nothing was written (the import is one transaction), so the coordinator can try again
    from the job's page. Each one leaves an audit event; returns how many."""
    cutoff = now - STALE_AFTER
    stale = BuddyImport.objects.filter(
        status__in=[ImportStatus.CHECKING, ImportStatus.IMPORTING], heartbeat_at__lt=cutoff
    ).values_list("pk", "status")
    failed = 0
    with translation.override(settings.LANGUAGE_CODE):
        message = _(
            "The work on this file stopped unexpectedly (the server was probably "
            "restarted). Nothing was changed. Try again."
        )
        for pk, status in list(stale):
            with transaction.atomic():
                if not import_fail(import_id=pk, message=message, silent_since=cutoff):
                    continue  # it beat or finished meanwhile
                job = BuddyImport.objects.defer("content").get(pk=pk)
                audit_record(
                    actor=None,
                    action=AuditAction.BUDDY_IMPORT_STALE,
                    target=job,
                    detail={"status": status},
                )
                failed += 1
    return failed


def _write(job: BuddyImport, parsed: list[ParsedRow]) -> tuple[int, int]:
    users = _existing_users([row.email for row in parsed])
    new_rows = [row for row in parsed if row.email not in users]
    old_rows = [row for row in parsed if row.email in users]

    # New accounts, without a password: the invitation mail lets them set one.
    unusable = make_password(None)
    new_users = User.objects.bulk_create(
        [
            User(
                email=row.email,
                first_name=row.first_name,
                last_name=row.last_name,
                password=unusable,
            )
            for row in new_rows
        ],
        batch_size=500,
    )
    new_users = list(User.objects.filter(email__in=[row.email for row in new_rows]))
    by_email = {user.email: user for user in new_users}
    # The invitation goes to this address, so setting a password proves it.
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=user, email=user.email, primary=True, verified=True)
            for user in new_users
        ],
        batch_size=500,
    )
    institution = job.training_institution
    new_buddies = Buddy.objects.bulk_create(
        [
            Buddy(
                user=by_email[row.email],
                training_institution=institution,
                status=ScreeningStatus.APPLIED,
                source_import=job,
                **row.buddy,
            )
            for row in new_rows
        ],
        batch_size=500,
    )
    new_buddies = list(Buddy.objects.filter(source_import=job, user__in=new_users))

    # Existing buddies of this programme: their profile is updated from the file.
    old_buddies = []
    for row in old_rows:
        user = users[row.email]
        user.first_name, user.last_name = row.first_name, row.last_name
        buddy = user.buddy
        for name, value in row.buddy.items():
            setattr(buddy, name, value)
        buddy.training_institution = institution
        old_buddies.append(buddy)
    User.objects.bulk_update(
        [users[row.email] for row in old_rows], ["first_name", "last_name"], batch_size=500
    )
    Buddy.objects.bulk_update(
        old_buddies,
        [*parsed[0].buddy.keys(), "training_institution"] if parsed else ["kind"],
        batch_size=500,
    )

    # Buddies saved in bulk: every stored funder's report is obsolete (issue 17, point 4).
    input_version.bump_all()
    Through = Buddy.programmes.through
    Through.objects.bulk_create(
        [Through(buddy_id=b.pk, programme_id=job.programme_id) for b in new_buddies],
        batch_size=500,
        ignore_conflicts=True,
    )
    Membership.objects.bulk_create(
        [
            Membership(user=user, organisation_id=job.programme_id, role=Role.BUDDY)
            for user in new_users
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    buddies_written.send(sender=Buddy, buddy_ids=[b.pk for b in [*new_buddies, *old_buddies]])
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=job.created_by,
                action=AuditAction.BUDDY_IMPORT,
                object_type=Buddy._meta.label_lower,
                object_id=str(buddy.uuid),
                detail={"import": str(job.uuid)},
            )
            for buddy in [*new_buddies, *old_buddies]
        ],
        batch_size=500,
    )
    return len(new_buddies), len(old_buddies)


@task
def run_buddy_import(import_id: int, commit: bool, *_old: Any) -> None:
    """Check (dry run) or run an uploaded import; progress is written as it goes, and any
    error marks the job failed with a message (`import_run`). Extra arguments of jobs an
    older release queued are ignored."""
    import_run(import_id=import_id, commit=commit)
