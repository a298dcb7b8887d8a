"""Receipts are uploads that people choose: checked by their content, not their name
(issue 21, point 6). Only PDF, JPEG and PNG are taken, at most `MAX_BYTES`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024

# (content type, file extension, the bytes the file starts with)
SIGNATURES: tuple[tuple[str, str, bytes], ...] = (
    ("application/pdf", "pdf", b"%PDF-"),
    ("image/jpeg", "jpg", b"\xff\xd8\xff"),
    ("image/png", "png", b"\x89PNG\r\n\x1a\n"),
)


def receipt_kind(upload: Any, *, field: str = "file") -> tuple[str, str]:
    """(content type, extension) of an uploaded receipt, read from its first bytes; a
    ValidationError for an empty, too large or other kind of file."""
    size = getattr(upload, "size", None) or 0
    if size == 0:
        raise ValidationError({field: [_("The file is empty.")]}, code="empty")
    if size > MAX_BYTES:
        raise ValidationError(
            {field: [_("A receipt is at most %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)}]},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for content_type, extension, magic in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    raise ValidationError({field: [_("A receipt is a PDF, JPEG or PNG file.")]}, code="file_type")
