"""The API (issue 18). Open data answers everyone alike. The session of the signed-in
principals grants nothing here: the API reads tokens only (tests/api/)."""

from tests.access.matrix import Route, outcomes

ROUTES = [
    # Nothing at the root (django-ninja shows the docs there only with DEBUG).
    Route("api-v1:api-root", outcomes(404)),
    Route("api-v1:openapi-json", outcomes(200)),
    Route("api-v1:openapi-view", outcomes(200)),
    Route("api-v1:programme_find", outcomes(200), data={"q": "2800"}),
    Route(
        "api-v1:programme_get",
        outcomes(200),
        args=lambda w: {"programme_uuid": w.objects["programme"].uuid},
    ),
]
