"""Field types for the declarations every app repeats: the user who did something and the
public id. They are plain Django fields with other defaults: `deconstruct()` returns the
Django path and `clone()` (what the migration state is built from) a plain Django field, so
migrations see exactly the fields they saw before."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from buddywerk.access.models import User

    _NullableUserKey = models.ForeignKey[User | None, User | None]
    _UserKey = models.ForeignKey[User, User]
    _FieldBase = models.Field[Any, Any]
else:
    _NullableUserKey = _UserKey = models.ForeignKey
    _FieldBase = object


class _AsPlainField(_FieldBase):
    """What migrations see of these fields: the plain Django field (`plain`) they build on,
    with the arguments they were given."""

    plain: ClassVar[type[models.Field[Any, Any]]]

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, f"django.db.models.{self.plain.__name__}", args, kwargs

    def clone(self) -> Any:
        _name, _path, args, kwargs = self.deconstruct()
        return self.plain(*args, **kwargs)


class ByUserField(_AsPlainField, _NullableUserKey):
    """Who did it (published, recorded, moderated...): empty once the user is gone or when
    the system did it, with no reverse accessor on the user."""

    plain = models.ForeignKey

    def __init__(
        self,
        verbose_name: Any = None,
        *,
        to: Any = settings.AUTH_USER_MODEL,
        on_delete: Any = models.SET_NULL,
        null: bool = True,
        blank: bool | None = None,
        related_name: str = "+",
        **kwargs: Any,
    ) -> None:
        super().__init__(
            to,
            on_delete=on_delete,
            null=null,
            blank=null if blank is None else blank,
            related_name=related_name,
            verbose_name=verbose_name,
            **kwargs,
        )


class UserField(_AsPlainField, _UserKey):
    """The user a row belongs to or was written by (required, no reverse accessor unless
    named); protected, so the user cannot be deleted while the row exists."""

    plain = models.ForeignKey

    def __init__(
        self,
        verbose_name: Any = None,
        *,
        to: Any = settings.AUTH_USER_MODEL,
        on_delete: Any = models.PROTECT,
        related_name: str = "+",
        **kwargs: Any,
    ) -> None:
        super().__init__(
            to,
            on_delete=on_delete,
            related_name=related_name,
            verbose_name=verbose_name,
            **kwargs,
        )


class PublicIdField(_AsPlainField, models.UUIDField):  # type: ignore[type-arg]
    """The id a row shows outside (URLs, the API, mail): random, unique, never edited."""

    plain = models.UUIDField

    def __init__(self, verbose_name: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("default", uuid.uuid4)
        kwargs.setdefault("unique", True)
        kwargs.setdefault("editable", False)
        super().__init__(_("public id") if verbose_name is None else verbose_name, **kwargs)


class _PlainForeignKey(_AsPlainField, models.ForeignKey):  # type: ignore[type-arg]
    plain = models.ForeignKey

    def __init__(self, to: Any, verbose_name: Any = None, *, on_delete: Any, **kwargs: Any) -> None:
        super().__init__(to, on_delete=on_delete, verbose_name=verbose_name, **kwargs)


class ParentKey(_PlainForeignKey):
    """A row that belongs to the row it points to and is deleted with it (CASCADE)."""

    def __init__(
        self, to: Any, verbose_name: Any = None, *, on_delete: Any = models.CASCADE, **kwargs: Any
    ) -> None:
        super().__init__(to, verbose_name, on_delete=on_delete, **kwargs)


class ProtectedKey(_PlainForeignKey):
    """A row that points to another which cannot be deleted while it does (PROTECT)."""

    def __init__(
        self, to: Any, verbose_name: Any = None, *, on_delete: Any = models.PROTECT, **kwargs: Any
    ) -> None:
        super().__init__(to, verbose_name, on_delete=on_delete, **kwargs)
