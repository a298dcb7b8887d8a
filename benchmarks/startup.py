"""Start-up of the command line (issue 17, point 5): `buddywerk --help` and `buddywerk match`
on the 1x matching instance (2,000 referrals, 800 buddies), from the shell, start-up included.

    uv run python benchmarks/startup.py [--runs 10]

Each command runs in a fresh process, as a user types it; the script prints the median wall
time, the median CPU time (user + system, which the load of other processes on the machine
does not inflate) and both as a ratio to `python -c pass` and `python -c "import django"`
measured in the same run, with the load average before and after. Targets on a quiet
machine: `buddywerk --help` <= 0.5 s, `buddywerk match` <= 1 s. Where the time goes:
`python -X importtime -m buddywerk.cli --help 2> imports.txt`.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from matching import generate  # noqa: E402 - the matching benchmark's 1x instance

BIN = Path(sys.executable).parent
BUDDYWERK = str(BIN / "buddywerk")


def _time(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `runs` fresh processes (after one warm-up)."""
    walls, cpus = [], []
    for i in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if i:  # the first run warms the file cache and writes byte code
            walls.append(wall)
            cpus.append(cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="buddywerk-startup-") as tmp:
        instance = Path(tmp) / "instance-1.json"
        instance.write_text(json.dumps(generate(1)), encoding="utf-8")
        env_python = sys.executable
        cases = [
            ("python -c pass", [env_python, "-c", "pass"]),
            ('python -c "import django"', [env_python, "-c", "import django"]),
            ("buddywerk --help", [BUDDYWERK, "--help"]),
            (
                "buddywerk match (1x)",
                [BUDDYWERK, "match", "--instance", str(instance), "--out", f"{tmp}/r.json"],
            ),
        ]
        results = {label: _time(command, args.runs) for label, command in cases}
    load_after = os.getloadavg()
    base_wall, base_cpu = results["python -c pass"]
    django_wall, django_cpu = results['python -c "import django"']
    print(
        f"start-up, median of {args.runs} runs; {os.cpu_count()} cores, load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after"
    )
    # ratios to the floor first (issue 22, point 1), then the times
    print(
        f"  {'command':<28} {'wall/pass':>10} {'CPU/pass':>9} {'CPU/django':>11}"
        f" {'wall':>8} {'CPU':>8}"
    )
    for label, (wall, cpu) in results.items():
        print(
            f"  {label:<28} {wall / base_wall:9.1f}x {cpu / max(base_cpu, 1e-3):8.1f}x"
            f" {cpu / max(django_cpu, 1e-3):10.1f}x {wall:7.3f}s {cpu:7.3f}s"
        )
    print("  targets on a quiet machine: --help <= 0.5 s, match <= 1 s (wall)")


if __name__ == "__main__":
    main()
