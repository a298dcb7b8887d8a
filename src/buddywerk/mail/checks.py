"""System checks of SITE_URL, the address every link in a mail is built on (ids
`buddywerk.*`: Django's own mail checks use `mail.*`).

Always: it must be an absolute http(s) address of the site's origin (no path, query or
fragment: `reverse()` gives the path). With `check --deploy` (the release step runs it
with `--fail-level WARNING`): it must be https and not the development default, or the
mails of a production site would carry links nobody can open, or links in clear text.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

_LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


@register()
def site_url_is_an_origin(**kwargs: Any) -> list[CheckMessage]:
    value = str(getattr(settings, "SITE_URL", ""))
    parts = urlsplit(value)
    if parts.scheme in {"http", "https"} and parts.netloc and not parts.query:
        if parts.path in {"", "/"} and not parts.fragment:
            return []
    return [
        Error(
            f"SITE_URL must be the site's address, like https://buddywerk.example.be (got "
            f"{value!r}).",
            hint="Set SITE_URL to the scheme and host people open the site with, no path.",
            id="buddywerk.E001",
        )
    ]


@register(Tags.security, deploy=True)
def site_url_is_https(**kwargs: Any) -> list[CheckMessage]:
    parts = urlsplit(str(getattr(settings, "SITE_URL", "")))
    if parts.scheme == "https" and parts.hostname not in _LOCAL_HOSTS:
        return []
    return [
        Warning(
            "SITE_URL is not the site's public https:// address: the links in every mail "
            "(confirmations, invitations, duo pages) would not work or would travel in "
            "clear text.",
            hint="Set SITE_URL, e.g. SITE_URL=https://buddywerk.example.be (docs/deployment.md).",
            id="buddywerk.W001",
        )
    ]
