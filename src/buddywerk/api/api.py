"""The versioned API: /api/v1/ (OpenAPI 3.1 at /api/v1/openapi.json, docs at /api/v1/docs).

A later, incompatible version gets its own NinjaAPI under /api/v2/ beside this one; v1 keeps
its document (docs/api/openapi-v1.json) until it is retired.
"""

from ninja import NinjaAPI

from .routers import open_data

api_v1 = NinjaAPI(
    title="Buddywerk API",
    version="1",
    description=(
        "The same data and rules as the Buddywerk pages. Open data needs no token; "
        "everything else needs a personal API token (docs/api.md)."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api_v1.add_router("/", open_data.router)
