"""A list of codes from a controlled list, stored as JSON.

JSON works the same on SQLite and PostgreSQL (ArrayField is PostgreSQL-only). Forms and the
admin show the list as checkboxes; validation checks every item against the choices. The
choices may be a callable, so a model can name a list that lives in an app that imports it
(buddies.BuddyKind imports organisations.Programme).
"""

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

Choices = Iterable[tuple[Any, Any]]


class MultipleChoiceJSONField(models.JSONField):
    """A JSON list whose items are codes of `item_choices` (a TextChoices/IntegerChoices
    class, a list of pairs, or a callable returning one)."""

    def __init__(
        self,
        *args: Any,
        item_choices: type[models.Choices] | Choices | Callable[[], Any] | None = None,
        **kwargs: Any,
    ) -> None:
        # Kept out of deconstruct() (JSONField does not know it), so the choices stay out of
        # migrations: they change with the vocabulary, not with the schema.
        self._item_choices = item_choices
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def item_choices(self) -> list[tuple[Any, Any]]:
        source: Any = self._item_choices
        if callable(source) and not isinstance(source, type):
            source = source()
        if isinstance(source, type) and issubclass(source, models.Choices):
            return list(source.choices)
        return list(source or [])

    def _coerce(self) -> Callable[[Any], Any]:
        codes = [code for code, _label in self.item_choices()]
        return int if codes and all(isinstance(code, int) for code in codes) else str

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        if value is None:
            return
        if not isinstance(value, list):
            raise ValidationError(_("Choose from the list."), code="invalid_list")
        allowed = {code for code, _label in self.item_choices()}
        unknown = [item for item in value if item not in allowed]
        if unknown:
            raise ValidationError(
                _("Unknown choice: %(value)s."),
                code="invalid_choice",
                params={"value": ", ".join(str(item) for item in unknown)},
            )

    def formfield(self, **kwargs: Any) -> Any:
        defaults: dict[str, Any] = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": self.item_choices,
            "coerce": self._coerce(),
            "required": not self.blank,
            "label": self.verbose_name,
            "help_text": self.help_text,
            "widget": forms.CheckboxSelectMultiple,
        }
        defaults.update(kwargs)
        form_class = defaults.pop("form_class")
        defaults.pop("encoder", None)
        defaults.pop("decoder", None)
        return form_class(**defaults)
