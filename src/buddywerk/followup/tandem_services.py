"""Correct or delete a tandem note (issue 16, point 2; R11).

The author of a tandem note (the buddy or the school's contact) corrects or deletes it
within the programme's correction days (`Programme.correction_days`, default 7; who:
`policy.can_correct_tandem_note`), while the duo is open. After that the thread is what
both sides read and answered, and stays as it is. The other side was mailed when the note
was written; a correction sends no second mail (the mail never holds the note's text).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from buddywerk.access import policy
from buddywerk.common import clock
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.permissions import check_allowed
from buddywerk.trajectories.concern_services import short_text
from buddywerk.trajectories.read_only import (
    FOLLOWUP_CLOSED_MESSAGE,
    duo_refuse_buddy_while_safeguarding_paused,
    duo_refuse_if_read_only,
)

from .models import TandemNote

if TYPE_CHECKING:
    from buddywerk.access.models import User

__all__ = ["tandem_note_correctable", "tandem_note_delete", "tandem_note_update"]

LOCKED_MESSAGE = _("This note can no longer be changed: the days to correct it are over.")


def tandem_note_correctable(note: TandemNote, *, now: dt.datetime | None = None) -> bool:
    """Whether the programme's correction days since the note was written still run."""
    days = note.trajectory.programme.correction_days
    return clock.now(now) < note.created_at + dt.timedelta(days=days)


def _locked_for_change(*, actor: User, note: TandemNote, now: dt.datetime | None) -> TandemNote:
    check_allowed(actor, policy.can_correct_tandem_note(actor, note))
    trajectory = note.trajectory
    duo_refuse_if_read_only(trajectory, FOLLOWUP_CLOSED_MESSAGE)
    duo_refuse_buddy_while_safeguarding_paused(trajectory, actor)
    locked = (
        TandemNote.objects.select_for_update()
        .select_related("trajectory__programme")
        .get(pk=note.pk)
    )
    if not tandem_note_correctable(locked, now=now):
        raise ValidationError(LOCKED_MESSAGE, code="locked")
    return locked


@transaction.atomic
def tandem_note_update(
    *, actor: User, note: TandemNote, text: str, now: dt.datetime | None = None
) -> TandemNote:
    """The author corrects the text of their tandem note (issue 16)."""
    locked = _locked_for_change(actor=actor, note=note, now=now)
    locked.text = short_text(text, field="text")
    locked.full_clean()
    locked.save(update_fields=["text", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.TANDEM_UPDATE,
        target=locked.trajectory,
        detail={"note": str(locked.uuid)},
    )
    note.refresh_from_db()
    return locked


@transaction.atomic
def tandem_note_delete(*, actor: User, note: TandemNote, now: dt.datetime | None = None) -> None:
    """The author deletes their tandem note (issue 16), e.g. one sent twice or to the
    wrong duo."""
    locked = _locked_for_change(actor=actor, note=note, now=now)
    audit_record(
        actor=actor,
        action=AuditAction.TANDEM_DELETE,
        target=locked.trajectory,
        detail={"note": str(locked.uuid), "kind": locked.kind},
    )
    locked.delete()
