"""common.fields: the shared field types are invisible to migrations (they deconstruct and
clone as the plain Django fields) and keep the options they stand for."""

import pytest
from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _

from buddywerk.common.fields import (
    ByUserField,
    ParentKey,
    ProtectedKey,
    PublicIdField,
    UserField,
)
from buddywerk.common.models import PublicModel

# The project's autouse fixtures touch the database.
pytestmark = pytest.mark.django_db


def _shared_fields() -> list[models.Field]:
    kinds = (ByUserField, UserField, PublicIdField, ParentKey, ProtectedKey)
    return [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, kinds)
    ]


def test_every_shared_field_deconstructs_and_clones_as_the_plain_django_field():
    fields = _shared_fields()
    assert len(fields) > 100
    for field in fields:
        _name, path, _args, kwargs = field.deconstruct()
        assert path in {"django.db.models.ForeignKey", "django.db.models.UUIDField"}, field
        clone = field.clone()
        assert type(clone) in {models.ForeignKey, models.UUIDField}, field
        assert clone.deconstruct()[1:] == (path, [], kwargs), field


def test_the_defaults_are_the_options_the_declarations_had():
    by = ByUserField("by")
    assert (by.null, by.blank, by.remote_field.related_name) == (True, True, "+")
    assert by.remote_field.on_delete is models.SET_NULL
    required = UserField("owner")
    assert (required.null, required.remote_field.on_delete) == (False, models.PROTECT)
    assert ParentKey("referrals.Referral").remote_field.on_delete is models.CASCADE
    assert ProtectedKey("referrals.Referral").remote_field.on_delete is models.PROTECT
    public = PublicIdField()
    assert (public.unique, public.editable) == (True, False)
    assert str(public.verbose_name) == str(_("public id"))


def test_public_models_read_as_their_name_and_public_id():
    from buddywerk.referrals.models import Referral

    assert issubclass(Referral, PublicModel)
    referral = Referral()
    assert str(referral) == f"{Referral._meta.verbose_name} {referral.uuid}"
