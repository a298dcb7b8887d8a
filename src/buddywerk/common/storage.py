"""Uploaded files on a full disk (issue 17, point 6): a clear error, no half-written row,
no half-written file.

Django's FileSystemStorage leaves a partly written file behind when the disk fills up in
the middle of a write; `FileSystemStorage` here removes it. A service that saves a model
with a file wraps the save in `storage_full_as_error(field)`: the storage's OSError
(no space, quota, file too large) becomes a ValidationError on that field, inside the
service's transaction, so the row is rolled back and the form says in Dutch what happened.
Operators get one ERROR line (without the file's name, which a person chose).
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage as DjangoFileSystemStorage
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

STORAGE_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
STORAGE_FULL_MESSAGE = _(
    "We could not store your file: our storage is full. Nothing was saved. Please try "
    "again later; we have been told."
)


class FileSystemStorage(DjangoFileSystemStorage):
    def _save(self, name: str, content: Any) -> str:
        full_path = self.path(name)
        existed = os.path.lexists(full_path)
        try:
            return str(super()._save(name, content))  # type: ignore[misc]
        except OSError:
            if not existed and os.path.lexists(full_path):
                try:
                    os.remove(full_path)
                except OSError:
                    logger.exception("Could not remove a half-written upload")
            raise


@contextmanager
def storage_full_as_error(field: str) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        if exc.errno not in STORAGE_FULL:
            raise
        logger.error(
            "Upload storage is full (%s): an upload was refused",
            errno.errorcode.get(exc.errno or 0, "?"),
        )
        raise ValidationError({field: STORAGE_FULL_MESSAGE}, code="storage_full") from exc
