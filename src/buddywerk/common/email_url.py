"""Turn EMAIL_URL into Django's email settings.

smtp://user:password@host:587?tls=1, smtp+ssl://host:465, console://, file:///path, locmem://
"""

from pathlib import Path
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


def email_settings(url: str) -> dict[str, Any]:
    """Return EMAIL_* settings for `url`; raises ValueError on an unknown scheme."""
    parts = urlsplit(url)
    if parts.scheme not in _BACKENDS:
        raise ValueError(f"EMAIL_URL has an unknown scheme: {parts.scheme!r}")
    result: dict[str, Any] = {"EMAIL_BACKEND": _BACKENDS[parts.scheme]}
    if parts.scheme == "file":
        result["EMAIL_FILE_PATH"] = str(Path(unquote(parts.path)))
    if parts.scheme.startswith("smtp"):
        query = parse_qs(parts.query)
        result.update(
            EMAIL_HOST=parts.hostname or "localhost",
            EMAIL_PORT=parts.port or (465 if parts.scheme == "smtp+ssl" else 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_SSL=parts.scheme == "smtp+ssl",
            EMAIL_USE_TLS=query.get("tls", ["0"])[0] in {"1", "true"},
            EMAIL_TIMEOUT=int(query.get("timeout", ["10"])[0]),
        )
    return result
