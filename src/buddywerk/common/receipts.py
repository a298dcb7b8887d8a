"""Receipts are uploads that people choose (issue 21, point 6): the ONE check of their
type and size, for study grant receipts (funds), programme cost receipts (funds) and
volunteer expense receipts (expenses). The type is read from the file's first bytes, never
from its name or the browser's word; only PDF, JPEG and PNG are taken, at most
`MAX_RECEIPT_BYTES`. Who may download a receipt is in access/policy.py
(can_view_grant, can_view_cost_receipt, can_view_expense_receipt)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

MAX_RECEIPT_BYTES = 10 * 1024 * 1024

# (content type, file extension, the bytes the file starts with)
SIGNATURES: tuple[tuple[str, str, bytes], ...] = (
    ("application/pdf", "pdf", b"%PDF-"),
    ("image/jpeg", "jpg", b"\xff\xd8\xff"),
    ("image/png", "png", b"\x89PNG\r\n\x1a\n"),
)


def receipt_kind(upload: Any, *, field: str = "receipt") -> tuple[str, str]:
    """(content type, extension) of an uploaded receipt, read from its first bytes; a Dutch
    ValidationError on `field` for an empty, too large or other kind of file (codes
    "empty", "too_large", "wrong_type")."""
    size = getattr(upload, "size", None) or 0
    if size == 0:
        raise ValidationError({field: ValidationError(_("The file is empty."), code="empty")})
    if size > MAX_RECEIPT_BYTES:
        message = _("A receipt is at most %(mb)d MB.") % {"mb": MAX_RECEIPT_BYTES // 1024**2}
        raise ValidationError({field: ValidationError(message, code="too_large")})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for content_type, extension, magic in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    message = _("A receipt is a PDF, JPEG or PNG file.")
    raise ValidationError({field: ValidationError(message, code="wrong_type")})


def receipt_response(
    file: Any, *, content_type: str, filename: str, inline: bool = False
) -> HttpResponse:
    """The stored receipt as a download, served by Django (never by the web server from
    the media folder) after the caller's policy check; 404 when the file is gone. A
    receipt is never a page: no scripts run, whatever the file holds."""
    try:
        with file.open("rb") as handle:
            body = handle.read()  # at most MAX_RECEIPT_BYTES
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = HttpResponse(body, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def stored_extension(file: Any) -> str:
    """The extension of a stored receipt (ours: pdf, jpg or png)."""
    return str(file.name or "").rsplit(".", 1)[-1]


def delete_file_on_commit(field: str) -> Callable[..., None]:
    """A post_delete receiver: when a row with a receipt goes (an erasure, the purge of
    money records past their period, a cascade), its file goes from storage too, once the
    deletion is committed (a rolled-back deletion keeps the file). Connected in the apps'
    ready() for GrantReceipt.file, Cost.receipt and ExpenseLine.receipt."""

    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        stored = getattr(instance, field)
        name = stored.name if stored else ""
        if not name:
            return
        storage = stored.storage
        transaction.on_commit(lambda: storage.delete(name))

    return receiver
