"""Writes of the network app: practice proposals and their moderation (R15), the Q&A (R14)
and introductions to local services [004]. Each service validates, runs in one
transaction, leaves an audit event and writes its mail to the outbox in that transaction
(ARCHITECTURE.md 1, 5).
"""

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from buddywerk.access import policy
from buddywerk.access.models import User
from buddywerk.common import clock
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.storage import storage_full_as_error
from buddywerk.common.workflow import transition_apply
from buddywerk.mail.compose import mail_language, mail_to_address, mail_to_users, site_url

from . import selectors
from .models import (
    CONTENT_FIELDS,
    CONTENT_M2M,
    LocalService,
    Practice,
    PracticeSubmission,
    PracticeVersion,
    Question,
    ServiceIntroduction,
    SubmissionStatus,
)
from .search import practice_index
from .text import stem_document
from .workflow import SUBMISSION

# These mails carry the proposal's secret key (confirm and edit links).
SECRET_LINK_KINDS = frozenset({"confirm", "changes_requested"})


def practice_submission_mail(*, kind: str, submission: PracticeSubmission) -> None:
    """Write one mail to the author of a practice proposal, in the caller's transaction
    and in the language of the form they filled in: confirm the address (`confirm`), or
    hear what the moderator decided (`published`, `changes_requested`, `rejected`)."""
    context = {
        "submission": submission,
        "confirm_url": site_url(
            reverse("network:practice_submission_confirm", args=[submission.token])
        ),
        "edit_url": site_url(reverse("network:practice_submission_edit", args=[submission.token])),
        "practice_url": (
            site_url(reverse("network:practice_detail", args=[submission.practice.uuid]))
            if submission.practice is not None
            else ""
        ),
    }
    mail_to_address(
        to=submission.submitter_email,
        language=submission.submitter_language,
        template=f"network/email/{kind}",
        kind=f"network.{kind}",
        context=context,
        sensitive=kind in SECRET_LINK_KINDS,
    )


def _apply_content(
    target: Any, fields: dict[str, Any], relations: dict[str, Any]
) -> dict[str, Any]:
    """Set the content fields on `target`; return the relations to set after saving."""
    for name in CONTENT_FIELDS:
        if name in fields:
            setattr(target, name, fields[name])
    return {name: relations[name] for name in CONTENT_M2M if name in relations}


def _check_relations(relations: dict[str, Any]) -> None:
    errors = {}
    if not relations.get("places"):
        errors["places"] = _("Choose at least one municipality where the practice runs.")
    if not relations.get("categories"):
        errors["categories"] = _("Choose at least one category.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def practice_submission_create(
    *,
    actor: User | None,
    fields: dict[str, Any],
    relations: dict[str, Any],
    submitter_name: str,
    submitter_email: str,
    practice: Practice | None = None,
    language: str | None = None,
) -> PracticeSubmission:
    """R15: anyone proposes a new sheet, or a change to a published one. The proposal waits
    until its author confirms their email address through the mailed link. `language`: the
    language of the form (default: the active one); the author's mails are written in it.
    The same proposal sent again within the hour (same address and title) answers with the
    first one, without a second mail (issue 16, point 2)."""
    resent = selectors.practice_submission_resent(
        submitter_email=submitter_email, title=str(fields.get("title", "")), practice=practice
    )
    if resent is not None:
        return resent
    submission = PracticeSubmission(
        practice=practice,
        submitter_name=submitter_name,
        submitter_email=submitter_email.strip().lower(),
        submitter_language=mail_language(language or translation.get_language()),
        token=secrets.token_urlsafe(32),
    )
    m2m = _apply_content(submission, fields, relations)
    _check_relations(m2m)
    submission.full_clean()
    # The photo is written before the row: a full disk fails here and nothing is kept.
    with storage_full_as_error("photo"):
        submission.save()
    for name, values in m2m.items():
        getattr(submission, name).set(values)
    audit_record(
        actor=actor,
        action=AuditAction.PRACTICE_SUBMISSION_CREATE,
        target=submission,
        detail={"change_of": str(practice.uuid) if practice else None},
    )
    practice_submission_mail(kind="confirm", submission=submission)
    return submission


@transaction.atomic
def practice_submissions_purge_unconfirmed(*, now: dt.datetime) -> int:
    """Delete the proposals whose author never confirmed the address, a week
    (UNCONFIRMED_RETENTION_DAYS) after they were sent: their text came from someone
    nobody knows, and nobody will read it (issue 11, point 7). Each one leaves an audit
    event (actor: none, the schedule); returns how many were deleted. A photo goes with
    its proposal unless a sheet or another proposal uses the same file."""
    cutoff = now - dt.timedelta(days=settings.UNCONFIRMED_RETENTION_DAYS)
    stale = list(
        PracticeSubmission.objects.select_for_update().filter(
            status=SubmissionStatus.UNCONFIRMED, created_at__lt=cutoff
        )
    )
    photos = {str(submission.photo.name) for submission in stale if submission.photo}
    for submission in stale:
        audit_record(
            actor=None,
            action=AuditAction.PRACTICE_SUBMISSION_PURGE_UNCONFIRMED,
            target=submission,
            detail={"days": settings.UNCONFIRMED_RETENTION_DAYS},
        )
    PracticeSubmission.objects.filter(pk__in=[s.pk for s in stale]).delete()
    unused = [
        name
        for name in photos
        if not Practice.objects.filter(photo=name).exists()
        and not PracticeSubmission.objects.filter(photo=name).exists()
    ]
    if unused:
        transaction.on_commit(lambda: _delete_photos(unused))
    return len(stale)


def _delete_photos(names: list[str]) -> None:
    field = PracticeSubmission._meta.get_field("photo")
    for name in names:
        field.storage.delete(name)


def _take(
    name: str, submission: PracticeSubmission, *, actor: User | None, reason: str = ""
) -> PracticeSubmission:
    """Take a transition of `workflow.SUBMISSION` (inside the caller's transaction)."""
    locked: PracticeSubmission = transition_apply(
        SUBMISSION, name, obj=submission, actor=actor, reason=reason
    )
    return locked


@transaction.atomic
def practice_submission_confirm(*, token: str) -> PracticeSubmission:
    """The author confirmed their address: the proposal joins the moderation queue."""
    submission = PracticeSubmission.objects.filter(token=token).first()
    if submission is None:
        raise ValidationError(_("This link is not valid (any more)."))
    if submission.status != SubmissionStatus.UNCONFIRMED:
        return submission  # a second click on the link changes nothing
    submission = _take("confirm", submission, actor=None)
    submission.confirmed_at = timezone.now()
    submission.save(update_fields=["confirmed_at", "updated_at"])
    return submission


@transaction.atomic
def practice_submission_resubmit(
    *, token: str, fields: dict[str, Any], relations: dict[str, Any]
) -> PracticeSubmission:
    """The author changed the proposal after a moderator asked for it; back to the queue."""
    submission = PracticeSubmission.objects.filter(token=token).first()
    if submission is None:
        raise ValidationError(_("This link is not valid (any more)."))
    submission = _take("resubmit", submission, actor=None)
    m2m = _apply_content(submission, fields, relations)
    _check_relations(m2m)
    submission.full_clean()
    with storage_full_as_error("photo"):
        submission.save()
    for name, values in m2m.items():
        getattr(submission, name).set(values)
    return submission


def _require_moderator(actor: User, submission: PracticeSubmission) -> None:
    if not policy.can_moderate_practice(actor, submission):
        raise PermissionDenied


def _snapshot(practice: Practice) -> dict[str, Any]:
    content: dict[str, Any] = {}
    for name in CONTENT_FIELDS:
        value = getattr(practice, name)
        if name == "photo":
            value = value.name if value else ""
        elif name == "programme":
            value = practice.programme_id
        content[name] = value
    content["places"] = sorted(practice.places.values_list("nis_code", flat=True))
    content["categories"] = sorted(practice.categories.values_list("slug", flat=True))
    content["policy_domains"] = sorted(practice.policy_domains.values_list("slug", flat=True))
    content["target_groups"] = sorted(practice.target_groups.values_list("slug", flat=True))
    return content


@transaction.atomic
def practice_submission_publish(*, actor: User, submission: PracticeSubmission) -> Practice:
    """R15: a moderator publishes a proposal: a new sheet, or the new version of an existing
    one. The published content is kept as a numbered version."""
    _require_moderator(actor, submission)
    submission = _take("publish", submission, actor=actor)
    now = timezone.now()
    practice = submission.practice
    if practice is None:
        practice = Practice(version=1)
    else:
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        practice.version += 1
    for name in CONTENT_FIELDS:
        setattr(practice, name, getattr(submission, name))
    practice.is_published = True
    practice.published_at = now
    practice.full_clean()
    practice.save()
    for name in CONTENT_M2M:
        getattr(practice, name).set(getattr(submission, name).all())
    PracticeVersion.objects.create(
        practice=practice,
        number=practice.version,
        content=_snapshot(practice),
        submission=submission,
        published_by=actor,
        published_at=now,
    )
    practice_index(practice)
    submission.practice = practice
    submission.moderated_by = actor
    submission.moderated_at = now
    submission.moderation_reason = ""
    submission.save()
    audit_record(
        actor=actor,
        action=AuditAction.PRACTICE_PUBLISH,
        target=practice,
        detail={"version": practice.version, "submission": str(submission.uuid)},
    )
    practice_submission_mail(kind="published", submission=submission)
    return practice


def _decide(
    *, actor: User, submission: PracticeSubmission, to_status: str, reason: str
) -> PracticeSubmission:
    _require_moderator(actor, submission)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Tell the author why, in a sentence or two.")})
    from .text import validate_no_markup

    try:
        validate_no_markup(reason)
    except ValidationError as exc:
        raise ValidationError({"reason": exc.messages}) from exc
    name = "request_changes" if to_status == SubmissionStatus.CHANGES_REQUESTED else "reject"
    submission = _take(name, submission, actor=actor, reason=reason)
    submission.moderated_by = actor
    submission.moderated_at = timezone.now()
    submission.moderation_reason = reason
    submission.save()
    practice_submission_mail(kind=str(to_status), submission=submission)
    return submission


@transaction.atomic
def practice_submission_request_changes(
    *, actor: User, submission: PracticeSubmission, reason: str
) -> PracticeSubmission:
    """R15: the moderator sends the proposal back to its author with what to change."""
    return _decide(
        actor=actor,
        submission=submission,
        to_status=SubmissionStatus.CHANGES_REQUESTED,
        reason=reason,
    )


@transaction.atomic
def practice_submission_reject(
    *, actor: User, submission: PracticeSubmission, reason: str
) -> PracticeSubmission:
    """R15: the moderator rejects the proposal, with a reason the author receives."""
    return _decide(
        actor=actor,
        submission=submission,
        to_status=SubmissionStatus.REJECTED,
        reason=reason,
    )


# --- Q&A --------------------------------------------------------------------------


@transaction.atomic
def question_save(
    *,
    actor: User,
    question: Question,
    fields: dict[str, Any],
    reviewed: bool = True,
    today: dt.date | None = None,
) -> Question:
    """R14: a platform admin writes or updates a question and its answer; saving counts as
    a review unless said otherwise. `today` is the fake clock (tests, demo data): the day
    of the review."""
    if not policy.can_edit_questions(actor):
        raise PermissionDenied
    # A form has already copied its data onto `question`: what was published is in the row.
    was_answered = (
        question.pk is not None
        and Question.objects.filter(pk=question.pk, is_published=True).exclude(answer="").exists()
    )
    for name, value in fields.items():
        setattr(question, name, value)
    if reviewed or question.last_reviewed_on is None:
        question.last_reviewed_on = clock.today(today)
    question.search_stems = stem_document(f"{question.question} {question.answer}")
    question.full_clean()
    question.save()
    audit_record(actor=actor, action=AuditAction.QUESTION_SAVE, target=question)
    asker = question.asked_by
    if asker is not None and asker.is_active and question.is_published and question.answer:
        if not was_answered:
            mail_to_users(
                users=[asker],
                template="network/email/question_answered",
                kind="network.question_answered",
                context={"questions_url": site_url(reverse("network:question_list"))},
            )
    return question


# --- Local services --------------------------------------------------------------


@transaction.atomic
def service_introduction_record(
    *,
    actor: User,
    family: Any,
    service: LocalService,
    introduced_on: dt.date,
    note: str = "",
    meeting: Any = None,
) -> ServiceIntroduction:
    """[004] A buddy records that they introduced a family to a local service, from a
    meeting of their duo with the family when they came from one. Only the family's own
    buddy does: the approved buddy of a running duo with this family (see
    policy.service_introduction_duos); the meeting, when given, is one of that duo's."""
    from buddywerk.trajectories.models import Trajectory

    duo = (
        policy.service_introduction_duos(actor, Trajectory.objects.all())
        .filter(participants__family_id=family.pk)
        .select_related("programme", "buddy")
        .order_by("-planned_start", "-id")
        .first()
    )
    if duo is None:
        raise PermissionDenied
    if meeting is not None:
        meeting_duo = (
            policy.service_introduction_duos(actor, Trajectory.objects.all())
            .filter(pk=meeting.trajectory_id, participants__family_id=family.pk)
            .select_related("programme", "buddy")
            .first()
        )
        if meeting_duo is None:
            raise PermissionDenied
        duo = meeting_duo
    if introduced_on > timezone.localdate():
        raise ValidationError({"introduced_on": _("The date cannot lie in the future.")})
    buddy, programme = duo.buddy, duo.programme
    introduction = ServiceIntroduction(
        family=family,
        service=service,
        buddy=buddy,
        programme=programme,
        introduced_on=introduced_on,
        meeting=meeting,
        note=note,
    )
    introduction.full_clean()
    introduction.save()
    audit_record(actor=actor, action=AuditAction.SERVICE_INTRODUCTION_RECORD, target=introduction)
    return introduction


LOCAL_SERVICE_FIELDS = [
    "municipality",
    "name",
    "category",
    "description",
    "address",
    "phone",
    "email",
    "website",
    "languages",
    "opening_hours",
    "accessibility",
    "is_active",
]


@transaction.atomic
def local_service_save(
    *, actor: User, fields: dict[str, Any], service: LocalService | None = None
) -> LocalService:
    """Issue 20: a programme coordinator keeps the sociale kaart of their programmes'
    coverage area in the application (a platform admin every municipality's): a new
    local service, or a change to one they keep. Audited."""
    from buddywerk.geo.models import Municipality

    if not policy.can_manage_local_services(actor):
        raise PermissionDenied
    if service is not None:
        kept = policy.local_services_kept_by(actor, LocalService.objects.all())
        if not kept.filter(pk=service.pk).exists():
            raise PermissionDenied
        service = LocalService.objects.select_for_update().get(pk=service.pk)
    else:
        service = LocalService()
    municipality = fields.get("municipality", getattr(service, "municipality", None))
    allowed = policy.local_service_municipalities_of(actor, Municipality.objects.all())
    if municipality is None or not allowed.filter(pk=municipality.pk).exists():
        raise PermissionDenied
    creating = service.pk is None
    changed = []
    for name in LOCAL_SERVICE_FIELDS:
        if name in fields and getattr(service, name, None) != fields[name]:
            setattr(service, name, fields[name])
            changed.append(name)
    service.full_clean()
    service.save()
    audit_record(
        actor=actor,
        action=AuditAction.LOCAL_SERVICE_CREATE if creating else AuditAction.LOCAL_SERVICE_UPDATE,
        target=service,
        detail={"fields": changed},
    )
    return service
