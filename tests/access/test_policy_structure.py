"""Issue 12, point 4: models know nothing of access, and the policy names real types.

The policy imports the model classes at module level (no TYPE_CHECKING block) and every
predicate and scoped queryset is annotated with them, never with `Any`. Models expose no
`visible_to`: selectors ask the policy's `<things>_visible_to(user, qs)`.
"""

import ast
import inspect
import typing
from pathlib import Path

import pytest
from django.apps import apps

from buddywerk.access import policy

pytestmark = pytest.mark.django_db

# Every Buddywerk app with models: none of them knows of access (issue 12, point 4).
SCOPED_BY_POLICY = sorted(
    config.label
    for config in apps.get_app_configs()
    if config.name.startswith("buddywerk.") and Path(config.path, "models.py").exists()
)


def _contains_any(hint: object) -> bool:
    if hint is typing.Any:
        return True
    if isinstance(hint, typing.TypeAliasType):
        return _contains_any(hint.__value__)
    return any(_contains_any(arg) for arg in typing.get_args(hint))


def _policy_functions() -> list[str]:
    return [
        name
        for name, value in vars(policy).items()
        if inspect.isfunction(value) and value.__module__ == policy.__name__
    ]


@pytest.mark.parametrize("name", _policy_functions())
def test_policy_function_is_typed_with_real_types(name):
    hints = typing.get_type_hints(getattr(policy, name))
    assert hints, f"{name} has no annotations"
    untyped = [param for param, hint in hints.items() if _contains_any(hint)]
    assert not untyped, f"policy.{name} annotates {untyped} with Any"


def test_policy_imports_its_types_at_module_level():
    tree = ast.parse(Path(policy.__file__).read_text())
    guarded = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
    ]
    assert not guarded
    local_imports = [
        f"{func.name}: {ast.unparse(node)}"
        for func in ast.walk(tree)
        if isinstance(func, ast.FunctionDef)
        for node in ast.walk(func)
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    assert not local_imports


@pytest.mark.parametrize("label", SCOPED_BY_POLICY)
def test_models_know_nothing_of_access(label):
    config = apps.get_app_config(label)
    for model in config.get_models():
        assert not hasattr(model.objects, "visible_to"), f"{model.__name__}.objects.visible_to"
    source = Path(config.path, "models.py").read_text()
    assert "policy" not in {
        alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom | ast.Import)
        for alias in node.names
    }
