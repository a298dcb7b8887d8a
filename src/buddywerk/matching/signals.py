"""Raise a programme's `InputVersion` when something its engine input depends on is saved.

This is cache bookkeeping, not a business rule: the pages of matching (candidates.
cached_programme_input) reuse a programme's engine input while its counter holds. The
receivers listen to the models of other apps so that their services need no hook.

Inside a transaction on PostgreSQL, the counter rows are taken with SKIP LOCKED: a row that
another transaction holds (it raises the counter too) is raised again after this
transaction commits, so a writer never waits on, nor deadlocks over, a counter row. A
change that skips `save()` (a queryset update, bulk_create) shows once the cached entry
ages out (candidates.CACHE_SECONDS).
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.signals import m2m_changed, post_save, pre_delete

from buddywerk.buddies.models import Buddy
from buddywerk.buddies.signals import buddies_written
from buddywerk.referrals.models import Family, Pupil, Referral
from buddywerk.trajectories.models import Participant, Trajectory

from .models import InputVersion, ProgrammeMatchingSettings, Proposal

Memberships = Buddy.programmes.through


def bump(programmes: Q) -> None:
    """Raise the counters of the programmes that `programmes` (a Q on programme_id) picks."""
    rows: QuerySet[InputVersion] = InputVersion.objects.filter(programmes)
    raise_ = {"counter": F("counter") + 1}
    if not (connection.in_atomic_block and connection.features.has_select_for_update_skip_locked):
        rows.update(**raise_)
        return
    locked = list(rows.select_for_update(skip_locked=True).values_list("pk", flat=True))
    if locked:
        InputVersion.objects.filter(pk__in=locked).update(**raise_)
    transaction.on_commit(lambda: rows.exclude(pk__in=locked).update(**raise_))


def _of_buddy(buddy_id: Any) -> Q:
    return Q(programme_id__in=Memberships.objects.filter(buddy_id=buddy_id).values("programme_id"))


def _buddy(instance: Buddy, **kwargs: Any) -> None:
    bump(_of_buddy(instance.pk))


def _buddies(buddy_ids: list[int], **kwargs: Any) -> None:
    if not buddy_ids:
        return  # an account that was no buddy
    ids = Memberships.objects.filter(buddy_id__in=buddy_ids).values("programme_id")
    bump(Q(programme_id__in=ids))


def _memberships(instance: Any, action: str, pk_set: set[int] | None, **kwargs: Any) -> None:
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if isinstance(instance, Buddy):
        bump(_of_buddy(instance.pk) | Q(programme_id__in=list(pk_set or ())))
    else:  # the programme's side of the relation
        bump(Q(programme_id=instance.pk))


def _referral(instance: Referral, **kwargs: Any) -> None:
    bump(Q(programme_id=instance.programme_id))


def _participant_of(field: str) -> Any:
    def receiver(instance: Pupil | Family, **kwargs: Any) -> None:
        ids = Referral.objects.filter(**{field: instance.pk}).values("programme_id")
        bump(Q(programme_id__in=ids))

    return receiver


def _proposal(instance: Proposal, **kwargs: Any) -> None:
    bump(_of_buddy(instance.buddy_id) | Q(programme_id=instance.programme_id))


def _trajectory(instance: Trajectory, **kwargs: Any) -> None:
    bump(_of_buddy(instance.buddy_id))


def _participant(instance: Participant, **kwargs: Any) -> None:
    buddy = Trajectory.objects.filter(pk=instance.trajectory_id).values("buddy_id")
    ids = Memberships.objects.filter(buddy_id__in=buddy).values("programme_id")
    bump(Q(programme_id__in=ids))


def _settings(instance: ProgrammeMatchingSettings, **kwargs: Any) -> None:
    bump(Q(programme_id=instance.programme_id))


_pupil = _participant_of("pupil_id")
_family = _participant_of("family_id")
RECEIVERS = (
    (Buddy, _buddy),
    (Referral, _referral),
    (Pupil, _pupil),
    (Family, _family),
    (Proposal, _proposal),
    (Trajectory, _trajectory),
    (Participant, _participant),
    (ProgrammeMatchingSettings, _settings),
)


def connect() -> None:
    for model, receiver in RECEIVERS:
        post_save.connect(receiver, sender=model, dispatch_uid=f"matching-version-{model.__name__}")
        pre_delete.connect(  # before: a buddy's memberships are gone after the delete
            receiver, sender=model, dispatch_uid=f"matching-version-del-{model.__name__}"
        )
    m2m_changed.connect(_memberships, sender=Memberships, dispatch_uid="matching-version-m2m")
    buddies_written.connect(_buddies, dispatch_uid="matching-version-buddies-written")
