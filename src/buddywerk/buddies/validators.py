"""Validation of the JSON lists of vocabulary codes a buddy profile holds."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from buddywerk.common import vocabulary as vocab

from . import enums


def allowed_codes(vocabulary: str) -> set[str]:
    """The codes of a controlled list, by name (named, not passed, so migrations stay small)."""
    if vocabulary == "slots":
        return set(vocab.ALL_SLOTS)
    source = getattr(vocab, vocabulary, None) or getattr(enums, vocabulary)
    return set(source.values)


@deconstructible
class CodeListValidator:
    """A list of distinct codes from the named controlled list."""

    def __init__(self, vocabulary: str) -> None:
        self.vocabulary = vocabulary

    def __call__(self, value: Any) -> None:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValidationError(_("Choose from the list."), code="invalid_list")
        unknown = sorted(set(value) - allowed_codes(self.vocabulary))
        if unknown:
            raise ValidationError(
                _("Unknown choice: %(value)s."),
                code="invalid_choice",
                params={"value": ", ".join(unknown)},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CodeListValidator) and other.vocabulary == self.vocabulary
