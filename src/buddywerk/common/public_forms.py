"""Guards for the public forms that send a mail (issue 11, point 7): the buddy registration,
the school registration and the practice proposal. Without them anyone could make
Buddywerk mail any address, as often as they liked.

- A honeypot: a text field that people never see (visually hidden, hidden from assistive
  technology, out of the tab order, see templates/partials/honeypot.html). A bot that
  fills it gets the same success page, and nothing is stored or sent.
- A limit per client address and per recipient address (settings.PUBLIC_FORM_LIMITS),
  counted on the shared cache across the three forms, so every worker sees the same
  counts. Only a submission that will send a mail counts; one the service refuses (bad
  input) is taken back.
- The mails themselves carry no free text of a submitter whose address is not confirmed
  (see the templates of each app).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .throttle import Bucket, Hits, Limit, Throttled, client_ip, consume

HONEYPOT_FIELD = "homepage"


class PublicFormThrottled(Exception):
    """Too many submissions; `message` says which limit, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def honeypot_filled(request: HttpRequest) -> bool:
    """A person leaves the hidden field empty; a bot that fills in everything does not."""
    return bool(request.POST.get(HONEYPOT_FIELD, "").strip())


def public_form_consume(request: HttpRequest, *, recipient: str) -> Hits:
    """Count one submission that mails `recipient`, from this client. PublicFormThrottled
    (nothing counted) when either limit is reached."""
    limits = {name: Limit.parse(text) for name, text in settings.PUBLIC_FORM_LIMITS.items()}
    buckets = [
        Bucket("public-form:ip", client_ip(request), limits["ip"]),
        Bucket("public-form:recipient", recipient.strip().lower(), limits["recipient"]),
    ]
    try:
        return consume(*buckets)
    except Throttled as exc:
        if exc.bucket.name == "public-form:ip":
            raise PublicFormThrottled(
                _(
                    "Many forms were sent from your internet connection in a short time. "
                    "Nothing was saved. Try again in an hour."
                )
            ) from None
        raise PublicFormThrottled(
            _(
                "We already sent several mails to this email address today. Nothing was "
                "saved. Try again tomorrow, or use another email address."
            )
        ) from None
