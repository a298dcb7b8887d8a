"""A closed duo is read-only: the one guard every service uses before it changes a duo or
adds to its follow-up. Whether a duo is read-only is the policy's answer
(`policy.duo_is_read_only`); views and templates ask the same predicate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from buddywerk.access import policy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from buddywerk.access.models import User

    from .models import Trajectory

CLOSED_MESSAGE = _("This duo is closed; it can no longer be changed.")
FOLLOWUP_CLOSED_MESSAGE = _("This duo is closed; nothing can be added to its follow-up anymore.")
CONCERN_CLOSED_MESSAGE = _(
    "This duo is closed: a concern can no longer be raised here. Contact the "
    "programme coordinator directly."
)


def duo_refuse_if_read_only(trajectory: Trajectory, message: StrOrPromise = CLOSED_MESSAGE) -> None:
    """Refuse a change to a closed duo with a clear message (code "closed")."""
    if policy.duo_is_read_only(trajectory):
        raise ValidationError(message, code="closed")


SAFEGUARDING_PAUSED_MESSAGE = _(
    "This duo is paused by the programme. The coordinator will contact you."
)


def duo_refuse_buddy_while_safeguarding_paused(trajectory: Trajectory, actor: User | None) -> None:
    """Issue 13: a duo paused by the safeguarding cascade takes no note, survey or score
    from its buddy until a coordinator resumes it (meetings are refused to everyone)."""
    if (
        trajectory.paused_for_safeguarding
        and actor is not None
        and trajectory.buddy.user_id == actor.pk
    ):
        raise ValidationError(SAFEGUARDING_PAUSED_MESSAGE, code="safeguarding_paused")
