"""The mail outbox's one table (see outbox.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingMail(models.Model):
    """One mail in the outbox: stored in the transaction of the write that caused it,
    sent by the task worker after the commit, retried with backoff while SMTP is down
    (see mail/outbox.py). The subject never names a pupil (callers see to it)."""

    kind = models.CharField(
        _("kind"),
        max_length=100,
        blank=True,
        help_text=_("Which mail this is, e.g. matching.proposed."),
    )
    to = models.CharField(_("recipient"), max_length=254)
    from_email = models.CharField(_("sender"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text body"), blank=True)
    html = models.TextField(_("HTML body"), blank=True)
    sensitive = models.BooleanField(
        _("holds a secret link"),
        default=False,
        help_text=_(
            "A password, invitation or confirmation link: the body is erased once the mail "
            "is sent (or given up), so no working link stays readable in the database."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    given_up_at = models.DateTimeField(
        _("given up at"),
        null=True,
        blank=True,
        help_text=_("Set when the mail could not be sent for three days; it is not retried."),
    )
    claim = models.UUIDField(
        _("claim"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Marks the rows one sending pass took, so no other pass sends them too."),
    )

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outgoingmail_due_idx",
                condition=models.Q(sent_at__isnull=True, given_up_at__isnull=True),
            ),
            models.Index(fields=["claim"], name="outgoingmail_claim_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind or 'mail'} #{self.pk}"
