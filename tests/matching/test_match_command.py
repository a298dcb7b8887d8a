"""`buddywerk match`: instance file in, result file out, no database."""

import csv
import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from .test_instance import ISSUE_EXAMPLE


@pytest.fixture(autouse=True)
def _clear_cache():
    """Overrides the project-wide cache reset, so pytest-django's ban on database access
    holds here: the command must run without one."""
    yield


def instance_file(tmp_path, data=None):
    data = data or json.loads(json.dumps(ISSUE_EXAMPLE))
    data["referrals"].append({**data["referrals"][0], "id": "r9", "contact_language": "ku"})
    data["referrals"].append({**data["referrals"][0], "id": "r2", "urgency": 3})
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(data))
    return path


def test_solves_an_instance_into_a_result_file_and_a_pairs_file(tmp_path, capsys):
    out, pairs = tmp_path / "result.json", tmp_path / "pairs.csv"
    call_command("match", instance=str(instance_file(tmp_path)), out=str(out), pairs=str(pairs))
    result = json.loads(out.read_text())
    assert result == {
        "matched": 2,
        "total_score": 740 + 640,
        "assignments": [
            {"referral": "r1", "buddy": "b1", "score": 740},
            {"referral": "r2", "buddy": "b1", "score": 640},  # urgent: a junior fits less
        ],
        "unmatched": [
            {
                "referral": "r9",
                "reason": "geen buddy in de buurt met een moment samen spreekt Koerdisch",
                "constraint": "language",
            }
        ],
    }
    with pairs.open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [["referral", "buddy", "score"], ["r1", "b1", "740"], ["r2", "b1", "640"]]
    assert "2 of 3 referrals matched, total score 1380, 2 feasible pairs" in capsys.readouterr().out


def test_result_on_standard_output_with_greedy_figures_in_english(tmp_path, capsys):
    call_command("match", instance=str(instance_file(tmp_path)), greedy=True, lang="en")
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert result["greedy"] == {
        "matched": 2,
        "total_score": 1380,
        "mean_score": 690.0,
        "mean_distance_km": 1.31,
    }
    assert result["unmatched"][0]["reason"] == (
        "no buddy nearby with a common time slot speaks Kurdish"
    )
    assert "2 of 3 referrals matched" in captured.err


def test_a_malformed_instance_is_refused_with_the_record_and_field(tmp_path):
    data = json.loads(json.dumps(ISSUE_EXAMPLE))
    del data["buddies"][0]["capacity"]
    out = tmp_path / "result.json"
    with pytest.raises(CommandError) as error:
        call_command("match", instance=str(instance_file(tmp_path, data)), out=str(out))
    assert 'buddies[0] (id "b1"): missing required field "capacity"' in str(error.value)
    assert not out.exists()


def test_the_command_runs_where_no_database_can_be_opened(tmp_path):
    """A real process with an impossible DATABASE_URL: any database access would fail it."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/no/such/dir/db.sqlite3",
        "DJANGO_SETTINGS_MODULE": "buddywerk.settings",
    }
    out = tmp_path / "result.json"
    command = [sys.executable, "-c", "from buddywerk.cli import main; main()", "match"]
    done = subprocess.run(  # noqa: S603 - our own interpreter and entry point
        [*command, "--instance", str(instance_file(tmp_path)), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["matched"] == 2
    (tmp_path / "bad.json").write_text('{"buddies": [], "referrals": [{"id": "r1"}]}')
    done = subprocess.run(  # noqa: S603
        [*command, "--instance", str(tmp_path / "bad.json")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 1
    assert 'referrals[0] (id "r1"): missing required field "lat"' in done.stderr
