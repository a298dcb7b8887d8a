"""The version of the report's input (issue 17, point 4): a counter per programme, raised in
the same transaction as every write that changes a figure of the funder's report, so that a
report computed once can be served again while the counters it rests on hold (store.py).

Part 0 holds what belongs to no one programme: the places and programmes themselves, the
organisations (a school's kind), the anonymised archive, the rollups rebuilt as a whole.
It is also the version of the archive's figures, stored apart (privacy/archive.py,
`stored_archived_figures`): every write to the archive tables raises it.
Every report's key holds part 0, so raising it makes every stored report obsolete; a
programme's part only those whose scope can hold that programme's figures. Two writers of
different programmes raise different rows and do not wait for each other.

The counters are raised after the write they follow (a reader that read the old counter
before the write committed stores figures under that old counter, which the write's commit
made obsolete; never the other way round). Inside a transaction the row stays locked until
commit: the rows of one statement are taken in the order of their part (no deadlock between
two bumps). Raised here:

* the services' save() of the models the report reads, through the receivers below
  (`connect`, from the app's ready()): buddies and their programmes, duos, participants,
  meetings, well-being scores, referrals and their moves, pupils and families, partnerships,
  programmes, provinces, municipalities, postcodes and organisations;
* explicitly where a write skips save(): the rollup upkeep (trajectories/rollup.py,
  referrals/rollup.py) and its rebuilds, the purge and the erasure (privacy/purge.py), the
  buddies' bulk updates (privacy, importer, removal), the generator.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.signals import m2m_changed, post_save

from .models import ReportInputVersion

GLOBAL = 0  # the part of the figures of no one programme


def bump(parts: Iterable[int | None] | QuerySet[Any]) -> None:
    """Raise the counters of `parts` (programme ids; None or GLOBAL: part 0), creating a
    missing row at 1. One statement; nothing to do for no part."""
    found = sorted({GLOBAL if part is None else int(part) for part in parts})
    if not found:
        return
    table = connection.ops.quote_name(ReportInputVersion._meta.db_table)
    rows = ", ".join(["(%s, 1)"] * len(found))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (part, counter) VALUES {rows} "  # noqa: S608 - no input
            f"ON CONFLICT (part) DO UPDATE SET counter = {table}.counter + 1",
            found,
        )


def bump_all() -> None:
    """Every stored report is obsolete (part 0)."""
    bump([GLOBAL])


def bump_duos(duos: Any) -> None:
    """The programmes of the duos `duos` (ids or a subquery of ids)."""
    from buddywerk.trajectories.models import Trajectory

    bump(Trajectory.objects.filter(pk__in=duos).values_list("programme_id", flat=True))


def bump_buddies(buddies: Any) -> None:
    """The programmes of the buddies `buddies` (ids or a subquery of ids)."""
    from buddywerk.buddies.models import Buddy

    bump(
        Buddy.programmes.through.objects.filter(buddy_id__in=buddies).values_list(
            "programme_id", flat=True
        )
    )


def current(parts: Q) -> tuple[tuple[int, int], ...]:
    """(part, counter) of part 0 and of the parts `parts` picks, in order: one query. A part
    without a row reads as absent (its first bump creates it, which changes the result)."""
    return tuple(
        ReportInputVersion.objects.filter(Q(part=GLOBAL) | parts)
        .order_by("part")
        .values_list("part", "counter")
    )


def archive_version() -> int:
    """Part 0's counter (0 before its first bump), which every write to the anonymised
    archive raises (purge._archive): the version the archive's stored figures are keyed
    by (privacy/archive.py, `stored_archived_figures`). One query."""
    found = ReportInputVersion.objects.filter(part=GLOBAL).values_list("counter", flat=True)
    return next(iter(found), 0)


# --- receivers ------------------------------------------------------------------------


def _whole(update_fields: Any, *moves: str) -> bool:
    """A save that may move the row to another programme (or place): raise part 0."""
    return update_fields is None or bool(set(update_fields) & set(moves))


def _buddy(instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    bump_buddies([instance.pk])


def _memberships(instance: Any, action: str, pk_set: Any = None, **kwargs: Any) -> None:
    from buddywerk.buddies.models import Buddy

    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if isinstance(instance, Buddy):
        # Before a clear, the buddy's programmes are still there to be read.
        bump_buddies([instance.pk])
        bump(pk_set or ())
    else:  # the programme's side of the relation
        bump([instance.pk])


def _global(**kwargs: Any) -> None:
    bump_all()


def _trajectory(instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    bump([GLOBAL] if _whole(update_fields, "programme") else [instance.programme_id])


def _of_duo(instance: Any, **kwargs: Any) -> None:
    bump_duos([instance.trajectory_id])


def _referral(instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    moved = _whole(update_fields, "programme", "pupil", "family", "referrer")
    bump([GLOBAL] if moved else [instance.programme_id])


def _transition(instance: Any, **kwargs: Any) -> None:
    from buddywerk.referrals.models import Referral

    bump(Referral.objects.filter(pk=instance.referral_id).values_list("programme_id", flat=True))


def _person(field: str) -> Any:
    def receiver(instance: Any, **kwargs: Any) -> None:
        from buddywerk.referrals.models import Referral
        from buddywerk.trajectories.models import Participant

        bump(
            [
                *Referral.objects.filter(**{field: instance.pk}).values_list(
                    "programme_id", flat=True
                ),
                *Participant.objects.filter(**{field: instance.pk}).values_list(
                    "trajectory__programme_id", flat=True
                ),
            ]
        )

    return receiver


def connect() -> None:
    from buddywerk.buddies.models import Buddy
    from buddywerk.geo.models import Municipality, Postcode, Province
    from buddywerk.internships.models import InstitutionPartnership
    from buddywerk.organisations.models import Organisation, Programme
    from buddywerk.referrals.models import Family, Pupil, Referral, ReferralTransition
    from buddywerk.trajectories.models import Meeting, Participant, Trajectory, WellbeingScore

    receivers: list[tuple[Any, Any]] = [
        (Buddy, _buddy),
        (Trajectory, _trajectory),
        (Participant, _of_duo),
        (Meeting, _of_duo),
        (WellbeingScore, _of_duo),
        (Referral, _referral),
        (ReferralTransition, _transition),
        (Pupil, _person("pupil_id")),
        (Family, _person("family_id")),
        (InstitutionPartnership, _global),
        (Programme, _global),
        (Province, _global),
        (Municipality, _global),
        (Postcode, _global),
        (Organisation, _global),
    ]
    for model, receiver in receivers:
        post_save.connect(receiver, sender=model, dispatch_uid=f"report-version-{model.__name__}")
    m2m_changed.connect(
        _memberships, sender=Buddy.programmes.through, dispatch_uid="report-version-memberships"
    )
    m2m_changed.connect(
        _global, sender=Programme.municipalities.through, dispatch_uid="report-version-area"
    )
