"""No test computes today at import time.

A CI run lasts long enough to cross midnight in Brussels: a date computed when a module
is collected (a constant, a parametrize value) is yesterday by the time its test runs, and
a check such as "not in the future" or "not before consent was given" then fails for a
reason that has nothing to do with the product. Compute days in the test (tests/days.py).
"""

import ast
from pathlib import Path

import pytest

# The suite's autouse fixtures clear the database cache.
pytestmark = pytest.mark.django_db

CLOCK_CALLS = {"localdate", "localtime", "now", "today", "utcnow"}
TESTS = Path(__file__).parent


def _clock_calls(node: ast.AST) -> list[int]:
    """Lines of clock calls that run when `node` is evaluated at import time."""
    if isinstance(node, ast.Lambda):
        return []
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        # The body runs later; decorators (parametrize) and defaults run now.
        evaluated = [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]
        return [line for expr in evaluated if expr is not None for line in _clock_calls(expr)]
    lines = []
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in CLOCK_CALLS:
            lines.append(node.lineno)
    for child in ast.iter_child_nodes(node):
        lines.extend(_clock_calls(child))
    return lines


def test_no_test_module_reads_the_clock_at_import_time():
    found = [
        f"{path.relative_to(TESTS.parent)}:{line}"
        for path in sorted(TESTS.rglob("*.py"))
        for line in _clock_calls(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not found, f"Dates computed at import time (use tests/days.py): {found}"


def test_the_check_finds_a_module_constant_and_a_parametrize_value():
    source = (
        "TODAY = timezone.localdate()\n"
        "@pytest.mark.parametrize('day', [dt.date.today()])\n"
        "def test_x(day, later=lambda: timezone.now()):\n"
        "    return timezone.now()\n"
    )
    assert _clock_calls(ast.parse(source)) == [1, 2]
