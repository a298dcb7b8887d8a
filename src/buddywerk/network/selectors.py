"""Reads of the network app, scoped by the access policy."""

import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from buddywerk.access import policy

from .models import (
    LocalService,
    Practice,
    PracticeSubmission,
    Question,
    ServiceIntroduction,
    SubmissionStatus,
)
from .text import stems
from .workflow import MODERATION_STATUSES


def practice_list_related(qs: QuerySet[Practice]) -> QuerySet[Practice]:
    """What a result card shows, in a fixed number of queries."""
    return qs.prefetch_related(
        "categories", Prefetch("places", queryset=_places()), "policy_domains"
    )


def _places() -> QuerySet[Any]:
    from buddywerk.geo.models import Municipality

    return Municipality.objects.select_related("province")


def practice_get_public(*, practice_uuid: Any) -> Practice:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Practice.objects.published()
        .select_related("programme")
        .prefetch_related(
            Prefetch("places", queryset=_places()),
            "categories",
            "policy_domains",
            "target_groups",
        ),
        uuid=practice_uuid,
    )


def moderation_queue(*, user: Any) -> QuerySet[PracticeSubmission]:
    """The proposals the user may moderate that wait for a decision."""
    return (
        policy.practice_submissions_moderated_by(user, PracticeSubmission.objects.all())
        .filter(status__in=MODERATION_STATUSES)
        .select_related("practice")
        .prefetch_related(Prefetch("places", queryset=_places()))
        .order_by("created_at")
    )


def question_list(*, audience: str = "", q: str = "") -> QuerySet[Question]:
    """Published questions, for one audience or all, matching every Dutch stem of `q`."""
    qs = Question.objects.published()
    if audience:
        qs = qs.filter(audience=audience)
    for term in dict.fromkeys(stems(q)):
        qs = qs.filter(search_stems__contains=f" {term} ")
    return qs


def questions_waiting() -> QuerySet[Question]:
    """Issue 16, point 11: asked questions no platform admin has published yet, oldest
    first (the admins' moderation list)."""
    return (
        Question.objects.filter(is_published=False, asked_by__isnull=False)
        .select_related("asked_by")
        .order_by("created_at")
    )


def questions_asked_by(user: Any) -> QuerySet[Question]:
    """The user's own questions that wait for an answer."""
    return Question.objects.filter(is_published=False, asked_by_id=user.pk).order_by("created_at")


def local_service_list(*, municipality: Any = None, category: str = "") -> QuerySet[LocalService]:
    qs = LocalService.objects.filter(is_active=True).select_related("municipality")
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    if category:
        qs = qs.filter(category=category)
    return qs


def services_reached(*, programme: Any) -> QuerySet[LocalService]:
    """Per local service: how many of the programme's families a buddy introduced to it.
    Counts only, no family."""
    return (
        LocalService.objects.filter(introductions__programme=programme)
        .annotate(families=Count("introductions__family", distinct=True))
        .select_related("municipality")
        .order_by("-families", "name")
    )


def introductions_for_family(*, user: Any, family: Any) -> QuerySet[ServiceIntroduction]:
    """The family's introductions, for its own buddy: those recorded in the programmes of
    the user's running duos with this family (policy.service_introduction_duos)."""
    from buddywerk.trajectories.models import Trajectory

    duos = policy.service_introduction_duos(
        user, Trajectory.objects.filter(participants__family=family)
    )
    return ServiceIntroduction.objects.filter(
        family=family, programme_id__in=duos.values("programme_id")
    ).select_related("service")


def meeting_for_introduction(*, user: Any, family: Any, meeting_uuid: Any) -> Any:
    """A meeting of the user's own running duo with `family` (the duos that give access to
    the family's introductions), from which they introduce the family to a service; None
    when there is no such meeting for this user (never another's)."""
    from buddywerk.trajectories.models import Meeting, Trajectory

    duos = policy.service_introduction_duos(
        user, Trajectory.objects.filter(participants__family=family)
    )
    return (
        Meeting.objects.filter(uuid=meeting_uuid, trajectory__in=duos)
        .select_related("trajectory")
        .first()
    )


def services_for_family(*, family: Any) -> QuerySet[LocalService]:
    """The active services of the family's municipality first (the sociale kaart where the
    family lives), then the others, by category and name."""
    from django.db.models import Case, IntegerField, Value, When

    municipality_id = family.postcode.municipality_id if family.postcode_id else None
    return (
        LocalService.objects.filter(is_active=True)
        .select_related("municipality")
        .annotate(
            nearby=Case(
                When(municipality_id=municipality_id, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("nearby", "municipality__name", "category", "name")
    )


# A proposal sent again within this time by the same address, with the same title, is the
# same proposal (issue 16, point 2): the public form has no account for a one-time token.
RESEND_MINUTES = 60


def practice_submission_resent(
    *, submitter_email: str, title: str, practice: Practice | None
) -> PracticeSubmission | None:
    """The proposal this address sent with this title (for the same sheet, or a new one)
    within RESEND_MINUTES and not yet decided on, or None."""
    since = timezone.now() - dt.timedelta(minutes=RESEND_MINUTES)
    return (
        PracticeSubmission.objects.filter(
            submitter_email__iexact=submitter_email.strip(),
            title__iexact=title.strip(),
            practice=practice,
            status__in=[SubmissionStatus.UNCONFIRMED, SubmissionStatus.SUBMITTED],
            created_at__gte=since,
        )
        .order_by("-created_at")
        .first()
    )
