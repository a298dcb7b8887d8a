"""The API's URLs. Every API view is reached without a session (tokens authenticate,
not cookies): `login_not_required` for LoginRequiredMiddleware."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern

from .api import api_v1


def _without_session_login(patterns: list[Any]) -> list[Any]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            login_not_required(pattern.callback)
    return patterns


_patterns, _app_name, _namespace = api_v1.urls
api_v1_urls = (_without_session_login(list(_patterns)), _app_name, _namespace)
