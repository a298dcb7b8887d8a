"""`buddywerk --help` without setting Django up (issue 17, point 5: at most 0.5 s).

Django's own main help calls `django.setup()`, which imports every app's models (about a
second). The list of commands needs none of that: Django finds a command by its file name
under `<app>/management/commands/`, so this module does the same for the apps in
INSTALLED_APPS, locating each app's folder with `importlib.util.find_spec` (which imports
only parent packages, never the app itself). Buddywerk's own commands get their one-line
`help`, read from the command's source with `ast` rather than by importing it.
tests/common/test_cli.py checks that the list equals Django's.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import pkgutil
from pathlib import Path

OWN_PREFIX = "buddywerk."


def _package_dir(dotted: str) -> Path | None:
    """The folder of the package `dotted` (or of the package holding an AppConfig path)."""
    while dotted:
        try:
            spec = importlib.util.find_spec(dotted)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.submodule_search_locations:
            return Path(next(iter(spec.submodule_search_locations)))
        dotted = dotted.rpartition(".")[0]
    return None


def _commands_in(package_dir: Path) -> list[str]:
    folder = package_dir / "management" / "commands"
    if not folder.is_dir():
        return []
    return [
        name
        for _finder, name, is_pkg in pkgutil.iter_modules([str(folder)])
        if not is_pkg and not name.startswith("_")
    ]


def _app_name(entry: str, package_dir: Path) -> str:
    """The app's module name (what Django groups commands by), for a module or an
    AppConfig path in INSTALLED_APPS."""
    parts = entry.split(".")
    while parts and Path(*parts[-1:]).name != package_dir.name:
        parts.pop()
    return ".".join(parts) or entry


def commands() -> dict[str, str]:
    """Every command name -> the app that provides it, with Django's precedence (the
    first app in INSTALLED_APPS wins, then Django's core commands)."""
    settings = importlib.import_module(
        os.environ.get("DJANGO_SETTINGS_MODULE", "buddywerk.settings")
    )
    django_dir = _package_dir("django")
    if django_dir is None:
        raise RuntimeError("Django is not installed")
    found = {name: "django.core" for name in _commands_in(django_dir / "core")}
    for entry in reversed(list(settings.INSTALLED_APPS)):
        package_dir = _package_dir(entry)
        if package_dir is None:
            continue
        app = _app_name(entry, package_dir)
        found.update({name: app for name in _commands_in(package_dir)})
    return found


def _one_line_help(app: str, name: str) -> str:
    """The command's `help` string (or its module docstring's first line), from source."""
    package_dir = _package_dir(app)
    if package_dir is None:
        return ""
    path = package_dir / "management" / "commands" / f"{name}.py"
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return ""
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "Command":
            for statement in node.body:
                if (
                    isinstance(statement, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == "help" for t in statement.targets)
                    and isinstance(statement.value, ast.Constant)
                    and isinstance(statement.value.value, str)
                ):
                    return " ".join(statement.value.value.split())
    doc = ast.get_docstring(tree) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def main_help_text() -> str:
    found = commands()
    ours = sorted(name for name, app in found.items() if app.startswith(OWN_PREFIX))
    lines = [
        "",
        "Type 'buddywerk help <subcommand>' for help on a specific subcommand.",
        "",
        "Buddywerk's commands (dashes or underscores: run-scheduled = run_scheduled):",
        "",
    ]
    width = max((len(name) for name in ours), default=0)
    for name in ours:
        text = _one_line_help(found[name], name)
        lines.append(f"    {name.replace('_', '-'):<{width}}  {text}".rstrip())
    lines += ["", "Django's and the libraries' commands:"]
    groups: dict[str, list[str]] = {}
    for name, app in found.items():
        if not app.startswith(OWN_PREFIX):
            label = "django" if app == "django.core" else app.rpartition(".")[-1]
            groups.setdefault(label, []).append(name)
    for group in sorted(groups):
        lines += ["", f"[{group}]"]
        lines += [f"    {name}" for name in sorted(groups[group])]
    return "\n".join(lines) + "\n"
