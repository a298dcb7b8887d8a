"""Issue 12, point 4: models know nothing of access. The buddy, learning, matching and
network models neither import the policy nor offer a scoped queryset of their own;
selectors and views ask `access.policy` for the scope."""

import ast
import pathlib

import pytest
from django.apps import apps

import buddywerk

APPS = ["buddies", "learning", "matching", "network"]
SRC = pathlib.Path(buddywerk.__file__).parent
# The suite's autouse fixtures touch the database.
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("app", APPS)
def test_models_do_not_import_the_policy(app):
    tree = ast.parse((SRC / app / "models.py").read_text())
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    } | {
        f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert not {name for name in imported if name and name.startswith("buddywerk.access")}


@pytest.mark.parametrize("app", APPS)
def test_querysets_have_no_scope_of_their_own(app):
    for model in apps.get_app_config(app).get_models():
        queryset = model._default_manager._queryset_class
        assert not hasattr(queryset, "visible_to"), model
        assert not hasattr(queryset, "moderated_by"), model
