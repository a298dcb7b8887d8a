"""The child process of tests/mail/test_crash_after_commit.py: run a real service against
the test database, then die right after the commit, before anything else runs.

`python -m tests.mail.crash_child BUDDY_ID PROGRAMME_ID COORDINATOR_ID`; the settings
(DATABASE_URL, SECRET_KEY, ...) come from the environment like any Buddywerk process.
"""

import os
import sys

import django

# Set when the process dies on purpose, so the test can tell it from another failure.
CRASHED = 75


def main() -> None:
    django.setup()
    from django.db import transaction

    from buddywerk.access.models import User
    from buddywerk.buddies.models import Buddy
    from buddywerk.buddies.services import buddy_decline
    from buddywerk.organisations.models import Programme

    buddy_id, programme_id, coordinator_id = (int(value) for value in sys.argv[1:4])
    with transaction.atomic():
        # Registered before the service's own callbacks, so it runs first once the
        # transaction has committed: the process dies before the outbox could enqueue the
        # send task, and before any mail could be sent.
        transaction.on_commit(lambda: os._exit(CRASHED))
        buddy_decline(
            actor=User.objects.get(pk=coordinator_id),
            buddy=Buddy.objects.get(pk=buddy_id),
            programme=Programme.objects.get(pk=programme_id),
            reason="Geen plaats meer.",
        )
    sys.exit("not reached: the process should have died after the commit")


if __name__ == "__main__":
    main()
