"""Issue 16, point 11: the Q&A open to its audiences. Buddies, care coordinators and
programme coordinators ask a question; it shows only once a platform admin has answered
and published it (`services.question_save`, the moderation step)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from buddywerk.access import policy
from buddywerk.access.models import User
from buddywerk.access.recipients import platform_admin_users
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.mail.compose import mail_to_users, site_url

from .models import Question
from .text import stem_document


@transaction.atomic
def question_ask(*, actor: User, audience: str, question: str) -> Question:
    """Store `actor`'s question for `audience` (one of the asker's own audiences),
    unpublished and unanswered, for a platform admin to answer."""
    audiences = policy.question_audiences(actor)
    if not audiences:
        raise PermissionDenied
    if audience not in audiences:
        raise ValidationError({"audience": _("Choose one of the groups you belong to.")})
    text = question.strip()
    if not text:
        raise ValidationError({"question": _("Write your question.")})
    asked = Question(
        audience=audience,
        question=text,
        answer="",
        is_published=False,
        asked_by=actor,
        search_stems=stem_document(text),
    )
    asked.full_clean()
    asked.save()
    audit_record(actor=actor, action=AuditAction.QUESTION_ASK, target=asked)
    # The question itself stays out of the mail: askers may write about a pupil.
    mail_to_users(
        users=platform_admin_users(),
        template="network/email/question_asked",
        kind="network.question_asked",
        context={"edit_url": site_url(reverse("network:question_edit", args=[asked.pk]))},
    )
    return asked
