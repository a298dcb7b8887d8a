"""Receipts (issue 21, point 6): a PDF, JPEG or PNG of at most 5 MB, its type read from
the file's first bytes (never from its name or the browser's word). Served only to the
claimant and the programme's coordinators (policy.can_view_expense_receipt)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

MAX_RECEIPT_BYTES = 5 * 1024 * 1024

# (first bytes, content type, extension)
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)

TOO_LARGE = _("The receipt is too large: at most 5 MB.")
WRONG_TYPE = _("Upload the receipt as a PDF, JPG or PNG file.")


def receipt_check(upload: UploadedFile) -> tuple[str, str]:
    """(content type, extension) of an acceptable receipt, or a Dutch ValidationError."""
    if upload.size is not None and upload.size > MAX_RECEIPT_BYTES:
        raise ValidationError({"receipt": ValidationError(TOO_LARGE, code="too_large")})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    raise ValidationError({"receipt": ValidationError(WRONG_TYPE, code="wrong_type")})
