"""Photos on practice sheets: a real JPEG, PNG or WebP image of at most 5 MB.

The file is opened with Pillow, which reads the header and checks the data (`verify`);
anything else (a PDF renamed to .jpg, a script, a decompression bomb) is refused with a
clear message before anything is stored (issue 6, bad input).
"""

import warnings
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

MAX_PHOTO_BYTES = 5 * 1024 * 1024
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
# A photo for a sheet never needs more than this many pixels; more is a decompression bomb.
MAX_PIXELS = 40_000_000


NOT_A_PHOTO = _("This file is not a photo we can read. Choose a JPEG, PNG or WebP image.")


def check_size(file: Any) -> None:
    size = getattr(file, "size", None)
    if size is not None and size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("The photo is %(size)s. Choose a photo of at most %(max)s."),
            code="photo_too_large",
            params={"size": filesizeformat(size), "max": filesizeformat(MAX_PHOTO_BYTES)},
        )


class PhotoInput(forms.ClearableFileInput):
    """Django's clearable input links the current photo to its storage URL, which is not
    served (see views.practice_photo); this one links to the page that serves it, or to
    nothing when the visitor may not see it yet (a proposal's photo)."""

    template_name = "network/widgets/photo_input.html"
    photo_url = ""

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["photo_url"] = self.photo_url
        return context


class PhotoFormField(forms.ImageField):
    """Checks the size before Pillow reads anything, and says plainly what is wrong."""

    default_error_messages = {"invalid_image": NOT_A_PHOTO}

    def to_python(self, data: Any) -> Any:
        if data:
            check_size(data)
        return super().to_python(data)


def validate_photo(file: Any) -> None:
    if not file or getattr(file, "_committed", False):
        return  # nothing, or already stored: it was checked when it was uploaded
    check_size(file)
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                image_format = image.format
                width, height = image.size
                image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Warning) as exc:
        raise ValidationError(NOT_A_PHOTO, code="photo_invalid") from exc
    finally:
        file.seek(position)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("Photos in %(format)s are not accepted. Choose a JPEG, PNG or WebP image."),
            code="photo_format",
            params={"format": image_format},
        )
    if width * height > MAX_PIXELS:
        raise ValidationError(
            _("The photo has too many pixels. Make it smaller and try again."),
            code="photo_pixels",
        )
