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


def test_by_region_solves_each_region_on_its_own(tmp_path, capsys):
    """A buddy next door in another region is not proposed: each region is an independent
    solve, and the result is each region's optimum, put together."""
    data = json.loads(json.dumps(ISSUE_EXAMPLE))
    buddy, referral = data["buddies"][0], data["referrals"][0]
    data["buddies"] = [
        {**buddy, "id": "b1", "region": "VAN", "capacity": 1},
        {**buddy, "id": "b2", "region": "VOV", "capacity": 1, "languages": ["nl"]},
    ]
    data["referrals"] = [
        {**referral, "id": "r1", "region": "VOV"},  # needs Arabic: only b1 speaks it
        {**referral, "id": "r2", "region": "VAN", "contact_language": None},
    ]
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(data))
    out, pairs = tmp_path / "result.json", tmp_path / "pairs.csv"
    call_command("match", instance=str(path), out=str(out), pairs=str(pairs), by_region=True)
    result = json.loads(out.read_text())
    # together, b1 would take r1 and b2 r2 (2 matched); apart, only r2 finds a buddy
    call_command("match", instance=str(path), out=str(tmp_path / "whole.json"))
    assert json.loads((tmp_path / "whole.json").read_text())["matched"] == 2
    assert result["matched"] == 1
    assert result["assignments"] == [{"referral": "r2", "buddy": "b1", "score": 740}]
    assert [u["referral"] for u in result["unmatched"]] == ["r1"]
    assert result["unmatched"][0]["constraint"] == "language"
    assert [
        (r["region"], r["referrals"], r["buddies"], r["pairs"], r["matched"])
        for r in result["regions"]
    ] == [
        ("VAN", 1, 1, 1, 1),
        ("VOV", 1, 1, 0, 0),
    ]
    with pairs.open(newline="") as f:
        assert list(csv.reader(f)) == [["referral", "buddy", "score"], ["r2", "b1", "740"]]
    printed = capsys.readouterr().out
    assert "region VAN: 1 of 1 referrals matched, 1 buddies, 1 feasible pairs" in printed
    assert "1 of 2 referrals matched in 2 regions, total score 740, 1 feasible pairs" in printed


def test_by_region_refuses_records_without_a_region_and_greedy(tmp_path):
    with pytest.raises(CommandError, match='missing field "region"'):
        call_command("match", instance=str(instance_file(tmp_path)), by_region=True)
    with pytest.raises(CommandError, match="--greedy cannot be combined with --by-region"):
        call_command("match", instance=str(instance_file(tmp_path)), by_region=True, greedy=True)
