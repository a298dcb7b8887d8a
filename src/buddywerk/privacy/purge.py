"""The end of a participant's data (issue 15 point 3): anonymise into the archive.

A pupil's or family's data goes as one piece, together with everyone they shared a duo
with (a group duo is archived whole, so no duo is ever half live, half archived): their
referrals and the history of those, proposals, duos with meetings, well-being scores,
notes, concerns, surveys, and the person's own row. What the funder's report needs is
written first into the archive (archive_models.py), in the same transaction.

When a group of people is due (`due_groups`):
- nothing in it is still running: every referral has ended (not in `OPEN_STATUSES`) and
  every duo is closed;
- no duo in it is held for safeguarding: a concern that is not closed, or a duo paused for
  safeguarding, keeps everything until it is closed (R18);
- for each person, the day after their data's period: the last end of their referrals
  (the day of their last move) and duos (the closing day), plus the schedule's period for
  participants (`DataKind.PARTICIPANT`), and for a duo also the period of its follow-up
  (`DataKind.FOLLOWUP`), each as the programme may have shortened it; a person whose
  consent was withdrawn is due on the withdrawal's `erase_after` if that comes first. The
  group is due when all of its people are: the data is kept up to and including the day
  before, and goes on that day.

A consent withdrawn in a group duo is acted on when the whole group is due: the duo is
one piece of the archive, so a withdrawn pupil waits for the others' period.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from buddywerk.common.audit import AuditAction, audit_record, seen_ref
from buddywerk.common.models import AuditEvent
from buddywerk.followup.models import (
    CheckIn,
    FollowUpAction,
    Observation,
    RelationshipSurvey,
    TandemNote,
)
from buddywerk.funds.services import grants_anonymise
from buddywerk.mail.family_services import family_messages_erase
from buddywerk.mail.models import OutgoingMail
from buddywerk.matching.models import Proposal
from buddywerk.network.models import (
    Practice,
    PracticeSubmission,
    ServiceIntroduction,
    SubmissionStatus,
)
from buddywerk.referrals.enums import OPEN_STATUSES, ReferralStatus
from buddywerk.referrals.models import (
    ConsentWithdrawal,
    Family,
    Pupil,
    Referral,
    ReferralTransition,
)
from buddywerk.referrals.rollup import counts_forget
from buddywerk.reports import input_version
from buddywerk.trajectories.enums import TrajectoryStatus
from buddywerk.trajectories.models import (
    Concern,
    DuoMonth,
    Meeting,
    Participant,
    ParticipantMonth,
    Trajectory,
    WellbeingScore,
)

from .account_services import inactive_accounts_run
from .archive_models import (
    ArchivedDuo,
    ArchivedDuoMonth,
    ArchivedParticipation,
    ArchivedPerson,
    ArchivedPersonKind,
    ArchivedReferral,
    ArchivedReferralMove,
    ArchivedScore,
)
from .buddy_services import declined_buddies_purge, extract_facts_purge
from .models import RetentionOverride
from .money import money_records_purge
from .schedule import RULES, DataKind

ENDED = (ReferralStatus.MATCHED, ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN)
MOVES = (ReferralStatus.MATCHED, ReferralStatus.DECLINED)
BATCH = 500  # people per transaction

Key = tuple[str, int]  # ("pupil", id), ("family", id), ("referral", id), ("duo", id)

# What is written about a duo beside its meetings and scores: the follow-up's notes,
# observations, actions, check-ins and surveys, and concerns. Counted as "notes".
DUO_NOTES = (TandemNote, Observation, FollowUpAction, CheckIn, RelationshipSurvey, Concern)


@dataclass
class Group:
    """People who shared a duo, with their referrals and duos."""

    pupils: set[int] = field(default_factory=set)
    families: set[int] = field(default_factory=set)
    referrals: set[int] = field(default_factory=set)
    duos: set[int] = field(default_factory=set)
    # The day everything goes; None while something runs or is held.
    due: dt.date | None = None
    held: bool = False  # held for safeguarding (a concern not closed, a paused duo)

    @property
    def people(self) -> int:
        return len(self.pupils) + len(self.families)


class _Periods:
    """Retention days per (programme, kind): the schedule's, or the programme's shorter."""

    def __init__(self) -> None:
        self.overrides = {
            (programme, kind): days
            for programme, kind, days in RetentionOverride.objects.values_list(
                "programme_id", "kind", "days"
            )
        }

    def days(self, programme_id: int, kind: DataKind) -> int:
        base = RULES[kind.value].period_days
        override = self.overrides.get((programme_id, kind.value))
        return base if override is None else min(base, override)


def _find(parent: dict[Key, Key], key: Key) -> Key:
    root = key
    while parent.setdefault(root, root) != root:
        root = parent[root]
    while parent[key] != root:  # path compression
        parent[key], key = root, parent[key]
    return root


def _union(parent: dict[Key, Key], a: Key, b: Key) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        parent[rb] = ra


def groups(*, today: dt.date) -> list[Group]:
    """Every group of people with its due day (or None), from a handful of queries."""
    periods = _Periods()
    parent: dict[Key, Key] = {}
    referrals = list(
        Referral.objects.values_list("pk", "pupil_id", "family_id", "programme_id", "status")
    )
    for pk, pupil, family, _programme, _status in referrals:
        person = ("pupil", pupil) if pupil else ("family", family)
        _union(parent, person, ("referral", pk))
    duos = {
        pk: (programme, status, closed_on, paused)
        for pk, programme, status, closed_on, paused in Trajectory.objects.values_list(
            "pk", "programme_id", "status", "closed_on", "paused_for_safeguarding"
        )
    }
    members: dict[int, list[Key]] = defaultdict(list)
    for duo, referral, pupil, family in Participant.objects.values_list(
        "trajectory_id", "referral_id", "pupil_id", "family_id"
    ):
        person = ("pupil", pupil) if pupil else ("family", family)
        _union(parent, ("duo", duo), ("referral", referral))
        _union(parent, ("duo", duo), person)
        members[duo].append(person)
    for duo in duos:
        _find(parent, ("duo", duo))
    last_move = dict(
        ReferralTransition.objects.values("referral")
        .annotate(last=Max("at"))
        .values_list("referral", "last")
    )
    withdrawn = dict(ConsentWithdrawal.objects.values_list("referral_id", "erase_after"))
    held_duos = set(Concern.objects.not_closed().values_list("trajectory_id", flat=True))

    by_root: dict[Key, Group] = defaultdict(Group)
    person_due: dict[Key, dt.date] = {}
    person_erase: dict[Key, dt.date] = {}
    running: set[Key] = set()

    def later(key: Key, day: dt.date) -> None:
        if key not in person_due or day > person_due[key]:
            person_due[key] = day

    for pk, pupil, family, programme, status in referrals:
        person = ("pupil", pupil) if pupil else ("family", family)
        group = by_root[_find(parent, person)]
        group.referrals.add(pk)
        if status in OPEN_STATUSES:
            running.add(_find(parent, person))
        moved = last_move.get(pk)
        if moved is not None:
            end = timezone.localdate(moved)
            later(person, end + dt.timedelta(days=periods.days(programme, DataKind.PARTICIPANT)))
        if pk in withdrawn and withdrawn[pk] is not None:
            erase = withdrawn[pk]
            person_erase[person] = max(person_erase.get(person, erase), erase)
        if pupil:
            group.pupils.add(pupil)
        else:
            group.families.add(family)
    for pk, (programme, status, closed_on, paused) in duos.items():
        root = _find(parent, ("duo", pk))
        group = by_root[root]
        group.duos.add(pk)
        if status != TrajectoryStatus.CLOSED or closed_on is None:
            running.add(root)
            continue
        if paused or pk in held_duos:
            group.held = True
        days = max(
            periods.days(programme, DataKind.PARTICIPANT),
            periods.days(programme, DataKind.FOLLOWUP),
        )
        for person in members[pk]:
            later(person, closed_on + dt.timedelta(days=days))
    for person, erase in person_erase.items():
        person_due[person] = min(person_due.get(person, erase), erase)

    result = []
    for root, group in by_root.items():
        people = [("pupil", pk) for pk in group.pupils] + [("family", pk) for pk in group.families]
        if root in running or group.held or not people:
            result.append(group)
            continue
        due_days = [person_due.get(person) for person in people]
        if all(day is not None for day in due_days):
            group.due = max(day for day in due_days if day is not None)
        result.append(group)
    return result


def due_groups(*, today: dt.date) -> list[Group]:
    return [group for group in groups(today=today) if group.due is not None and group.due <= today]


@dataclass
class PurgeCounts:
    """What one run anonymised (the archive rows it wrote are not counted)."""

    pupils: int = 0
    families: int = 0
    referrals: int = 0
    duos: int = 0
    meetings: int = 0
    scores: int = 0
    notes: int = 0  # tandem notes, observations, actions, check-ins, surveys, concerns

    def add(self, other: PurgeCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @property
    def rows(self) -> int:
        return sum(self.as_dict().values())


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _local_month(moment: dt.datetime | None) -> dt.date | None:
    return None if moment is None else _month(timezone.localdate(moment))


def _chunks(items: list[Group], size: int) -> Iterable[list[Group]]:
    chunk: list[Group] = []
    people = 0
    for item in items:
        chunk.append(item)
        people += item.people
        if people >= size:
            yield chunk
            chunk, people = [], 0
    if chunk:
        yield chunk


def archive_groups(groups_: list[Group], *, today: dt.date) -> PurgeCounts:
    """Archive and delete every group in `groups_`, a batch per transaction."""
    counts = PurgeCounts()
    for chunk in _chunks(groups_, BATCH):
        counts.add(_archive(chunk, today=today))
    return counts


@transaction.atomic
def _archive(chunk: list[Group], *, today: dt.date) -> PurgeCounts:
    # Figures move from the live rows to the archive: every stored funder's report is
    # obsolete (issue 17, point 4).
    input_version.bump_all()
    pupils = sorted(set().union(*(g.pupils for g in chunk)))
    families = sorted(set().union(*(g.families for g in chunk)))
    referral_ids = sorted(set().union(*(g.referrals for g in chunk)))
    duo_ids = sorted(set().union(*(g.duos for g in chunk)))
    # Lock the duos and re-check under the lock: a concern raised since the plan was made
    # (or a duo reopened) keeps the whole chunk for the next run.
    list(Trajectory.objects.select_for_update().filter(pk__in=duo_ids).values_list("pk"))
    if (
        Concern.objects.not_closed().filter(trajectory__in=duo_ids).exists()
        or Trajectory.objects.filter(pk__in=duo_ids)
        .exclude(status=TrajectoryStatus.CLOSED, paused_for_safeguarding=False)
        .exists()
        or Referral.objects.filter(pk__in=referral_ids, status__in=OPEN_STATUSES).exists()
    ):
        return PurgeCounts()

    # --- people ----------------------------------------------------------------------
    person_rows: dict[Key, ArchivedPerson] = {}
    for pk, year, municipality in Pupil.objects.filter(pk__in=pupils).values_list(
        "pk", "school_year", "school__municipality_id"
    ):
        person_rows[("pupil", pk)] = ArchivedPerson(
            kind=ArchivedPersonKind.PUPIL,
            school_year=year,
            municipality_id=municipality,
            archived_on=today,
        )
    for pk, municipality in Family.objects.filter(pk__in=families).values_list(
        "pk", "postcode__municipality_id"
    ):
        person_rows[("family", pk)] = ArchivedPerson(
            kind=ArchivedPersonKind.FAMILY, municipality_id=municipality, archived_on=today
        )
    ArchivedPerson.objects.bulk_create(person_rows.values())

    # --- duos and their months -------------------------------------------------------
    duo_rows: dict[int, ArchivedDuo] = {}
    for (
        pk,
        programme,
        school,
        kind,
        institution,
        start,
        closed_on,
        reason,
    ) in Trajectory.objects.filter(pk__in=duo_ids).values_list(
        "pk",
        "programme_id",
        "school_id",
        "buddy__kind",
        "buddy__training_institution_id",
        "planned_start",
        "closed_on",
        "close_reason",
    ):
        duo_rows[pk] = ArchivedDuo(
            programme_id=programme,
            school_id=school,
            buddy_kind=kind,
            training_institution_id=institution,
            started_month=_month(start),
            closed_month=_month(closed_on) if closed_on else None,
            close_reason=reason,
        )
    ArchivedDuo.objects.bulk_create(duo_rows.values())
    ArchivedDuoMonth.objects.bulk_create(
        ArchivedDuoMonth(
            duo=duo_rows[duo], month=month, held=held, cancelled=cancelled, minutes=minutes
        )
        for duo, month, held, cancelled, minutes in DuoMonth.objects.filter(
            trajectory__in=duo_ids
        ).values_list("trajectory_id", "month", "held", "cancelled", "minutes")
    )

    # --- participations and their well-being scores ----------------------------------
    participation_rows: dict[int, ArchivedParticipation] = {}
    for pk, duo, pupil, family in Participant.objects.filter(trajectory__in=duo_ids).values_list(
        "pk", "trajectory_id", "pupil_id", "family_id"
    ):
        person = ("pupil", pupil) if pupil else ("family", family)
        participation_rows[pk] = ArchivedParticipation(
            duo=duo_rows[duo], person=person_rows[person]
        )
    ArchivedParticipation.objects.bulk_create(participation_rows.values())
    scores = []
    current, previous_day, rank = None, None, 0
    # In the report's order (participant, date, id), so the archive's ids keep it.
    for participant, day, moment, score in (
        WellbeingScore.objects.filter(participant__in=participation_rows)
        .order_by("participant_id", "date", "id")
        .values_list("participant_id", "date", "moment", "score")
    ):
        if participant != current:
            current, previous_day, rank = participant, None, 0
        if day != previous_day:
            rank += 1
            previous_day = day
        scores.append(
            ArchivedScore(
                participation=participation_rows[participant],
                month=_month(day),
                rank=rank,
                moment=moment,
                score=score,
            )
        )
    ArchivedScore.objects.bulk_create(scores, batch_size=2000)

    # --- referrals and their moves ---------------------------------------------------
    moves: dict[int, list[tuple[str, dt.datetime]]] = defaultdict(list)
    for referral, to_status, at in (
        ReferralTransition.objects.filter(referral__in=referral_ids)
        .order_by("at", "id")
        .values_list("referral_id", "to_status", "at")
    ):
        moves[referral].append((to_status, at))
    referral_rows: dict[int, ArchivedReferral] = {}
    move_rows: list[ArchivedReferralMove] = []
    for pk, pupil, family, programme, referrer, status, submitted_at in Referral.objects.filter(
        pk__in=referral_ids
    ).values_list(
        "pk", "pupil_id", "family_id", "programme_id", "referrer_id", "status", "submitted_at"
    ):
        archived = person_rows.get(("pupil", pupil) if pupil else ("family", family))
        history = moves.get(pk, [])
        ended = next((at for to, at in history if to in ENDED), None)
        matched = next((at for to, at in history if to == ReferralStatus.MATCHED), None)
        row = ArchivedReferral(
            kind=ArchivedPersonKind.PUPIL if pupil else ArchivedPersonKind.FAMILY,
            programme_id=programme,
            referrer_id=referrer,
            final_status=status,
            municipality_id=archived.municipality_id if archived else None,
            submitted_month=_local_month(submitted_at),
            ended_month=_local_month(ended),
            matched_month=_local_month(matched),
            wait_seconds=(
                (matched - submitted_at).total_seconds()
                if matched is not None and submitted_at is not None
                else None
            ),
        )
        referral_rows[pk] = row
        for to_status, month in sorted({(to, _local_month(at)) for to, at in history}):
            if to_status in MOVES and month is not None:
                move_rows.append(
                    ArchivedReferralMove(referral=row, to_status=to_status, month=month)
                )
    ArchivedReferral.objects.bulk_create(referral_rows.values())
    ArchivedReferralMove.objects.bulk_create(move_rows, batch_size=2000)

    # --- delete the live rows --------------------------------------------------------
    counts = PurgeCounts(
        pupils=len(pupils),
        families=len(families),
        referrals=len(referral_ids),
        duos=len(duo_ids),
        meetings=Meeting.objects.filter(trajectory__in=duo_ids).count(),
        scores=len(scores),
        notes=sum(model.objects.filter(trajectory__in=duo_ids).count() for model in DUO_NOTES),
    )
    Proposal.objects.filter(referral__in=referral_ids).delete()
    # The many rows first, each in one statement: the ORM's cascade would load every
    # meeting to find what refers to it (the benchmark: most of the run's time).
    meetings = Meeting.objects.filter(trajectory__in=duo_ids)
    ServiceIntroduction.objects.filter(meeting__in=meetings).update(meeting=None)
    for qs in (
        WellbeingScore.objects.filter(trajectory__in=duo_ids),
        meetings,
        DuoMonth.objects.filter(trajectory__in=duo_ids),
        ParticipantMonth.objects.filter(trajectory__in=duo_ids),
    ):
        qs._raw_delete(qs.db)  # nothing refers to these rows any more (see above)
    # Study grants are money records the accounts keep: they lose the pupil, the duo and
    # their free text instead of being deleted (funds/services.py, docs/rules.md).
    grants_anonymise(pupil_ids=pupils, duo_ids=duo_ids)
    # A duo takes the rest with it: notes, concerns, surveys, agreement, history.
    Trajectory.objects.filter(pk__in=duo_ids).delete()
    counts_forget(referral_ids)  # the report's counts (issue 22): the archive has them now
    Referral.objects.filter(pk__in=referral_ids).delete()
    Pupil.objects.filter(pk__in=pupils).delete()
    # Issue 20: the mails a family was sent leave the mail outbox too; the family's contact
    # for messages and its messages go with it by the cascade.
    family_messages_erase(families)
    Family.objects.filter(pk__in=families).delete()
    return counts


def participants_purge(*, today: dt.date) -> PurgeCounts:
    """Archive every group of people whose data is due today (the scheduled run)."""
    return archive_groups(due_groups(today=today), today=today)


# --- the other kinds of the schedule that the daily run acts on ------------------------


def mail_bodies_purge(*, now: dt.datetime) -> int:
    """Empty the text of mails sent longer ago than the schedule keeps it; the row (who,
    when, the subject, delivery) stays for the delivery log."""
    cutoff = now - dt.timedelta(days=RULES[DataKind.MAIL_BODY.value].period_days)
    return (
        OutgoingMail.objects.filter(sent_at__lt=cutoff)
        .exclude(body="", html="")
        .update(body="", html="")
    )


def practice_photos_purge(*, now: dt.datetime) -> int:
    """Take the photo off the practice proposals rejected longer ago than the schedule
    keeps it; the file goes from disk once no sheet or proposal uses it (after commit). A
    rejected proposal is never published, so it is in no search index."""
    cutoff = now - dt.timedelta(days=RULES[DataKind.PRACTICE_PHOTO.value].period_days)
    stale = PracticeSubmission.objects.filter(
        status=SubmissionStatus.REJECTED, moderated_at__lt=cutoff
    ).exclude(photo="")
    names = set(stale.values_list("photo", flat=True))
    count = stale.update(photo="", photo_alt="")
    unused = [
        name
        for name in names
        if not Practice.objects.filter(photo=name).exists()
        and not PracticeSubmission.objects.filter(photo=name).exists()
    ]
    if unused:
        storage = PracticeSubmission._meta.get_field("photo").storage  # type: ignore[attr-defined]

        def delete_files() -> None:
            for name in unused:
                storage.delete(name)

        transaction.on_commit(delete_files)
    return count


def audit_events_purge(*, now: dt.datetime) -> int:
    """Delete audit events older than AUDIT_RETENTION_DAYS."""
    cutoff = now - dt.timedelta(days=RULES[DataKind.AUDIT.value].period_days)
    deleted, _by_model = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


@dataclass
class RunCounts:
    """One purge run: what went, per kind."""

    participants: PurgeCounts = field(default_factory=PurgeCounts)
    mail_bodies: int = 0
    practice_photos: int = 0
    audit_events: int = 0
    accounts_warned: int = 0
    accounts_anonymised: int = 0
    declined_buddies: int = 0
    extract_facts: int = 0
    money_records: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            **self.participants.as_dict(),
            "mail_bodies": self.mail_bodies,
            "practice_photos": self.practice_photos,
            "audit_events": self.audit_events,
            "accounts_warned": self.accounts_warned,
            "accounts_anonymised": self.accounts_anonymised,
            "declined_buddies": self.declined_buddies,
            "extract_facts": self.extract_facts,
            "money_records": self.money_records,
        }


def privacy_purge(*, now: dt.datetime) -> RunCounts | None:
    """The daily purge of everything past its retention (the scheduled run): once a day,
    with one audit event holding its counts. None when today's run was already done (the
    scheduler calls this every 15 minutes)."""
    today = timezone.localdate(now)
    if AuditEvent.objects.filter(
        action=AuditAction.PRIVACY_PURGE, object_type=RUN_TARGET, object_id=today.isoformat()
    ).exists():
        return None
    counts = RunCounts()
    counts.participants = participants_purge(today=today)
    accounts = inactive_accounts_run(now=now)
    counts.accounts_warned, counts.accounts_anonymised = accounts.warned, accounts.anonymised
    counts.declined_buddies = declined_buddies_purge(now=now)
    counts.extract_facts = extract_facts_purge(now=now)
    counts.money_records = money_records_purge(now=now)
    with transaction.atomic():
        counts.mail_bodies = mail_bodies_purge(now=now)
        counts.practice_photos = practice_photos_purge(now=now)
        # Before the run's own event is written: that one is kept for the full period.
        counts.audit_events = audit_events_purge(now=now)
        audit_record(
            actor=None,
            action=AuditAction.PRIVACY_PURGE,
            target=seen_ref(RUN_TARGET, target_id=today.isoformat()),
            detail=counts.as_dict(),
        )
    return counts


RUN_TARGET = "privacy.purge"  # the run's audit event names the day, nothing else
