"""`buddywerk import-schools`: valid, broken, duplicate, re-import, encoding, columns."""

import pytest
from django.core.management import CommandError, call_command

from buddywerk.common.models import AuditEvent
from buddywerk.organisations.models import School, SchoolLevel
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

VALID = (
    "instellingsnummer;naam;straat;huisnummer;postcode;gemeente;niveau\n"
    "012345;Vrije Basisschool De Linde;Kerkstraat;12;2800;Mechelen;Gewoon basisonderwijs\n"
    "045678;Atheneum Gentbrugge;Jules Van Praetstraat;54;9050;Gent;Gewoon secundair onderwijs\n"
)


def _file(tmp_path, text, encoding="utf-8", name="scholen.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _run(path):
    call_command("import_schools", str(path))


def test_a_valid_file_adds_confirmed_schools(tmp_path, capsys):
    _run(_file(tmp_path, VALID))
    linde = School.objects.get(school_number="012345")
    assert linde.name == "Vrije Basisschool De Linde"
    assert linde.street == "Kerkstraat 12"
    assert linde.level == SchoolLevel.PRIMARY
    assert linde.municipality.name == "Mechelen"
    assert linde.province.name == "Antwerpen"
    assert linde.confirmed_at is not None
    assert School.objects.get(school_number="045678").level == SchoolLevel.SECONDARY
    assert "2 scholen toegevoegd, 0 bijgewerkt, 0 ongewijzigd." in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="school.import_create").count() == 2


def test_reimport_never_duplicates_and_updates_what_changed(tmp_path, capsys):
    path = _file(tmp_path, VALID)
    _run(path)
    _run(path)
    assert School.objects.count() == 2
    assert "0 scholen toegevoegd, 0 bijgewerkt, 2 ongewijzigd." in capsys.readouterr().out
    _run(_file(tmp_path, VALID.replace("De Linde", "De Lindeboom"), name="v2.csv"))
    assert School.objects.count() == 2
    assert School.objects.get(school_number="012345").name == "Vrije Basisschool De Lindeboom"
    assert "0 scholen toegevoegd, 1 bijgewerkt, 1 ongewijzigd." in capsys.readouterr().out


def test_import_confirms_a_school_that_registered_itself(tmp_path):
    SchoolFactory(school_number="012345", name="De Linde", confirmed_at=None)
    _run(_file(tmp_path, VALID))
    school = School.objects.get(school_number="012345")
    assert school.confirmed_at is not None
    assert school.name == "Vrije Basisschool De Linde"


def test_the_minimal_columns_with_commas_are_enough(tmp_path):
    text = (
        "instellingsnummer,naam,straat,postcode,gemeente,niveau\n"
        "112233,Basisschool Heffen,Dorp 1,2801,Heffen,lager\n"
    )
    _run(_file(tmp_path, text))
    assert School.objects.get(school_number="112233").municipality.name == "Mechelen"


def test_open_data_header_names_are_accepted(tmp_path):
    text = (
        "Instellingsnummer;Instellingsnaam;Straatnaam;Huisnr;Postcode;Fusiegemeente;"
        "Onderwijsniveau;Telefoon\n"
        "223344;Sint-Jozefscollege;Markt;3;3000;Leuven;Secundair onderwijs;016 00 00 00\n"
    )
    _run(_file(tmp_path, "\ufeff" + text))
    school = School.objects.get(school_number="223344")
    assert (school.name, school.street, school.level) == (
        "Sint-Jozefscollege",
        "Markt 3",
        "secondary",
    )


def test_a_broken_file_lists_every_error_and_changes_nothing(tmp_path):
    text = (
        "instellingsnummer,naam,straat,postcode,gemeente,niveau\n"
        "334455,Goede school,Straat 1,2800,Mechelen,basis\n"
        "12,Te kort nummer,Straat 2,2800,Mechelen,basis\n"
        "445566,,Straat 3,9999,Gent,hoger\n"
    )
    with pytest.raises(CommandError) as excinfo:
        _run(_file(tmp_path, text))
    message = str(excinfo.value)
    assert "Er is niets geïmporteerd:" in message
    assert (
        "regel 3, kolom instellingsnummer: een instellingsnummer heeft 5 tot 12 cijfers" in message
    )
    assert "regel 4, kolom naam: de naam is leeg" in message
    assert "regel 4, kolom postcode: onbekende postcode “9999”" in message
    assert "regel 4, kolom niveau: onbekend niveau “hoger”" in message
    assert not School.objects.exists()


def test_a_duplicate_school_number_in_the_file_is_an_error(tmp_path):
    text = VALID + "012345;Dubbel;Straat;1;2800;Mechelen;basis\n"
    with pytest.raises(
        CommandError, match="regel 4, kolom instellingsnummer: 012345 staat al op regel 2"
    ):
        _run(_file(tmp_path, text))
    assert not School.objects.exists()


def test_wrong_encoding_is_refused_and_changes_nothing(tmp_path):
    text = VALID.replace("De Linde", "Sint-Égide")
    with pytest.raises(CommandError, match="Het bestand is niet in UTF-8"):
        _run(_file(tmp_path, text, encoding="cp1252"))
    assert not School.objects.exists()


def test_an_unreadable_row_is_a_clear_error_not_a_crash(tmp_path):
    """A field beyond the csv module's limit (131,072 characters) used to end the command
    in a traceback; it is a file error with its line, and nothing changes."""
    text = VALID + "067890;" + "x" * 200_000 + ";Straat;1;2800;Mechelen;basisonderwijs\n"
    with pytest.raises(CommandError, match="kan na regel 3 niet verder gelezen worden"):
        _run(_file(tmp_path, text))
    assert not School.objects.exists()


def test_a_missing_column_is_named_and_changes_nothing(tmp_path):
    text = "instellingsnummer;naam;straat;postcode;gemeente\n012345;X;Y;2800;Mechelen\n"
    with pytest.raises(CommandError, match="Ontbrekende kolom\\(men\\): niveau"):
        _run(_file(tmp_path, text))
    assert not School.objects.exists()


def test_an_empty_file_or_missing_file_gives_a_clear_message(tmp_path):
    with pytest.raises(CommandError, match="Het bestand is leeg"):
        _run(_file(tmp_path, ""))
    with pytest.raises(CommandError, match="Kan .* niet lezen"):
        _run(tmp_path / "bestaat-niet.csv")


def test_a_place_outside_the_postcode_is_only_a_warning(tmp_path, capsys):
    text = VALID.replace(";9050;Gent;", ";9050;Antwerpen;")
    _run(_file(tmp_path, text))
    assert School.objects.count() == 2
    assert (
        "regel 3: Antwerpen ligt niet in postcode 9050; de postcode telt" in capsys.readouterr().err
    )


def test_the_buddywerk_cli_maps_the_hyphenated_name(capsys):
    # --help stops before the command runs (a real run closes the test's DB connection).
    from buddywerk.cli import main

    with pytest.raises(SystemExit) as excinfo:
        main(["import-schools", "--help"])
    assert excinfo.value.code == 0
    assert "docs/import-schools.md" in capsys.readouterr().out
