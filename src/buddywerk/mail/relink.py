"""Links of mail still waiting in the outbox, pointed at the site's current address.

Issue 16, point 10: the demo's printed mail links work on the demo's own address.

Links in a mail are written once, on SITE_URL, when the mail is composed. The demo's story
composes its mails when the world is built, and the task worker prints them once the demo
serves. A world built by `buddywerk demo --no-serve` (SITE_URL on port 8000) and served
later with `--port 8001` would print links to a port nobody listens on: before serving,
the demo points the links of the mails still waiting in its outbox at its own address.
Only loopback addresses are rewritten; the demo command calls it after its guard (the
demo database only)."""

import re

from django.db import transaction

from .models import OutgoingMail

# What an earlier run of the demo wrote its links on: plain http on a loopback host.
_DEMO_ORIGIN = re.compile(r"https?://(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?(?=/|\s|$|\")")


@transaction.atomic
def relink_waiting_mail(site_url: str) -> int:
    """Point every link of the unsent mails at `site_url`; return how many mails changed."""
    origin = site_url.rstrip("/")
    changed = 0
    waiting = OutgoingMail.objects.select_for_update().filter(
        sent_at__isnull=True, given_up_at__isnull=True
    )
    for mail in waiting:
        body = _DEMO_ORIGIN.sub(origin, mail.body)
        html = _DEMO_ORIGIN.sub(origin, mail.html)
        if (body, html) != (mail.body, mail.html):
            mail.body, mail.html = body, html
            mail.save(update_fields=["body", "html"])
            changed += 1
    return changed
