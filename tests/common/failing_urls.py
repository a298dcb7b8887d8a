"""A URLconf for tests only: the real routes plus one view that fails."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from buddywerk.urls import handler403, handler404, handler500
from buddywerk.urls import urlpatterns as real_urlpatterns

SECRET_DETAIL = "secret-detail-of-the-failure"


@login_not_required
def fail(request):
    raise RuntimeError(SECRET_DETAIL)


@login_not_required
def database_gone(request):
    """What a view meets when PostgreSQL restarts under it (psycopg's error, wrapped)."""
    from django.db import OperationalError

    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


urlpatterns = [
    path("test-failure/", fail),
    path("test-database-gone/", database_gone),
    *real_urlpatterns,
]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
