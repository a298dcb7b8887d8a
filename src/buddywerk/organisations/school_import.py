"""Import the education department's open list of schools (docs/import-schools.md).

All or nothing: the whole file is read and checked first; a wrong encoding, a missing
column or any bad row changes nothing. Idempotent on the school number
(instellingsnummer): a re-import updates the schools it knows and never duplicates one.
Imported schools count as confirmed: the list is the official one.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.geo.models import Postcode
from buddywerk.geo.places import normalise

from .models import OrganisationKind, School, SchoolLevel
from .services import school_number_normalise

if TYPE_CHECKING:
    from buddywerk.access.models import User

# Our column -> the names it goes by. The first name is the documented minimal set; the
# others are the headers of the department's open data lists ("onderwijsaanbod",
# "adressen van instellingen"), normalised (lower case, no accents, "_" for spaces).
COLUMNS: dict[str, tuple[str, ...]] = {
    "instellingsnummer": (
        "instellingsnummer",
        "instellingsnr",
        "instelling_nummer",
        "nr_instelling",
        "instnr",
    ),
    "naam": ("naam", "instellingsnaam", "naam_instelling", "officiele_naam", "roepnaam"),
    "straat": ("straat", "straatnaam", "adres", "straat_en_nummer"),
    "postcode": ("postcode", "postnummer", "post_code"),
    "gemeente": ("gemeente", "gemeentenaam", "fusiegemeente", "deelgemeente"),
    "niveau": ("niveau", "onderwijsniveau", "onderwijsaanbod", "niveau_onderwijs"),
}
HOUSE_NUMBER = ("huisnummer", "huisnr", "nummer", "nr")
REQUIRED = tuple(COLUMNS)
MAX_BYTES = 20 * 1024 * 1024


class SchoolImportError(Exception):
    """The file cannot be imported; nothing was changed. `errors` lists every problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class SchoolRow:
    line: int
    school_number: str
    name: str
    level: str
    street: str
    postcode: Postcode


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)


def _header_key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.strip().lstrip("\ufeff"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return "_".join(text.replace("-", " ").replace(".", " ").split())


def level_from_text(value: str) -> str | None:
    """ "basisonderwijs", "Gewoon lager onderwijs", "secundair", "primary" -> a SchoolLevel."""
    text = _header_key(value)
    if any(word in text for word in ("secundair", "secondary")):
        return SchoolLevel.SECONDARY
    if any(word in text for word in ("basis", "lager", "kleuter", "primary")):
        return SchoolLevel.PRIMARY
    return None


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SchoolImportError(
            [
                _(
                    "The file is not in UTF-8 (the problem starts at byte %(pos)s). "
                    "Save it as “CSV UTF-8” and try again."
                )
                % {"pos": exc.start}
            ]
        ) from exc


def _reader(text: str) -> csv.DictReader[str]:
    # Whole lines only: a line cut off halfway makes the delimiter look inconsistent.
    sample = text[:4096]
    if "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)


def _records(reader: csv.DictReader[str]) -> Iterator[tuple[int, dict[str, str | None]]]:
    """(line, record) for every row; a row the csv module cannot read (a field over its
    size limit, a broken quote) is a file error with its line, not a crash."""
    try:
        for record in reader:
            yield reader.line_num, record
    except csv.Error as exc:
        raise SchoolImportError(
            [_("The CSV file cannot be read after line %(line)s.") % {"line": reader.line_num}]
        ) from exc


def _fieldnames(reader: csv.DictReader[str]) -> Sequence[str] | None:
    try:
        return reader.fieldnames
    except csv.Error as exc:
        raise SchoolImportError(
            [_("The CSV file cannot be read after line %(line)s.") % {"line": reader.line_num}]
        ) from exc


def _columns(fieldnames: Sequence[str] | None) -> tuple[dict[str, str], str | None]:
    """Our column -> the file's header, and the house-number header if there is one."""
    if not fieldnames:
        raise SchoolImportError([_("The file is empty or has no header row.")])
    by_key = {_header_key(name): name for name in fieldnames if name}
    found = {}
    for column, aliases in COLUMNS.items():
        match = next((by_key[a] for a in aliases if a in by_key), None)
        if match is not None:
            found[column] = match
    missing = [column for column in REQUIRED if column not in found]
    if missing:
        raise SchoolImportError(
            [
                _("Missing column(s): %(columns)s. Expected at least: %(expected)s.")
                % {"columns": ", ".join(missing), "expected": ", ".join(REQUIRED)}
            ]
        )
    house = next((by_key[a] for a in HOUSE_NUMBER if a in by_key), None)
    return found, house


def schools_read(data: bytes) -> tuple[list[SchoolRow], list[str]]:
    """Check the whole file. Returns the rows and warnings, or raises SchoolImportError with
    every error (line, column, message)."""
    if len(data) > MAX_BYTES:
        raise SchoolImportError([_("The file is larger than 20 MB.")])
    reader = _reader(_decode(data))
    columns, house = _columns(_fieldnames(reader))
    postcodes = {p.code: p for p in Postcode.objects.select_related("municipality__province").all()}
    rows: list[SchoolRow] = []
    errors: list[str] = []
    warnings: list[str] = []
    seen: dict[str, int] = {}
    for line, record in _records(reader):

        def value(column: str, record: dict[str, str | None] = record) -> str:
            return (record.get(columns[column]) or "").strip()

        if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
            continue  # a blank line
        row_errors = []
        number = school_number_normalise(value("instellingsnummer"))
        if not 5 <= len(number) <= 12:
            row_errors.append(("instellingsnummer", _("a school number has 5 to 12 digits")))
        elif number in seen:
            row_errors.append(
                (
                    "instellingsnummer",
                    _("%(number)s is already on line %(line)s")
                    % {"number": number, "line": seen[number]},
                )
            )
        name = value("naam")
        if not name:
            row_errors.append(("naam", _("the name is empty")))
        elif len(name) > 200:
            row_errors.append(("naam", _("the name is longer than 200 characters")))
        level = level_from_text(value("niveau"))
        if level is None:
            row_errors.append(
                ("niveau", _("unknown level “%(value)s”") % {"value": value("niveau")})
            )
        street = value("straat")
        if house and (record.get(house) or "").strip():
            street = f"{street} {(record.get(house) or '').strip()}"
        if not street:
            row_errors.append(("straat", _("the street is empty")))
        postcode = postcodes.get(value("postcode"))
        if postcode is None:
            row_errors.append(
                (
                    "postcode",
                    _("unknown postcode “%(value)s”") % {"value": value("postcode")},
                )
            )
        elif value("gemeente") and not _same_place(value("gemeente"), postcode):
            warnings.append(
                _("line %(line)s: %(place)s is not in postcode %(code)s; the postcode counts")
                % {"line": line, "place": value("gemeente"), "code": postcode.code}
            )
        for column, message in row_errors:
            errors.append(
                _("line %(line)s, column %(column)s: %(message)s")
                % {"line": line, "column": columns[column], "message": message}
            )
        if not row_errors:
            seen[number] = line
            rows.append(SchoolRow(line, number, name, str(level), street[:200], postcode))  # type: ignore[arg-type]
    if errors:
        raise SchoolImportError(errors)
    if not rows:
        raise SchoolImportError([_("The file has no schools.")])
    return rows, warnings


def _same_place(name: str, postcode: Postcode) -> bool:
    municipality = postcode.municipality
    names = {municipality.name, municipality.name_fr, *postcode.localities.split(";")}
    return normalise(name) in {normalise(n) for n in names if n}


@transaction.atomic
def schools_import(*, actor: User | None, data: bytes) -> ImportReport:
    """Create or update every school of the file, confirmed (R4: the official list)."""
    rows, warnings = schools_read(data)
    report = ImportReport(warnings=warnings)
    existing = {
        s.school_number: s
        for s in School.objects.select_for_update().filter(
            school_number__in=[row.school_number for row in rows]
        )
    }
    now = timezone.now()
    for row in rows:
        school = existing.get(row.school_number)
        created = school is None
        if school is None:
            school = School(kind=OrganisationKind.SCHOOL, school_number=row.school_number)
        before = (
            school.name,
            school.level,
            school.street,
            school.postcode_id if not created else None,
            school.confirmed_at is not None,
        )
        school.name = row.name
        school.level = row.level
        school.street = row.street
        school.postcode = row.postcode
        school.municipality = row.postcode.municipality
        school.province = row.postcode.municipality.province
        if school.confirmed_at is None:
            school.confirmed_at = now
        after = (school.name, school.level, school.street, school.postcode_id, True)
        if not created and before == after:
            report.unchanged += 1
            continue
        school.full_clean(exclude=["postcode", "municipality", "province"], validate_unique=False)
        school.save()
        audit_record(
            actor=actor,
            action=AuditAction.SCHOOL_IMPORT_CREATE
            if created
            else AuditAction.SCHOOL_IMPORT_UPDATE,
            target=school,
        )
        if created:
            report.created += 1
        else:
            report.updated += 1
    return report


def schools_import_file(*, actor: User | None, path: Path) -> ImportReport:
    try:
        data = path.read_bytes()
    except OSError as exc:
        message = _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
        raise SchoolImportError([message]) from exc
    return schools_import(actor=actor, data=data)
