"""Short messages to a family's contact person (issue 20, point 4): meeting reminders and a
changed date, by mail or by SMS, in plain Dutch or in a language the programme keeps its
message templates in.

Families have no account: a coordinator records how the contact person wants the messages
(`family_contact_save`, with their consent; only the one number or address the channel
needs) and keeps the programme's texts (`message_template_save`). Services that cause a
message call `family_message_write` in their transaction; it goes through the outbox: the
mail outbox (outbox.py) by mail, the SMS outbox (sms.py) by SMS. A message has a key, so the
same reminder is never written twice. Everything here is deleted with the family.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from buddywerk.access import policy
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.permissions import check_allowed
from buddywerk.common.vocabulary import Language

from .models import (
    FamilyContact,
    FamilyMessage,
    FamilyMessageKind,
    MessageChannel,
    MessageTemplate,
    OutgoingMail,
)
from .outbox import mail_enqueue
from .sms import sms_enqueue_after_commit

if TYPE_CHECKING:
    from buddywerk.access.models import User
    from buddywerk.organisations.models import Programme
    from buddywerk.referrals.models import Family

# One SMS is 160 characters; two parts at most.
MAX_TEXT = 320
PLACEHOLDERS = frozenset({"date", "time", "place"})
DUTCH = "nl"

# Plain Dutch (B1), used when the programme keeps no Dutch text of its own.
DEFAULT_TEXTS = {
    FamilyMessageKind.MEETING_REMINDER: (
        "Hallo! Morgen, {date} om {time}, zie je je buddy. Waar: {place}. "
        "Lukt het niet? Laat het je buddy of de buddywerking weten."
    ),
    FamilyMessageKind.DATE_CHANGED: (
        "Let op: de afspraak met je buddy is verplaatst. Nieuwe datum: {date} om {time}. "
        "Waar: {place}."
    ),
}

_PHONE = re.compile(r"^\+[1-9]\d{7,14}$")


def phone_normalise(raw: str) -> str:
    """A mobile number as +32470123456: spaces, dots, dashes and slashes go; a Belgian
    number written with a leading 0 gets +32."""
    number = re.sub(r"[\s./()-]", "", raw)
    if number.startswith("00"):
        number = "+" + number[2:]
    elif number.startswith("0"):
        number = "+32" + number[1:]
    return number


def message_languages(programme: Programme) -> list[str]:
    """Plain Dutch, and every language the programme keeps at least one text in."""
    kept = set(programme.message_templates.values_list("language", flat=True))
    return [DUTCH, *sorted(kept - {DUTCH})]


def language_choices(programme: Programme) -> list[tuple[str, str]]:
    labels = dict(Language.choices)
    return [(code, str(labels.get(code, code))) for code in message_languages(programme)]


def moment_context(*, date: dt.date, start_time: dt.time | None, place: str) -> dict[str, str]:
    # Numbers only, readable in every language.
    return {
        "date": date.strftime("%d/%m/%Y"),
        "time": start_time.strftime("%H:%M") if start_time else "",
        "place": place,
    }


# What the template page shows for each placeholder (a place's name is not translated).
EXAMPLE_CONTEXT = moment_context(
    date=dt.date(2027, 3, 14), start_time=dt.time(16, 0), place="Stadsbibliotheek"
)


# --- What the coordinator records ----------------------------------------------------


@transaction.atomic
def family_contact_save(
    *,
    actor: User,
    family: Family,
    channel: str,
    phone: str = "",
    email: str = "",
    language: str = DUTCH,
    consent: bool,
    now: dt.datetime | None = None,
) -> FamilyContact:
    """Record how the family's contact person wants short messages, with their consent;
    only the number (SMS) or the address (mail) the channel needs is kept."""
    check_allowed(actor, policy.can_manage_family_messages(actor, family))
    errors: dict[str, list[str]] = {}
    if not consent:
        errors["consent"] = [gettext("Ask the contact person first whether they want this.")]
    if channel not in MessageChannel.values:
        errors["channel"] = [gettext("Choose SMS or mail.")]
    number = address = ""
    if channel == MessageChannel.SMS:
        number = phone_normalise(phone)
        if not _PHONE.match(number):
            errors["phone"] = [gettext("Give a mobile number, e.g. 0470 12 34 56.")]
    elif channel == MessageChannel.MAIL:
        address = email.strip()
        try:
            validate_email(address)
        except ValidationError:
            errors["email"] = [gettext("Give a valid email address.")]
    programmes = policy.family_message_programmes(actor, family)
    allowed = {DUTCH}
    for programme in programmes:
        allowed.update(message_languages(programme))
    if language not in allowed:
        errors["language"] = [gettext("The programme has no messages in this language.")]
    if errors:
        raise ValidationError(errors)
    contact, created = FamilyContact.objects.update_or_create(
        family=family,
        defaults={
            "channel": channel,
            "phone": number,
            "email": address,
            "language": language,
            "consent_at": now or timezone.now(),
            "recorded_by": actor,
        },
    )
    audit_record(
        actor=actor,
        action=AuditAction.FAMILY_CONTACT_SAVE,
        target=family,
        detail={"channel": channel, "language": language, "created": created},
    )
    return contact


@transaction.atomic
def family_contact_delete(*, actor: User, family: Family) -> None:
    """The contact person wants no more messages: the number or address goes at once."""
    check_allowed(actor, policy.can_manage_family_messages(actor, family))
    FamilyContact.objects.filter(family=family).delete()
    audit_record(actor=actor, action=AuditAction.FAMILY_CONTACT_DELETE, target=family)


def template_problems(text: str) -> list[str]:
    problems: list[str] = []
    if not text.strip():
        problems.append(gettext("Write the text of the message."))
    if len(text) > MAX_TEXT:
        problems.append(
            gettext("A message is at most %(limit)d characters (it has %(count)d).")
            % {"limit": MAX_TEXT, "count": len(text)}
        )
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        problems.append(
            gettext("Every { needs a } after it, as in {date}. Check the braces in the text.")
        )
        return problems
    if unknown := sorted(names - PLACEHOLDERS):
        problems.append(
            gettext(
                "The message cannot fill in %(names)s. Use only {date}, {time} and {place} "
                "between braces."
            )
            % {"names": ", ".join("{" + name + "}" for name in unknown)}
        )
        return problems
    try:
        # "{date:d}" or "{time!x}" name a known placeholder but cannot be filled in: refuse
        # them now, not when a reminder is sent.
        text.format_map(EXAMPLE_CONTEXT)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        problems.append(
            gettext("Write a placeholder exactly as {date}, {time} or {place}, nothing more.")
        )
    return problems


def template_preview(text: str) -> str:
    """The text as the contact person would read it, with the example values."""
    return text.format_map(EXAMPLE_CONTEXT)[:MAX_TEXT]


@transaction.atomic
def message_template_save(
    *, actor: User, programme: Programme, kind: str, language: str, text: str
) -> MessageTemplate:
    """The programme's text for one message in one language (one per kind and language)."""
    check_allowed(actor, policy.can_keep_message_templates(actor, programme))
    errors: dict[str, list[str]] = {}
    if kind not in FamilyMessageKind.values:
        errors["kind"] = [gettext("Choose which message this is.")]
    if language not in Language.values or language == Language.OTHER:
        errors["language"] = [gettext("Choose a language.")]
    if problems := template_problems(text):
        errors["text"] = problems
    if errors:
        raise ValidationError(errors)
    template, created = MessageTemplate.objects.update_or_create(
        programme=programme, kind=kind, language=language, defaults={"text": text.strip()}
    )
    audit_record(
        actor=actor,
        action=AuditAction.MESSAGE_TEMPLATE_SAVE,
        target=template,
        detail={"kind": kind, "language": language, "created": created},
    )
    return template


# --- Writing a message ---------------------------------------------------------------


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def message_text(
    *, programme: Programme, kind: str, language: str, context: Mapping[str, str]
) -> tuple[str, str]:
    """(language, text): the programme's text in `language`, else its Dutch text, else the
    built-in plain Dutch; placeholders filled in."""
    texts = dict(
        programme.message_templates.filter(kind=kind, language__in=[language, DUTCH]).values_list(
            "language", "text"
        )
    )
    if language in texts:
        chosen, text = language, texts[language]
    else:
        chosen, text = DUTCH, texts.get(DUTCH) or DEFAULT_TEXTS[FamilyMessageKind(kind)]
    return chosen, text.format_map(_Blank(context))[:MAX_TEXT]


def family_message_write(
    *,
    family: Family,
    programme: Programme,
    kind: str,
    key: str,
    context: Mapping[str, str],
    now: dt.datetime | None = None,
) -> FamilyMessage | None:
    """Write one message to the family's contact person in the caller's transaction, if
    they asked for messages and this key was not written before; it is sent after the
    commit. None when nothing is written."""
    contact = FamilyContact.objects.filter(family=family).first()
    if contact is None or FamilyMessage.objects.filter(key=key).exists():
        return None
    language, body = message_text(
        programme=programme, kind=kind, language=contact.language, context=context
    )
    now = now or timezone.now()
    if contact.channel == MessageChannel.SMS:
        message = FamilyMessage.objects.create(
            family=family,
            kind=kind,
            key=key,
            channel=MessageChannel.SMS,
            language=language,
            to=contact.phone,
            body=body,
            next_attempt_at=now,
        )
        sms_enqueue_after_commit(message)
        return message
    mail = mail_enqueue(
        to=contact.email,
        subject=str(programme.name),
        body=body,
        kind="family.message",
        # Erased once sent: the mail outbox keeps no copy of what a family was told.
        sensitive=True,
    )
    return FamilyMessage.objects.create(
        family=family,
        kind=kind,
        key=key,
        channel=MessageChannel.MAIL,
        language=language,
        to=contact.email,
        body=body,
        mail=mail,
    )


def family_messages_erase(families: QuerySet[Family] | list[int]) -> None:
    """The privacy purge and erasure: the mails a family was sent go from the mail outbox
    too (the family's own rows go with it by the cascade)."""
    mail_ids = FamilyMessage.objects.filter(family__in=families).values("mail_id")
    OutgoingMail.objects.filter(pk__in=mail_ids).delete()


def family_meeting_reminders(*, today: dt.date, now: dt.datetime | None = None) -> int:
    """The day before a planned meeting of a family's running duo, its contact person gets
    a reminder (once: the key holds the meeting and its date). Returns how many."""
    from buddywerk.trajectories.enums import MeetingStatus, TrajectoryStatus
    from buddywerk.trajectories.models import Meeting

    tomorrow = today + dt.timedelta(days=1)
    meetings = Meeting.objects.filter(
        date=tomorrow,
        status=MeetingStatus.PLANNED,
        trajectory__status=TrajectoryStatus.ACTIVE,
        trajectory__participants__family__message_contact__isnull=False,
    ).select_related("trajectory__programme", "trajectory__school")
    written = 0
    for meeting in meetings.distinct():
        trajectory = meeting.trajectory
        written += _remind_families(
            trajectory_id=trajectory.pk,
            programme=trajectory.programme,
            key=lambda family: f"reminder:meeting:{meeting.pk}:{meeting.date.isoformat()}",
            context=moment_context(
                date=meeting.date, start_time=meeting.start_time, place=trajectory.place
            ),
            now=now,
        )
    return written + _group_activity_reminders(tomorrow=tomorrow, now=now)


def _group_activity_reminders(*, tomorrow: dt.date, now: dt.datetime | None) -> int:
    """The day before a planned group activity, each invited family that asked for
    messages is reminded of it (once)."""
    from buddywerk.trajectories.enums import GroupActivityStatus
    from buddywerk.trajectories.models import GroupActivityInvite

    invites = GroupActivityInvite.objects.filter(
        activity__date=tomorrow,
        activity__status=GroupActivityStatus.PLANNED,
        trajectory__participants__family__message_contact__isnull=False,
    ).select_related("activity__programme")
    written = 0
    for invite in invites.distinct():
        activity = invite.activity
        written += _remind_families(
            trajectory_id=invite.trajectory_id,
            programme=activity.programme,
            key=lambda family: (
                f"reminder:activity:{activity.pk}:{activity.date.isoformat()}:{family.pk}"
            ),
            context=moment_context(
                date=activity.date, start_time=activity.start_time, place=activity.place
            ),
            now=now,
        )
    return written


def _remind_families(
    *,
    trajectory_id: int,
    programme: Programme,
    key: Callable[[Family], str],
    context: Mapping[str, str],
    now: dt.datetime | None,
) -> int:
    """Remind each family of the duo `trajectory_id` (that asked for messages) of a
    moment, once per `key`, each in its own transaction. Returns how many were written."""
    from buddywerk.trajectories.models import Participant

    written = 0
    for participant in Participant.objects.filter(
        trajectory_id=trajectory_id, family__isnull=False
    ).select_related("family"):
        family = participant.family
        if family is None:
            continue
        with transaction.atomic():
            if family_message_write(
                family=family,
                programme=programme,
                kind=FamilyMessageKind.MEETING_REMINDER,
                key=key(family),
                context=context,
                now=now,
            ):
                written += 1
    return written
