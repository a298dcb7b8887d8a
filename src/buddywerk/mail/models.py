"""The mail outbox's one table (see outbox.py)."""

from django.conf import settings
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


# --- Issue 20, point 4: short messages to a family's contact person ----------------------


class MessageChannel(models.TextChoices):
    SMS = "sms", _("Text message (SMS)")
    MAIL = "mail", _("Mail")


class FamilyMessageKind(models.TextChoices):
    MEETING_REMINDER = "meeting_reminder", _("Meeting reminder")
    DATE_CHANGED = "date_changed", _("Changed date")


class FamilyContact(models.Model):
    """How a family's contact person wants short messages: only what is needed to reach
    them (a channel, the one address or number it needs, a language), with the consent's
    moment. Deleted with the family (the purge and an erasure reach it by the cascade)."""

    family = models.OneToOneField(
        "referrals.Family",
        on_delete=models.CASCADE,
        related_name="message_contact",
        verbose_name=_("family"),
    )
    channel = models.CharField(_("by"), max_length=8, choices=MessageChannel.choices)
    phone = models.CharField(
        _("mobile number"), max_length=20, blank=True, help_text=_("In the form +32470123456.")
    )
    email = models.EmailField(_("email address"), blank=True)
    language = models.CharField(
        _("language of the messages"),
        max_length=8,
        default="nl",
        help_text=_("Plain Dutch, or a language the programme keeps messages in."),
    )
    consent_at = models.DateTimeField(_("consent given at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("family contact for messages")
        verbose_name_plural = _("family contacts for messages")

    def __str__(self) -> str:
        # Never the number or the address.
        return f"{self._meta.verbose_name} #{self.pk}"


class MessageTemplate(models.Model):
    """A programme's text for one kind of message in one language; placeholders {date},
    {time} and {place}. Dutch has a built-in text when the programme keeps none."""

    programme = models.ForeignKey(
        "organisations.Programme",
        on_delete=models.CASCADE,
        related_name="message_templates",
        verbose_name=_("programme"),
    )
    kind = models.CharField(_("message"), max_length=20, choices=FamilyMessageKind.choices)
    language = models.CharField(_("language"), max_length=8)
    text = models.TextField(_("text"), max_length=320)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kind", "language"], name="messagetemplate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language})"


class FamilyMessage(models.Model):
    """One short message to a family's contact person, written in the transaction of the
    write that caused it. By SMS the row is the SMS outbox itself (sms.py: claimed, sent,
    retried with backoff, the same way as the mail outbox); by mail it hands the text to the
    mail outbox (`mail`). `key` makes a message unique: the same reminder is never written
    twice. Deleted with the family."""

    family = models.ForeignKey(
        "referrals.Family",
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("family"),
    )
    kind = models.CharField(_("message"), max_length=20, choices=FamilyMessageKind.choices)
    key = models.CharField(_("key"), max_length=120, unique=True)
    channel = models.CharField(_("by"), max_length=8, choices=MessageChannel.choices)
    language = models.CharField(_("language"), max_length=8)
    to = models.CharField(_("recipient"), max_length=254)
    body = models.TextField(_("text"))
    mail = models.ForeignKey(
        OutgoingMail,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mail"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    given_up_at = models.DateTimeField(_("given up at"), null=True, blank=True)
    claim = models.UUIDField(_("claim"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("family message")
        verbose_name_plural = _("family messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="familymessage_due_idx",
                condition=models.Q(channel="sms", sent_at__isnull=True, given_up_at__isnull=True),
            ),
            models.Index(fields=["claim"], name="familymessage_claim_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
