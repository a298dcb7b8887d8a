"""Access on request (GDPR Art. 15, issue 15 point 5): everything Buddywerk holds about one
pupil, one family or one buddy, as one structure that becomes a readable PDF in Dutch and
a machine-readable JSON. Both files come from `collect_*`, so they cannot differ.

Who asks: a coordinator of a programme the child's referral or duo belongs to (for the
programmes they coordinate), a platform admin (for every programme), a buddy for
themselves. The export is made at download time from the live rows; the link to it is
signed and expires (`export_token`, `export_read`), names no child and works only for the
person who asked for it.

What is left out, and why (docs/privacy.md says the same to the reader):
- concerns that were reported to the authorities, and concerns whose case still runs: a
  report to child protection or the police must not be disclosed to the person it is
  about while it is handled (GDPR Art. 23, Belgian law of 30 July 2018, art. 11); the
  export says nothing about them, not even that they exist;
- the programme's private meeting notes ("only for the programme"): working notes the
  family may not see; the dates and topics of those meetings are in the export;
- in a duo with several pupils, every free text about the duo (meeting notes, tandem
  notes, concerns) and the participant surveys: they may be about the other children
  (Art. 15(4)); no other child's name or scores are ever in the export;
- why a duo was paused for safeguarding: that is about the buddy, not the child;
- who viewed the data is given as role and organisation, not the staff member's name
  (CJEU C-579/21, Pankki S).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buddywerk.access.models import Membership, User
from buddywerk.buddies.models import Buddy
from buddywerk.common.audit import AuditAction
from buddywerk.common.dates import date_table
from buddywerk.common.models import AuditEvent
from buddywerk.common.vocabulary import Competence, Language, MeetingMode, StudyTrack
from buddywerk.followup.models import RelationshipSurvey, SurveyRespondent, TandemNote
from buddywerk.matching.models import Proposal
from buddywerk.organisations.models import OrganisationKind
from buddywerk.referrals.models import ConsentWithdrawal, Family, Pupil, Referral
from buddywerk.trajectories.enums import ConcernOutcome, ConcernStatus, NoteVisibility
from buddywerk.trajectories.models import (
    Concern,
    Meeting,
    Participant,
    Trajectory,
    WellbeingScore,
)

FORMAT = "buddywerk-access-export/1"
# The download link lives this long: enough to download both files, short enough that a
# forwarded or leaked link is soon worth nothing.
LINK_MINUTES = 60
_SALT = "buddywerk.privacy.access_export"

PUPIL = "pupil"
FAMILY = "family"
BUDDY = "buddy"
SUBJECT_TYPES = {PUPIL: "referrals.pupil", FAMILY: "referrals.family", BUDDY: "buddies.buddy"}

# The PDF's headings and field names, in the reader's language; the JSON keeps the keys.
LABELS: dict[str, Any] = {
    "subject": gettext_lazy("About whom"),
    "account": gettext_lazy("Account"),
    "memberships": gettext_lazy("Roles"),
    "screening": gettext_lazy("Screening history"),
    "referrals": gettext_lazy("Referral"),
    "duos": gettext_lazy("Duo"),
    "meetings": gettext_lazy("Meeting"),
    "wellbeing": gettext_lazy("Well-being score"),
    "concerns": gettext_lazy("Concern"),
    "tandem_notes": gettext_lazy("Tandem note"),
    "surveys": gettext_lazy("Survey answers"),
    "history": gettext_lazy("Change"),
    "views": gettext_lazy("Viewed or changed"),
    "consent": gettext_lazy("Consent"),
    "consent_withdrawn": gettext_lazy("Consent withdrawn"),
    "source": gettext_lazy("Where it came from"),
    "type": gettext_lazy("Kind"),
    "id": gettext_lazy("Number in Buddywerk"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "school": gettext_lazy("School"),
    "school_year": gettext_lazy("School year"),
    "birth_year": gettext_lazy("Birth year"),
    "home_languages": gettext_lazy("Home languages"),
    "recorded_on": gettext_lazy("Recorded on"),
    "contact_name": gettext_lazy("Contact person"),
    "contact_phone": gettext_lazy("Phone"),
    "household_size": gettext_lazy("Household size"),
    "children_ages": gettext_lazy("Children's ages"),
    "languages": gettext_lazy("Languages"),
    "contact_language": gettext_lazy("Contact language"),
    "postcode": gettext_lazy("Postcode"),
    "programme": gettext_lazy("Programme"),
    "programmes": gettext_lazy("Programmes"),
    "referred_by": gettext_lazy("Referred by"),
    "status": gettext_lazy("Status"),
    "submitted_at": gettext_lazy("Sent on"),
    "needs": gettext_lazy("Needs"),
    "needs_note": gettext_lazy("Needs in your own words"),
    "criteria": gettext_lazy("Selection criteria"),
    "goals": gettext_lazy("Goals"),
    "study_track": gettext_lazy("Study track"),
    "dream_goal": gettext_lazy("The pupil's dream"),
    "dream_sector": gettext_lazy("Sector of the dream"),
    "talents": gettext_lazy("Talents and interests"),
    "role_model_tags": gettext_lazy("Experience asked of a role model"),
    "meeting_modes": gettext_lazy("Meeting modes"),
    "urgency": gettext_lazy("Urgency"),
    "complexity": gettext_lazy("Complexity"),
    "given_on": gettext_lazy("Given on"),
    "given_by": gettext_lazy("Given by"),
    "given_as": gettext_lazy("Given as"),
    "method": gettext_lazy("How"),
    "text_version": gettext_lazy("Version of the consent text"),
    "text": gettext_lazy("Text"),
    "recorded_at": gettext_lazy("Recorded at"),
    "on": gettext_lazy("On"),
    "by": gettext_lazy("By"),
    "erase_after": gettext_lazy("Erased after"),
    "at": gettext_lazy("When"),
    "from": gettext_lazy("From"),
    "to": gettext_lazy("To"),
    "transition": gettext_lazy("Step"),
    "reason": gettext_lazy("Reason"),
    "school_or_service": gettext_lazy("School or service"),
    "buddy_first_name": gettext_lazy("Buddy (first name)"),
    "mode": gettext_lazy("Where they meet"),
    "planned_start": gettext_lazy("Start"),
    "planned_end": gettext_lazy("Planned end"),
    "closed_on": gettext_lazy("Closed on"),
    "close_reason": gettext_lazy("Reason for closing"),
    "with_other_participants": gettext_lazy("With other pupils"),
    "date": gettext_lazy("Date"),
    "duration_minutes": gettext_lazy("Minutes"),
    "topics": gettext_lazy("Topics"),
    "note": gettext_lazy("Note"),
    "moment": gettext_lazy("Moment"),
    "score": gettext_lazy("Score"),
    "score_label": gettext_lazy("Meaning"),
    "raised_at": gettext_lazy("Raised at"),
    "what_was_done": gettext_lazy("What will be done"),
    "outcome": gettext_lazy("Outcome"),
    "outcome_note": gettext_lazy("Note on the outcome"),
    "closed_at": gettext_lazy("Closed at"),
    "written_at": gettext_lazy("Written at"),
    "kind": gettext_lazy("Kind"),
    "answered_on": gettext_lazy("Answered on"),
    "answers": gettext_lazy("Answers (1-5)"),
    "mean_score": gettext_lazy("Mean"),
    "action": gettext_lazy("What"),
    "via": gettext_lazy("Through"),
    "email": gettext_lazy("E-mail address"),
    "joined_at": gettext_lazy("Account since"),
    "last_login": gettext_lazy("Last sign-in"),
    "role": gettext_lazy("Role"),
    "organisation": gettext_lazy("Organisation"),
    "active": gettext_lazy("Active"),
    "phone": gettext_lazy("Phone"),
    "training_institution": gettext_lazy("Training institution"),
    "field_of_study": gettext_lazy("Field of study"),
    "on_internship": gettext_lazy("On internship"),
    "teaching_qualification": gettext_lazy("Teaching qualification"),
    "background": gettext_lazy("Background"),
    "sector": gettext_lazy("Sector"),
    "trade": gettext_lazy("Trade"),
    "path_tracks": gettext_lazy("Study tracks you followed"),
    "path_tags": gettext_lazy("Your path"),
    "path_shown_to": gettext_lazy("Who sees your path"),
    "competences": gettext_lazy("Competences"),
    "home_postcode": gettext_lazy("Home postcode"),
    "travel_radius_km": gettext_lazy("Travel radius (km)"),
    "available_from": gettext_lazy("Available from"),
    "available_until": gettext_lazy("Available until"),
    "declaration_accepted_at": gettext_lazy("Declaration accepted at"),
    "extract_seen_on": gettext_lazy("Extract seen on"),
    "extract_dated_on": gettext_lazy("Extract dated"),
    "participants": gettext_lazy("Participants"),
    "your_evaluation": gettext_lazy("Your evaluation"),
}
# Who a source code names, in the reader's language.
SOURCE_LABELS: dict[str, Any] = {
    "school": gettext_lazy("the school or service"),
    "buddy": gettext_lazy("the buddy"),
    "programme": gettext_lazy("the programme"),
    "participant": gettext_lazy("the pupil or the family"),
    "coordinator": gettext_lazy("the coordinator"),
    "final": gettext_lazy("the coordinator, at the end"),
    "system": gettext_lazy("Buddywerk, by itself"),
}
SKIP_IN_PDF = {"format", "generated_at", "id"}
# Lists shown as one table (many short rows) rather than a heading per item.
TABLES = {"views", "history", "wellbeing", "screening"}


@dataclass(frozen=True)
class Block:
    """One heading of the PDF with its rows (label, text); `level` 2 or 3."""

    level: int
    heading: str
    rows: list[tuple[str, str]]
    columns: tuple[str, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()


def _text(key: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "source" and isinstance(value, dict):
        who = str(SOURCE_LABELS.get(value.get("by") or "", value.get("by") or ""))
        return f"{who} ({value['organisation']})" if value.get("organisation") else who
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, str) and _ISO.fullmatch(value):
        return _readable_date(value)
    return str(value)


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}[+-]\d{2}:\d{2})?")


def _readable_date(value: str) -> str:
    """An ISO date of the JSON as a reader writes it: 3/12/2026, or 3/12/2026 14:05."""
    if "T" in value:
        return date_table(dt.datetime.fromisoformat(value), with_time=True)
    return date_table(dt.date.fromisoformat(value))


def pdf_blocks(data: dict[str, Any]) -> list[Block]:
    """The export as headings and rows, in the order of the JSON, for the PDF."""
    blocks: list[Block] = []

    def walk(heading: str, item: dict[str, Any], level: int) -> None:
        rows = [
            (str(LABELS.get(key, key)), _text(key, value))
            for key, value in item.items()
            if key not in SKIP_IN_PDF
            and not (isinstance(value, list) and value and isinstance(value[0], dict))
            and not (isinstance(value, dict) and key != "source")
        ]
        blocks.append(Block(level, heading, rows))
        for key, value in item.items():
            if isinstance(value, dict) and key != "source":
                walk(str(LABELS.get(key, key)), value, min(level + 1, 4))
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                many(key, value, min(level + 1, 4))

    def many(key: str, items: list[dict[str, Any]], level: int) -> None:
        label = str(LABELS.get(key, key))
        if not items:
            blocks.append(Block(level, label, [("", _("None"))]))
        elif key in TABLES:
            keys = [k for k in items[0] if k not in SKIP_IN_PDF]
            blocks.append(
                Block(
                    level,
                    label,
                    [],
                    columns=tuple(str(LABELS.get(k, k)) for k in keys),
                    table=tuple(tuple(_text(k, row.get(k)) for k in keys) for row in items),
                )
            )
        else:
            for n, child in enumerate(items, 1):
                walk(f"{label} {n}", child, level)

    for key, value in data.items():
        if isinstance(value, dict):
            walk(str(LABELS.get(key, key)), value, 2)
        elif isinstance(value, list):
            many(key, value, 2)
    return blocks


@dataclass(frozen=True)
class ExportLink:
    """What a signed link stands for: whose data, asked by whom, under which audit event."""

    subject_type: str
    subject_uuid: str
    user_id: int
    event_id: int


def export_token(*, subject_type: str, subject_uuid: str, user_id: int, event_id: int) -> str:
    """The signed part of a download link. It holds UUIDs and ids only, never a name."""
    return signing.dumps(
        {"t": subject_type, "s": subject_uuid, "u": user_id, "e": event_id}, salt=_SALT
    )


def export_read(token: str, *, user: User) -> ExportLink | None:
    """The link behind `token` when it is genuine, not expired and made for `user`; None
    otherwise (the view answers 404: an expired link and someone else's look alike)."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=dt.timedelta(minutes=LINK_MINUTES))
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != user.pk or data.get("t") not in SUBJECT_TYPES:
        return None
    return ExportLink(
        subject_type=data["t"],
        subject_uuid=str(data["s"]),
        user_id=int(data["u"]),
        event_id=int(data["e"]),
    )


# --- small helpers ------------------------------------------------------------------


def _date(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    return value.isoformat()


def _labels(
    instance: models.Model, field: str, among: type[models.Choices] | None = None
) -> list[str]:
    """The labels of a multiple-choice JSON field's codes (`among`: the choices of a plain
    JSON list field)."""
    choices = (
        dict(among.choices)
        if among is not None
        else dict(getattr(instance._meta.get_field(field), "item_choices")())  # noqa: B009
    )
    return [str(choices.get(code, code)) for code in getattr(instance, field) or []]


def _display(instance: models.Model, field: str) -> str:
    value = getattr(instance, f"get_{field}_display")()
    return str(value) if value is not None else ""


def _source(by: str, organisation: str | None = None) -> dict[str, str | None]:
    return {"by": by, "organisation": organisation}


def _history(rows: Iterable[Any], *, with_reason: bool) -> list[dict[str, Any]]:
    return [
        {
            "at": _date(row.at),
            "from": row.from_status,
            "to": row.to_status,
            "transition": row.transition,
            **({"reason": row.reason} if with_reason else {}),
        }
        for row in rows
    ]


# The `detail` keys of a view event that name the record the child was seen through (see
# common/audit.py): a referral, a duo, a proposal (which belongs to a referral).
_THROUGH_KEYS = ("referral", "trajectory", "proposal")


@dataclass(frozen=True)
class _Scope:
    """What a programme-scoped export holds: its programmes and the UUIDs of the referrals,
    duos and proposals it covers."""

    programme_ids: set[int]
    records: set[str]


def _in_scope(event: AuditEvent, scope: _Scope, acting: set[int]) -> bool:
    """Each programme answers for what it holds: an event seen through a referral, duo or
    proposal counts when that record is one of the export's; an event about the child
    through no such record (the pupil's page, an export, an erasure) counts when its actor
    is or was a member of one of the export's programmes. Events of another programme, of
    the school alone, or of the system without a record of the export are left out."""
    through = {str(event.detail[key]) for key in _THROUGH_KEYS if key in event.detail}
    if through:
        return bool(through & scope.records)
    return event.actor_id is not None and event.actor_id in acting


def _views(object_type: str, object_id: str, scope: _Scope | None) -> list[dict[str, Any]]:
    """Who viewed or changed the subject's data, from the audit trail: when, what, and the
    viewer's role and organisation (not the staff member's name, see the module doc). With
    a `scope` (None: every programme, for a platform admin), only the events of the export's
    programmes (`_in_scope`), and a viewer's roles in other programmes are not named."""
    events = list(
        AuditEvent.objects.filter(object_type=object_type, object_id=object_id).order_by("at", "id")
    )
    actor_ids = {event.actor_id for event in events if event.actor_id}
    memberships = Membership.objects.filter(user_id__in=actor_ids)
    if scope is not None:
        acting = set(
            memberships.filter(organisation_id__in=scope.programme_ids).values_list(
                "user_id", flat=True
            )
        )
        events = [event for event in events if _in_scope(event, scope, acting)]
        memberships = memberships.exclude(
            Q(organisation__kind=OrganisationKind.PROGRAMME)
            & ~Q(organisation_id__in=scope.programme_ids)
        )
    roles: dict[int, list[str]] = {}
    for membership in (
        memberships.filter(is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "role")
    ):
        roles.setdefault(membership.user_id, []).append(
            f"{membership.get_role_display()}, {membership.organisation.name}"
        )
    action_labels = dict(AuditAction.choices)
    return [
        {
            "at": _date(event.at),
            "action": str(action_labels.get(event.action, event.action)),
            "by": "; ".join(roles.get(event.actor_id, [])) if event.actor_id else _("Buddywerk"),
            "via": sorted(key for key in event.detail if key not in {"list", "admin"}),
        }
        for event in events
    ]


# --- a pupil or a family --------------------------------------------------------------


def _subject_pupil(pupil: Pupil) -> dict[str, Any]:
    return {
        "type": PUPIL,
        "id": str(pupil.uuid),
        "first_name": pupil.first_name,
        "last_name": pupil.last_name,
        "school": pupil.school.name,
        "school_year": _display(pupil, "school_year"),
        "birth_year": pupil.birth_year,
        "home_languages": _labels(pupil, "home_languages"),
        "recorded_on": _date(pupil.created_at),
        "source": _source("school", pupil.school.name),
    }


def _subject_family(family: Family) -> dict[str, Any]:
    return {
        "type": FAMILY,
        "id": str(family.uuid),
        "contact_name": family.contact_name,
        "contact_phone": family.contact_phone,
        "household_size": family.household_size,
        "children_ages": list(family.children_ages or []),
        "languages": _labels(family, "languages"),
        "contact_language": _display(family, "contact_language"),
        "postcode": family.postcode.code,
        "recorded_on": _date(family.created_at),
        "source": _source("school", family.referred_by.name),
    }


def _referral(referral: Referral, withdrawal: ConsentWithdrawal | None) -> dict[str, Any]:
    consent = {
        "given_on": _date(referral.consent_given_on),
        "given_by": referral.consent_given_by,
        "given_as": _display(referral, "consent_giver"),
        "method": _display(referral, "consent_method"),
        "text_version": referral.consent_text.version if referral.consent_text else None,
        "text": referral.consent_text.text if referral.consent_text else None,
        "recorded_at": _date(referral.consent_recorded_at),
    }
    return {
        "id": str(referral.uuid),
        "programme": referral.programme.name,
        "referred_by": referral.referrer.name,
        "status": _display(referral, "status"),
        "submitted_at": _date(referral.submitted_at),
        "needs": _labels(referral, "needs"),
        "needs_note": referral.needs_note,
        "criteria": _labels(referral, "criteria"),
        "goals": _labels(referral, "goals"),
        "study_track": _display(referral, "study_track"),
        "dream_goal": referral.dream_goal,
        "dream_sector": _display(referral, "dream_sector"),
        "talents": referral.talents,
        "role_model_tags": list(referral.role_model_tags or []),
        "meeting_modes": _labels(referral, "meeting_modes"),
        "urgency": _display(referral, "urgency"),
        "complexity": _display(referral, "complexity"),
        "consent": consent,
        "consent_withdrawn": (
            {
                "on": _date(withdrawal.withdrawn_on),
                "by": withdrawal.get_withdrawn_by_display(),
                "erase_after": _date(withdrawal.erase_after),
            }
            if withdrawal
            else None
        ),
        "history": _history(referral.transitions.all(), with_reason=True),
        "source": _source("school", referral.referrer.name),
    }


def _concern_disclosed(concern: Concern) -> bool:
    """A concern is in the export once its case is closed, unless it was reported to the
    authorities (see the module doc)."""
    return concern.status == ConcernStatus.CLOSED and concern.outcome != ConcernOutcome.AUTHORITIES


def _duo(trajectory: Trajectory, participant: Participant, group: bool) -> dict[str, Any]:
    meetings = []
    for meeting in trajectory.meetings.all():
        shared = not group and meeting.note_visibility == NoteVisibility.SHARED
        meetings.append(
            {
                "date": _date(meeting.date),
                "status": _display(meeting, "status"),
                "duration_minutes": meeting.duration_minutes,
                "topics": meeting.topic_labels,
                "note": meeting.note if shared else None,
                "source": _source("buddy"),
            }
        )
    wellbeing = [
        {
            "date": _date(score.date),
            "moment": _display(score, "moment"),
            "score": score.score,
            "score_label": _display(score, "score"),
            "source": _source(score.source),
        }
        for score in participant.wellbeing_scores.all()
    ]
    concerns = (
        []
        if group
        else [
            {
                "raised_at": _date(concern.raised_at),
                "urgency": _display(concern, "urgency"),
                "text": concern.text,
                "what_was_done": concern.acknowledgement,
                "outcome": _display(concern, "outcome"),
                "outcome_note": concern.outcome_note,
                "closed_at": _date(concern.closed_at),
                "source": _source(concern.side if concern.raised_by_id else "system"),
            }
            for concern in trajectory.concerns.all()
            if _concern_disclosed(concern)
        ]
    )
    tandem = (
        []
        if group
        else [
            {
                "written_at": _date(note.created_at),
                "kind": _display(note, "kind"),
                "text": note.text,
                "source": _source(note.side),
            }
            for note in trajectory.tandem_notes.all()
        ]
    )
    surveys = (
        []
        if group
        else [
            {
                "answered_on": _date(survey.answered_on),
                "moment": _display(survey, "moment"),
                "answers": [getattr(survey, item) for item in RelationshipSurvey.ITEMS],
                "mean_score": round(survey.mean_score, 2),
                "source": _source("participant"),
            }
            for survey in trajectory.surveys.all()
            if survey.respondent == SurveyRespondent.PARTICIPANT
        ]
    )
    return {
        "id": str(trajectory.uuid),
        "programme": trajectory.programme.name,
        "school_or_service": trajectory.school.name,
        "buddy_first_name": trajectory.buddy.user.first_name,
        "status": _display(trajectory, "status"),
        "mode": _display(trajectory, "mode"),
        "planned_start": _date(trajectory.planned_start),
        "planned_end": _date(trajectory.planned_end),
        "closed_on": _date(trajectory.closed_on),
        "close_reason": _display(trajectory, "close_reason"),
        "with_other_participants": group,
        "history": _history(trajectory.transitions.all(), with_reason=False),
        "meetings": meetings,
        "wellbeing": wellbeing,
        "concerns": concerns,
        "tandem_notes": tandem,
        "surveys": surveys,
        "source": _source("programme", trajectory.programme.name),
    }


def collect_participant(
    subject: Pupil | Family, *, programme_ids: set[int] | None
) -> dict[str, Any]:
    """Everything held about one pupil or family in the programmes `programme_ids` (None:
    every programme, for a platform admin). A fixed number of queries per referral and duo."""
    is_pupil = isinstance(subject, Pupil)
    in_scope = Q() if programme_ids is None else Q(programme_id__in=programme_ids)
    referrals = list(
        Referral.objects.filter(in_scope, **{"pupil" if is_pupil else "family": subject})
        .select_related("programme", "referrer", "consent_text")
        .prefetch_related("transitions")
        .order_by("created_at", "id")
    )
    withdrawals = {
        w.referral_id: w for w in ConsentWithdrawal.objects.filter(referral__in=referrals)
    }
    participations = list(
        Participant.objects.filter(
            Q(referral__in=referrals), **{"pupil" if is_pupil else "family": subject}
        )
        .select_related("trajectory__programme", "trajectory__school", "trajectory__buddy__user")
        .prefetch_related(
            "trajectory__transitions",
            models.Prefetch("trajectory__meetings", Meeting.objects.order_by("date", "id")),
            models.Prefetch("wellbeing_scores", WellbeingScore.objects.order_by("date", "id")),
            models.Prefetch("trajectory__concerns", Concern.objects.order_by("raised_at", "id")),
            models.Prefetch("trajectory__tandem_notes", TandemNote.objects.order_by("created_at")),
            models.Prefetch(
                "trajectory__surveys", RelationshipSurvey.objects.order_by("answered_on", "id")
            ),
        )
        .order_by("trajectory__planned_start", "id")
    )
    sizes = dict(
        Participant.objects.filter(trajectory__in=[p.trajectory_id for p in participations])
        .values_list("trajectory")
        .annotate(n=models.Count("id"))
        .values_list("trajectory", "n")
    )
    subject_data = _subject_pupil(subject) if is_pupil else _subject_family(subject)  # type: ignore[arg-type]
    return {
        "format": FORMAT,
        "generated_at": _date(timezone.now()),
        "subject": subject_data,
        "referrals": [_referral(r, withdrawals.get(r.pk)) for r in referrals],
        "duos": [
            _duo(p.trajectory, p, group=sizes.get(p.trajectory_id, 1) > 1) for p in participations
        ],
        "views": _views(
            SUBJECT_TYPES[PUPIL if is_pupil else FAMILY],
            str(subject.uuid),
            None if programme_ids is None else _scope(programme_ids, referrals, participations),
        ),
    }


def _scope(
    programme_ids: set[int], referrals: list[Referral], participations: list[Participant]
) -> _Scope:
    """The records a programme-scoped export covers, for its `views` (one query)."""
    proposals = Proposal.objects.filter(referral__in=referrals).values_list("uuid", flat=True)
    return _Scope(
        programme_ids=programme_ids,
        records={str(r.uuid) for r in referrals}
        | {str(p.trajectory.uuid) for p in participations}
        | {str(uuid) for uuid in proposals},
    )


# --- a buddy, for themselves ------------------------------------------------------------


def collect_buddy(buddy: Buddy) -> dict[str, Any]:
    """Everything held about a buddy: account, profile, roles, screening, duos (without
    the participants' data: that is theirs), meetings logged, the buddy's own survey
    answers and tandem notes, and who viewed the profile."""
    user = buddy.user
    profile = {
        "type": BUDDY,
        "id": str(buddy.uuid),
        "kind": _display(buddy, "kind"),
        "phone": buddy.phone,
        "training_institution": (
            buddy.training_institution.name
            if buddy.training_institution_id and buddy.training_institution
            else buddy.training_institution_name
        ),
        "field_of_study": buddy.field_of_study,
        "on_internship": buddy.on_internship,
        "teaching_qualification": buddy.teaching_qualification,
        "background": buddy.background,
        "sector": _display(buddy, "sector"),
        "trade": buddy.trade,
        "path_tracks": _labels(buddy, "path_tracks", StudyTrack),
        "path_tags": list(buddy.path_tags or []),
        "path_shown_to": _display(buddy, "path_shown_to"),
        "competences": _labels(buddy, "competences", Competence),
        "languages": _labels(buddy, "languages", Language),
        "meeting_modes": _labels(buddy, "meeting_modes", MeetingMode),
        "home_postcode": buddy.home_postcode.code if buddy.home_postcode else None,
        "travel_radius_km": buddy.travel_radius_km,
        "available_from": _date(buddy.available_from),
        "available_until": _date(buddy.available_until),
        "declaration_accepted_at": _date(buddy.declaration_accepted_at),
        "status": _display(buddy, "status"),
        "extract_seen_on": _date(buddy.extract_seen_on),
        "extract_dated_on": _date(buddy.extract_dated_on),
        "programmes": sorted(p.name for p in buddy.programmes.all()),
        "source": _source("buddy"),
    }
    account = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "joined_at": _date(user.date_joined),
        "last_login": _date(user.last_login),
        "source": _source("buddy"),
    }
    memberships = [
        {
            "role": m.get_role_display(),
            "organisation": m.organisation.name,
            "active": m.is_active,
            "source": _source("programme", m.organisation.name),
        }
        for m in Membership.objects.filter(user=user).select_related("organisation")
    ]
    screening = [
        {**row, "programme": change.programme.name if change.programme else None}
        for change, row in (
            (change, _history([change], with_reason=False)[0])
            for change in buddy.status_changes.select_related("programme").order_by("at", "id")
        )
    ]
    trajectories = (
        Trajectory.objects.filter(buddy=buddy)
        .select_related("programme", "school")
        .prefetch_related(
            models.Prefetch("meetings", Meeting.objects.order_by("date", "id")),
            models.Prefetch(
                "surveys",
                RelationshipSurvey.objects.filter(respondent=SurveyRespondent.BUDDY).order_by(
                    "answered_on"
                ),
            ),
        )
        .annotate(participant_count=models.Count("participants", distinct=True))
        .order_by("planned_start", "id")
    )
    duos = [
        {
            "id": str(t.uuid),
            "programme": t.programme.name,
            "school_or_service": t.school.name,
            "participants": t.participant_count,
            "status": _display(t, "status"),
            "planned_start": _date(t.planned_start),
            "planned_end": _date(t.planned_end),
            "closed_on": _date(t.closed_on),
            "your_evaluation": t.buddy_evaluation,
            "meetings": [
                {
                    "date": _date(m.date),
                    "status": _display(m, "status"),
                    "duration_minutes": m.duration_minutes,
                    "topics": m.topic_labels,
                    "source": _source("buddy"),
                }
                for m in t.meetings.all()
            ],
            "surveys": [
                {
                    "answered_on": _date(s.answered_on),
                    "moment": _display(s, "moment"),
                    "answers": [getattr(s, item) for item in RelationshipSurvey.ITEMS],
                    "source": _source("buddy"),
                }
                for s in t.surveys.all()
            ],
            "source": _source("programme", t.programme.name),
        }
        for t in trajectories
    ]
    return {
        "format": FORMAT,
        "generated_at": _date(timezone.now()),
        "subject": profile,
        "account": account,
        "memberships": memberships,
        "screening": screening,
        "duos": duos,
        "views": _views(SUBJECT_TYPES[BUDDY], str(buddy.uuid), None),
    }


# --- the two files ----------------------------------------------------------------------


def to_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def to_pdf(data: dict[str, Any]) -> bytes:
    """The same structure as a readable document in Dutch, whatever the language of the
    person who made it: it is given to the family (the reports' WeasyPrint)."""
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "privacy/access_export_pdf.html",
            {
                "blocks": pdf_blocks(data),
                "generated_at": _readable_date(data["generated_at"]),
            },
        )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def subject_label(subject_type: str) -> str:
    return {
        PUPIL: _("pupil"),
        FAMILY: _("family"),
        BUDDY: _("buddy"),
    }[subject_type]
