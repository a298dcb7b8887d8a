"""Turn EMAIL_URL into Django's MAILERS setting.

smtp://user:password@host:587?tls=1, smtp+ssl://host:465, console://, file:///path, locmem://
"""

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+ssl": "django.core.mail.backends.smtp.EmailBackend",
}


def mailers_from_url(url: str) -> dict[str, dict[str, Any]]:
    """Return MAILERS with one `default` mailer for `url`; ValueError on an unknown scheme."""
    parts = urlsplit(url)
    if parts.scheme not in _BACKENDS:
        raise ValueError(f"EMAIL_URL has an unknown scheme: {parts.scheme!r}")
    options: dict[str, Any] = {}
    if parts.scheme == "file":
        options["file_path"] = unquote(parts.path)
    if parts.scheme.startswith("smtp"):
        query = parse_qs(parts.query)
        options = {
            "host": parts.hostname or "localhost",
            "port": parts.port or (465 if parts.scheme == "smtp+ssl" else 25),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_ssl": parts.scheme == "smtp+ssl",
            "use_tls": query.get("tls", ["0"])[0] in {"1", "true"},
            "timeout": int(query.get("timeout", ["10"])[0]),
        }
    return {"default": {"BACKEND": _BACKENDS[parts.scheme], "OPTIONS": options}}
