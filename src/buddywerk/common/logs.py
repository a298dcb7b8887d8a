"""Structured logs: one JSON object per line in production, with the request id of the
request (or of the request that enqueued the task) on every line (issue 17, point 2).

No Django imports here: gunicorn's master process configures its logging from this module
too (common/gunicorn_conf.py), before any Django is loaded.

What a log line may hold: ids (database ids, UUIDs, the request id), kinds, counts,
statuses, URL *routes* (the pattern, never the path: paths carry secret keys), exception
class names. Never a person's name, an address, a mail's subject or body, a token or a
secret link (tests/conftest.py checks every line the suite logs).
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
task_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("task_id", default="")

FORMATS = ("json", "plain")


class ContextFilter(logging.Filter):
    """Put the current request id and task id on every record ("-" outside one), and keep
    URL paths out: Django's request loggers write the path of every 4xx/5xx response
    ("Not Found: /accounts/password/reset/key/...") and attach the request object, whose
    text holds the path and query string. Both are replaced by the URL route."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        record.task_id = task_id_var.get() or "-"
        request = getattr(record, "request", None)
        if request is not None and not isinstance(request, str):
            match = getattr(request, "resolver_match", None)
            route = getattr(match, "route", None) or "-"
            path = getattr(request, "path", None)
            if path and isinstance(record.args, tuple):
                record.args = tuple(route if arg == path else arg for arg in record.args)
            record.request = f"{getattr(request, 'method', '-')} {route}"
        return True


def logging_config(*, fmt: str, level: str) -> dict[str, Any]:
    """The dictConfig of Django and gunicorn alike: `fmt` "json" (one object per line:
    timestamp, level, logger, message, request_id, task_id and any `extra` fields) or
    "plain" (for a person at a terminal)."""
    if fmt not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, got {fmt!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(levelname)s %(name)s %(message)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": True,
                # names of places and programmes stay readable: "Sint-Niklaas", "Liège"
                "json_ensure_ascii": False,
            },
            "plain": {
                "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            },
        },
        "filters": {"context": {"()": "buddywerk.common.logs.ContextFilter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": fmt,
                "filters": ["context"],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # SQL with its parameters would put personal data in the logs.
            "django.db.backends": {"level": "WARNING"},
            # gunicorn's own lines (worker boots, timeouts) through the same handler.
            "gunicorn.error": {"level": level, "propagate": True},
            "gunicorn.access": {"level": "WARNING", "propagate": True},
            # Python warnings (Django captures them) as JSON lines too, not bare text.
            "py.warnings": {"handlers": [], "propagate": True},
        },
    }
