"""Point 5 of issue 18: schemathesis against every operation of the committed OpenAPI
document, with a token for each role and none: no server error, and every response
(status, media type, headers, body) valid against the document. Runs on whichever
database the suite runs on (SQLite and PostgreSQL in CI)."""

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from buddywerk.api.management.commands.api_schema import DOCUMENT
from tests.api.roles import TOKEN_ROLES, token_world

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 25


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler inside the test's transaction: requests must not close the
    test's connection (as Django's own test client arranges)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


SCHEMA = schemathesis.openapi.from_dict(json.loads(DOCUMENT.read_text()))
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.mark.parametrize("role", TOKEN_ROLES)
@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_every_operation_as_every_role(operation, role, wsgi_app):
    world = token_world()
    key = world["keys"][role]
    headers = {"Authorization": f"Bearer {key}"} if key else {}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        with transaction.atomic():
            response = case.call(app=wsgi_app, headers=headers)
            case.validate_response(response, checks=CHECKS)
            transaction.set_rollback(True)

    run()


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    settings.API_TOKEN_RATE_LIMIT = "100000/h"


def test_the_checks_catch_an_undocumented_answer(wsgi_app):
    """A control: the same checks fail when the document leaves out an answer the code
    gives (here the finder's 422)."""
    document = json.loads(DOCUMENT.read_text())
    del document["paths"]["/api/v1/programmes"]["get"]["responses"]["422"]
    schema = schemathesis.openapi.from_dict(document)
    operation = schema["/api/v1/programmes"]["GET"]
    case = operation.Case(query={"q": "9999"})
    response = case.call(app=wsgi_app)
    assert response.status_code == 422
    with pytest.raises(FailureGroup) as caught:
        case.validate_response(response, checks=CHECKS)
    assert "Undocumented status code" in repr(caught.value.exceptions)
