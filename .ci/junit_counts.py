"""Read a pytest JUnit report for .ci/run (standard library only: runs before any venv).

junit_counts.py REPORT.xml                       print "N passed, N failed, ..."
junit_counts.py --no-skipped-browser REPORT.xml  exit 1 if a browser test was skipped
"""

import sys
import xml.etree.ElementTree as ET  # noqa: S405 - our own pytest's report

BROWSER_TESTS = "tests.browser."


def outcomes(path: str) -> list[tuple[str, str]]:
    """(classname.name, outcome) for every test case in the report."""
    root = ET.parse(path).getroot()  # noqa: S314 - our own pytest's report
    found = []
    for case in root.iter("testcase"):
        name = f"{case.get('classname', '')}.{case.get('name', '')}"
        kinds = {child.tag for child in case}
        if "error" in kinds:
            outcome = "errors"
        elif "failure" in kinds:
            outcome = "failed"
        elif "skipped" in kinds:
            outcome = "skipped"
        else:
            outcome = "passed"
        found.append((name, outcome))
    return found


def main(argv: list[str]) -> int:
    if argv[:1] == ["--no-skipped-browser"]:
        skipped = [
            name
            for name, outcome in outcomes(argv[1])
            if outcome == "skipped" and name.startswith(BROWSER_TESTS)
        ]
        for name in skipped:
            print(f"skipped browser test: {name}", file=sys.stderr)
        return 1 if skipped else 0
    results = outcomes(argv[0])
    tally = {kind: 0 for kind in ("passed", "failed", "errors", "skipped")}
    for _name, outcome in results:
        tally[outcome] += 1
    browser = sum(1 for name, outcome in results if name.startswith(BROWSER_TESTS))
    parts = [f"{n} {kind}" for kind, n in tally.items() if n or kind == "passed"]
    print(f"{len(results)} tests: {', '.join(parts)} (browser: {browser})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
