"""Helpers for the tests that a service writes its mail in its own transaction, in each
recipient's language (issue 12, point 6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from buddywerk.mail.models import OutgoingMail

PREFIX = "[Buddywerk] "


class _Rollback(Exception):
    """Raised after the service returned, so its transaction rolls back."""


def rolled_back(call: Callable[[], Any]) -> list[OutgoingMail]:
    """Call a service inside a transaction that then fails. Returns the outbox rows as they
    were inside that transaction, before any commit (so before any on-commit task could
    have written them); the caller checks that none is left afterwards."""
    inside: list[OutgoingMail] = []
    with pytest.raises(_Rollback), transaction.atomic():
        call()
        inside.extend(OutgoingMail.objects.order_by("pk"))
        raise _Rollback
    return inside


def dutch(msgid: str) -> str:
    """The Dutch text of an English message id; fails when it has no translation."""
    with translation.override("nl-be"):
        text = gettext(msgid)
    assert text != msgid, f"no Dutch translation for {msgid!r}"
    return text


def speaks(user: Any, language: str) -> Any:
    """Set the user's preferred language (the language their mail is written in)."""
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return user


def by_recipient(mails: list[OutgoingMail]) -> dict[str, OutgoingMail]:
    return {m.to: m for m in mails}
