"""The outbox's task lives beside what it sends (outbox.outgoing_mail_send); it is named
here too, because jobs queued by earlier releases name it by this module."""

from .outbox import outgoing_mail_send  # noqa: F401 - jobs queued under this name
