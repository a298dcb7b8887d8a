"""The follow-up app depends on trajectories, never the reverse (issue 12, point 3).

Read statically from the source: an import (absolute or relative), a dotted path in a
string (`include("buddywerk.followup.urls")`, `import_module(...)`) and, in templates, a
follow-up URL name or template. trajectories names none of them; every other place that
does is listed here with its reason.
"""

import ast
import re
from pathlib import Path

import pytest

import buddywerk

pytestmark = pytest.mark.django_db  # the autouse fixtures (cache) need it

SRC = Path(buddywerk.__file__).parent
FOLLOWUP = "buddywerk.followup"
# {% url 'followup:...' %} and {% include "followup/..." %} (or extends) in a template.
TEMPLATE_USE = re.compile(r"""['"]followup[:/]""")

# Places outside the follow-up app that may name it, and why.
ALLOWED = {
    "settings.py": "INSTALLED_APPS lists every app",
    "urls.py": "the project's URL map includes every app's URLs",
    "common/scheduler.py": "the scheduler runs every app's periodic job (followup-reminders)",
    "demo/steps/followup.py": "the demo world builds the duos' follow-up through its services",
    "templates/partials/nav_links.html": "the site's navigation links every app's pages",
    "privacy/access_export.py": (
        "access on request (GDPR Art. 15) exports the tandem notes and survey answers too"
    ),
    "privacy/purge.py": (
        "the purge archives and deletes a duo's follow-up with its duo (retention schedule)"
    ),
    "privacy/erasure_services.py": (
        "erasure on request lists and erases the child's follow-up (tandem notes, surveys)"
    ),
    "reports/todo.py": (
        "the home page's to-do list gathers every app's items (followup/todo.py among them)"
    ),
    "internships/selectors.py": (
        "the internship file shows the kijkwijzer outcomes meant for the student (issue 20)"
    ),
    "reports/templates/reports/home.html": (
        "the coordinator's home page shows the follow-up's open-concerns panel"
    ),
}


def _module(path: Path, src: Path) -> str:
    parts = path.relative_to(src.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _names_followup(name: str | None) -> bool:
    return name is not None and (name == FOLLOWUP or name.startswith(FOLLOWUP + "."))


def python_uses(path: Path, src: Path = SRC) -> list[str]:
    """Where a module imports the follow-up app or names one of its modules."""
    module = _module(path, src)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names = [node.value]
        if any(_names_followup(name) for name in names):
            found.append(f"{path.relative_to(src)}:{node.lineno}")
    return found


def template_uses(path: Path) -> list[str]:
    return [
        f"{path.relative_to(SRC)}:{number}"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if TEMPLATE_USE.search(line)
    ]


def uses_outside_followup() -> dict[str, list[str]]:
    uses: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*")):
        relative = path.relative_to(SRC)
        if relative.parts[0] == "followup" or "__pycache__" in relative.parts:
            continue
        if path.suffix == ".py":
            found = python_uses(path)
        elif path.suffix in {".html", ".txt"} and "templates" in relative.parts:
            found = template_uses(path)
        else:
            continue
        if found:
            uses[relative.as_posix()] = found
    return uses


def test_trajectories_never_names_the_followup_app():
    uses = uses_outside_followup()
    assert {k: v for k, v in uses.items() if k.startswith("trajectories/")} == {}


def test_other_apps_name_the_followup_app_only_where_listed_with_a_reason():
    uses = uses_outside_followup()
    assert sorted(set(uses) - set(ALLOWED)) == [], uses
    # The list holds no stale entry either: each place still needs its exception.
    assert sorted(set(ALLOWED) - set(uses)) == []


def test_the_check_sees_every_way_of_naming_the_app(tmp_path):
    """The checks above pass because nothing is found: show that they would find it."""
    src = tmp_path / "buddywerk"
    (src / "trajectories").mkdir(parents=True)
    module = src / "trajectories" / "models.py"
    module.write_text(
        "import buddywerk.followup.models\n"
        "from buddywerk.followup import services\n"
        "from ..followup.selectors import duo_followup\n"
        "from .. import followup\n"
        "from buddywerk import trajectories\n"
        'TASK = "buddywerk.followup.tasks.followup_mail_send"\n'
        "from .selectors import trajectory_get\n"
    )
    assert python_uses(module, src) == [f"trajectories/models.py:{n}" for n in (1, 2, 3, 4, 6)]
    lines = [
        "{% url 'followup:duo' trajectory.uuid %}",
        '{% include "followup/partials/actions.html" %}',
        "{% url 'trajectories:detail' trajectory.uuid %}",
    ]
    assert [bool(TEMPLATE_USE.search(line)) for line in lines] == [True, True, False]
