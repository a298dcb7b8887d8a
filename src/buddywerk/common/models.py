"""The models every app builds on: the time-stamped base, the transition log of the
state-machine kernel (workflow.py) and the audit trail (audit.py)."""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buddywerk.common.fields import ByUserField, PublicIdField, UserField


class TimeStampedModel(models.Model):
    """Adds when a row was created and last updated (aware datetimes)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class PublicModel(TimeStampedModel):
    """A time-stamped row known outside (URLs, the API, mail) by a random public id; it
    reads as its verbose name and that id."""

    uuid = PublicIdField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.uuid}"


class TransitionLog(models.Model):
    """One status change: who, when, from, to, which transition, why (ARCHITECTURE.md 4).

    Each state machine has one concrete subclass with a foreign key to its model; only
    `common.workflow` writes rows. `from_status` is empty on the row that records the
    state an object was created in.
    """

    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    transition = models.CharField(
        _("transition"),
        max_length=40,
        blank=True,
        help_text=_("The name of the step in the state machine; empty when created."),
    )
    actor = ByUserField(
        _("by"), on_delete=models.PROTECT, help_text=_("Empty when the system made the change.")
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    reason = models.TextField(
        _("reason"), max_length=1000, blank=True, validators=[MaxLengthValidator(1000)]
    )

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class AuditEvent(models.Model):
    """Who did or saw what, when. Written in the same transaction as the write it records;
    nothing in the interface can change or delete it (see common.admin)."""

    actor = ByUserField(_("actor"), on_delete=models.PROTECT)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=64)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    request_id = models.CharField(_("request id"), max_length=32, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        # The table was created by the access app; the model moved here with the kernel.
        db_table = "access_auditevent"
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="access_audi_object__5feefe_idx")
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}"


class UsedFormToken(models.Model):
    """A create form's one-time token that made its record (issue 16, point 2): the same
    form sent again (back and resubmit, a double click) finds this row and shows what the
    first send made instead of making it twice. Written by `common/once.py` only, in the
    transaction of the service that made the record."""

    user = UserField(_("user"), on_delete=models.CASCADE)
    token = models.UUIDField(_("token"))
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("type of the record"),
    )
    object_id = models.CharField(_("id of the record"), max_length=64, blank=True)
    redirect_to = models.CharField(
        _("page of the record"),
        max_length=400,
        help_text=_("Where the first send led; a second send leads there too."),
    )
    fingerprint = models.CharField(
        _("fingerprint"),
        max_length=64,
        blank=True,
        help_text=_("A hash of the page and the values sent (no values themselves)."),
    )
    used_at = models.DateTimeField(_("used at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("used form token")
        verbose_name_plural = _("used form tokens")
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="used_form_token_once")
        ]
        indexes = [
            models.Index(fields=["user", "fingerprint", "used_at"], name="used_form_token_resend")
        ]

    def __str__(self) -> str:
        return f"{self.token}"
