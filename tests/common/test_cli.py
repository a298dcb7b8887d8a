"""The `buddywerk` command's fast paths (issue 17, point 5): the same answers as Django's,
without its start-up. Times are measured in benchmarks/startup.py, never asserted here."""

import os
import subprocess
import sys

import pytest
from django.core.management import get_commands

from buddywerk.cli_help import commands, main_help_text

# The autouse cache fixture (tests/conftest.py) uses the database cache.
pytestmark = pytest.mark.django_db


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and entry point
        [sys.executable, "-c", "from buddywerk.cli import main; main()", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "buddywerk.settings"},
    )


def test_the_fast_list_of_commands_is_djangos_list():
    assert commands() == get_commands()


def test_help_lists_every_command_with_our_own_described():
    text = main_help_text()
    for name, app in get_commands().items():
        shown = name.replace("_", "-") if app.startswith("buddywerk.") else name
        assert f"    {shown}" in text, name
    assert "run-scheduled         Run every scheduled job once" in text


def test_help_sets_no_django_up():
    """A real process: `--help` must not import the models (django.setup())."""
    done = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import sys; from buddywerk.cli import main; main(['--help']); "
            "print('SETUP' if 'django.contrib.auth.models' in sys.modules else 'NOSETUP')",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.rstrip().endswith("NOSETUP")
    assert "Type 'buddywerk help <subcommand>'" in done.stdout


def test_match_loads_neither_django_nor_the_models(tmp_path):
    from tests.matching.test_match_command import instance_file

    out = tmp_path / "result.json"
    done = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import sys; from buddywerk.cli import main\n"
            "try:\n    main(sys.argv[1:])\n"
            "finally:\n    print(sorted(m for m in sys.modules if m.startswith('django')))",
            "match",
            "--instance",
            str(instance_file(tmp_path)),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
    assert out.exists()


def test_help_on_one_command_still_goes_through_django():
    done = _run("help", "run-scheduled")
    assert done.returncode == 0, done.stderr
    assert "--every" in done.stdout


def test_setting_django_up_loads_no_numerical_library():
    """Web workers and every command start without numpy, scipy and OR-tools: the models
    take the weights from matching/weights.py, not from the engine."""
    done = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import django, sys; django.setup(); "
            "print(sorted({m.split('.')[0] for m in sys.modules} "
            "& {'numpy', 'scipy', 'ortools', 'weasyprint', 'openpyxl'}))",
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "buddywerk.settings"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
