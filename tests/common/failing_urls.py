"""A URLconf for tests only: the real routes plus one view that fails."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from buddywerk.urls import handler403, handler404, handler500
from buddywerk.urls import urlpatterns as real_urlpatterns

SECRET_DETAIL = "secret-detail-of-the-failure"


@login_not_required
def fail(request):
    raise RuntimeError(SECRET_DETAIL)


urlpatterns = [path("test-failure/", fail), *real_urlpatterns]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
