"""Reads of pupils, families and referrals, always scoped by the access policy."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Count, Exists, Min, OuterRef, QuerySet
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404

from buddywerk.access import policy
from buddywerk.access.models import Role, User
from buddywerk.common.audit import (
    Seen,
    audit_view,
    audit_view_many,
    seen,
    seen_ref,
)
from buddywerk.common.memo import shared
from buddywerk.matching.enums import OPEN_STATUSES as OPEN_PROPOSAL_STATUSES
from buddywerk.matching.models import Proposal
from buddywerk.organisations.models import ParticipantKind, Programme

from .enums import ReferralStatus
from .models import Family, Pupil, Referral
from .workflow import QUEUE_STATUSES


def pupil_list(*, user: User) -> QuerySet[Pupil]:
    """Pupils the user may see, with their school, for a list without a query per row."""
    return policy.pupils_visible_to(user, Pupil.objects.select_related("school")).order_by(
        "last_name", "first_name"
    )


def pupil_get_for_view(*, user: User, pupil_uuid: Any) -> Pupil:
    """One pupil in the user's scope (404 otherwise), with the view written to the audit."""
    pupil = get_object_or_404(pupil_list(user=user), uuid=pupil_uuid)
    audit_view(actor=user, target=pupil)
    return pupil


def pupil_rows(*, user: User, pupils: Any) -> list[Pupil]:
    """A page of the pupil list: every pupil it names is audited as viewed (one INSERT)."""
    rows = list(pupils)
    audit_view_many(actor=user, targets=rows)
    return rows


def pupils_to_refer(*, user: User) -> QuerySet[Pupil]:
    """The pupils of the user's own schools, for a new referral (R4)."""
    return (
        Pupil.objects.filter(school_id__in=policy.referrer_organisation_ids(user))
        .select_related("school")
        .order_by("last_name", "first_name")
    )


def referral_programmes_for_schools(*, school_ids: set[int]) -> QuerySet[Programme]:
    """Programmes taking pupil referrals now in the municipality of one of the schools."""
    from buddywerk.organisations.models import School

    municipalities = School.objects.filter(pk__in=school_ids).values("municipality_id")
    return (
        Programme.objects.taking_referrals()
        .filter(
            participant_kind__in=[ParticipantKind.PUPILS, ParticipantKind.BOTH],
            municipalities__in=municipalities,
        )
        .distinct()
        .order_by("name")
    )


def referrals_visible(*, user: User) -> QuerySet[Referral]:
    """The referrals in the user's scope (see `policy.referrals_visible_to`), with their
    participant and programme in the same query."""
    return policy.referrals_visible_to(user, Referral.objects.with_participant())


def referral_list_for_referrer(*, user: User) -> QuerySet[Referral]:
    """The referrals the user's schools or services made (all of them for a platform
    admin), newest first, with the participant and programme in the same query."""
    qs = referrals_visible(user=user)
    if not policy.is_platform_admin(user):
        qs = qs.filter(referrer_id__in=policy.referrer_organisation_ids(user))
    return qs.order_by("-created_at", "-id")


def referral_queue(*, user: User) -> QuerySet[Referral]:
    """The programme's queue: referrals submitted to it and not yet matched or ended,
    oldest first (the waiting days count from submission)."""
    qs = referrals_visible(user=user).filter(status__in=QUEUE_STATUSES)
    if not policy.is_platform_admin(user):
        qs = qs.filter(programme_id__in=policy.organisation_ids(user, Role.PROGRAMME_COORDINATOR))
    return qs.order_by("submitted_at", "id")


@dataclass(frozen=True)
class QueueFigures:
    """The queue of the programmes the user coordinates at a glance: how many referrals
    wait and since when, and the two to-do items read from it (a count, and the referral's
    uuid when it is the only one)."""

    waiting: int
    oldest: dt.datetime | None
    to_decide: tuple[int, Any]
    no_buddy: tuple[int, Any]


def queue_figures(*, user: User) -> QueueFigures:
    """One aggregate query over the coordinated programmes' queue, shared by the home
    page's figures and to-do items (common.memo.shared)."""
    return shared(("referral-queue", user.pk), lambda: _queue_figures(user))


def _queue_figures(user: User) -> QueueFigures:
    programmes = policy.organisation_ids(user, Role.PROGRAMME_COORDINATOR)
    queue = policy.referrals_visible_to(user, Referral.objects.all()).filter(
        programme_id__in=programmes, status__in=QUEUE_STATUSES
    )
    open_proposal = Proposal.objects.filter(
        referral=OuterRef("pk"), status__in=OPEN_PROPOSAL_STATUSES
    )
    # A row per status and whether an open proposal exists: how many, the oldest, and the
    # least uuid (the uuid itself where it is the only one). Grouping is cheaper to build
    # than one filtered aggregate per figure (issue 17 point 4).
    groups = list(
        queue.annotate(bw_open=Exists(open_proposal))
        .values("status", "bw_open")
        .annotate(n=Count("pk"), oldest=Min("submitted_at"), one=Min(Cast("uuid", CharField())))
        .order_by()
    )
    to_uuid = Referral._meta.get_field("uuid").to_python

    def item(rows: Sequence[Mapping[str, Any]]) -> tuple[int, Any]:
        count = sum(row["n"] for row in rows)
        return count, to_uuid(rows[0]["one"]) if count == 1 else None

    return QueueFigures(
        waiting=sum(row["n"] for row in groups),
        oldest=min((row["oldest"] for row in groups), default=None),
        to_decide=item([row for row in groups if row["status"] == ReferralStatus.SUBMITTED]),
        no_buddy=item(
            [
                row
                for row in groups
                if row["status"] == ReferralStatus.ACCEPTED and not row["bw_open"]
            ]
        ),
    )


def referral_get(*, user: User, referral_uuid: Any) -> Referral:
    """One referral in the user's scope, or 404 (never confirms it exists)."""
    return get_object_or_404(referrals_visible(user=user), uuid=referral_uuid)


def referral_get_for_view(*, user: User, referral_uuid: Any) -> Referral:
    """One referral for its detail page: the look at the pupil's or family's data is
    written to the audit (ARCHITECTURE.md 5)."""
    referral = referral_get(user=user, referral_uuid=referral_uuid)
    audit_view(actor=user, target=seen_through(referral))
    return referral


def seen_through(referral: Referral) -> Seen:
    """The referral's pupil or family, the target of a view of it (common/audit.py)."""
    return seen(referral.participant, referral=referral.uuid)


def seen_in_row(row: dict[str, Any], **via: Any) -> Seen:
    """The same from a `.values()` row that holds `pupil__uuid` and `family__uuid`."""
    if row.get("pupil__uuid"):
        return seen_ref(Pupil._meta.label_lower, target_id=row["pupil__uuid"], **via)
    return seen_ref(Family._meta.label_lower, target_id=row["family__uuid"], **via)


def list_rows_only(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """A list page's referrals with only what a row shows (the participant, programme and
    referrer), not the participant's meeting place that `with_participant` adds for the
    API and matching: half the joins, and on PostgreSQL the time to plan the page's query
    grows with each join (issue 17 point 4)."""
    return referrals.select_related(None).select_related("programme", "referrer", "pupil", "family")


def referral_rows(*, user: User, referrals: Any) -> list[Referral]:
    """A page of a referral list (the referrer's list, the programme's queue, ...): every
    pupil or family it names is audited as viewed, in one INSERT. `referrals` come with
    their participant (`with_participant()`), so this costs no query per row."""
    rows = list(referrals)
    audit_view_many(actor=user, targets=[seen_through(r) for r in rows])
    return rows
