"""Writes on pupils, families and referrals (ARCHITECTURE.md 1, 4, 5).

Drafts are created and edited by the referring school or service. A referral's status then
moves only through the transition services at the bottom of this module, each a named
transition of `workflow.REFERRAL` taken by the kernel (common/workflow.py).
"""

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, Protocol, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buddywerk.access import policy
from buddywerk.access.models import User
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.permissions import check_allowed
from buddywerk.common.workflow import transition_apply
from buddywerk.organisations.models import Organisation, ParticipantKind, Programme, School

from .consent_services import consent_check, consent_record
from .enums import OPEN_STATUSES, SENT_OPEN_STATUSES
from .models import Family, Pupil, Referral, ReferralStatus
from .rollup import count_key, counts_move, note_transition
from .workflow import REFERRAL

# Issue 21: the pupil's track and dream, set only where the programme asks for them.
DREAM_FIELDS = ("study_track", "dream_goal", "dream_sector", "talents", "role_model_tags")

# The fields each form may set; anything else (status, dates, owners) the services own.
PUPIL_FIELDS = ("first_name", "last_name", "school_year", "birth_year", "home_languages")
FAMILY_FIELDS = (
    "contact_name",
    "contact_phone",
    "household_size",
    "children_ages",
    "languages",
    "contact_language",
    "postcode",
)
REFERRAL_FIELDS = (
    "needs",
    "needs_note",
    "criteria",
    "goals",
    "meeting_modes",
    "time_slots",
    "urgency",
    "complexity",
    "consent_given_on",
    "consent_given_by",
    "consent_giver",
    "consent_method",
    *DREAM_FIELDS,
)
# A change to any of these is a new consent, given on the text in force (consent_record).
CONSENT_FIELDS = ("consent_given_on", "consent_given_by", "consent_giver", "consent_method")


def _set(obj: Any, data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"Fields not settable here: {sorted(unknown)}")
    for name, value in data.items():
        setattr(obj, name, value)


# --- Which programme may receive a referral ---------------------------------------------


def programmes_for_pupils(*, school: School) -> Any:
    """Programmes a school may refer a pupil to: they take referrals now, take pupils and
    cover the school's municipality (issue 3, R4-R5)."""
    return (
        Programme.objects.taking_referrals()
        .covering(school.municipality_id)
        .filter(participant_kind__in=[ParticipantKind.PUPILS, ParticipantKind.BOTH])
        .order_by("name")
    )


def programmes_for_families() -> Any:
    """Programmes that take family referrals now [004]; coverage of the family's postcode
    is checked once the postcode is known (`programme_check`)."""
    return (
        Programme.objects.taking_referrals()
        .filter(participant_kind__in=[ParticipantKind.FAMILIES, ParticipantKind.BOTH])
        .order_by("name")
    )


def programme_check(*, programme: Programme, referral: Referral) -> None:
    """Refuse a programme that cannot take this referral: not taking referrals now, not
    for this kind of participant, not covering the school's (or family's) municipality,
    or (R5) not for this pupil's school year."""
    if not programme.accepts_referrals:
        raise ValidationError(
            {"programme": _("This programme does not take new referrals at the moment.")}
        )
    if referral.pupil is not None:
        pupil = referral.pupil
        wanted = ParticipantKind.PUPILS
        municipality_id = pupil.school.municipality_id
        place = _("the school's municipality")
    else:
        family = cast(Family, referral.family)  # a referral is for a pupil xor a family
        pupil = None
        wanted = ParticipantKind.FAMILIES
        municipality_id = family.postcode.municipality_id
        place = _("the family's municipality")
    if programme.participant_kind not in (wanted, ParticipantKind.BOTH):
        message = (
            _("This programme does not work with pupils.")
            if wanted == ParticipantKind.PUPILS
            else _("This programme does not work with families.")
        )
        raise ValidationError({"programme": message})
    if not programme.municipalities.filter(pk=municipality_id).exists():
        raise ValidationError(
            {"programme": _("This programme does not work in %(place)s.") % {"place": place}}
        )
    if (
        pupil is not None
        and programme.target_school_years
        and pupil.school_year not in programme.target_school_years
    ):
        raise ValidationError(
            {
                "programme": _("This programme does not take pupils of the %(year)s.")
                % {"year": pupil.get_school_year_display()}
            }
        )


def open_referral_check(*, referral: Referral, sending: bool = False) -> None:
    """One open referral per pupil (or family) and programme: a second one would put the
    child in the programme's queue twice. When a draft is started or changed, an open
    draft counts too, so the school finds the one it started instead of starting another;
    when it is `sending`, only a referral already sent does (of two drafts started at the
    same moment, the first one sent goes). The participant's row is locked first, so two
    requests for the same child take their turn; the database constraint backs this up."""
    if referral.pupil_id is not None:
        Pupil.objects.select_for_update().filter(pk=referral.pupil_id).first()
        same = Referral.objects.filter(pupil_id=referral.pupil_id)
        message = _("This pupil is already referred to this programme.")
    else:
        family_id = cast(int, referral.family_id)  # a referral is for a pupil xor a family
        Family.objects.select_for_update().filter(pk=family_id).first()
        same = Referral.objects.filter(family_id=family_id)
        message = _("This family is already referred to this programme.")
    statuses = SENT_OPEN_STATUSES if sending else OPEN_STATUSES
    others = same.filter(programme_id=referral.programme_id, status__in=statuses)
    if referral.pk is not None:
        others = others.exclude(pk=referral.pk)
    if others.exists():
        raise ValidationError({"programme": message})


def asked_fields_check(*, programme: Programme, referral: Referral) -> None:
    """Issue 21: a referral holds the study track, the dream and the role-model experience
    only where its programme asks for them (its matching settings), for a pupil only, and
    the experience from the programme's own list of path tags."""
    from buddywerk.matching.candidates import settings_for  # matching builds on referrals

    asked = settings_for(programme)
    errors: dict[str, str] = {}
    is_pupil = referral.pupil is not None
    if referral.study_track and not (is_pupil and asked.asks_study_track):
        errors["study_track"] = _("This programme does not ask for the study track.")
    for name in ("dream_goal", "dream_sector", "talents"):
        if getattr(referral, name) and not (is_pupil and asked.asks_dream):
            errors[name] = _("This programme does not ask for the pupil's dream.")
    tags = referral.role_model_tags
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        errors["role_model_tags"] = _("Choose from the list.")
    elif tags and not (is_pupil and asked.path_tags):
        errors["role_model_tags"] = _("This programme does not ask for a role model.")
    elif set(tags) - set(asked.path_tags or []):
        errors["role_model_tags"] = _("Choose from the programme's list.")
    if errors:
        raise ValidationError(errors)


# --- Drafts ------------------------------------------------------------------------------


def _save_referral(
    *,
    actor: User | None,
    referral: Referral,
    action: AuditAction,
    consent_changed: bool = True,
) -> Referral:
    consent_record(actor=actor, referral=referral, changed=consent_changed)
    referral.full_clean()
    programme_check(programme=referral.programme, referral=referral)
    open_referral_check(referral=referral)
    asked_fields_check(programme=referral.programme, referral=referral)
    referral.save()
    audit_record(actor=actor, action=action, target=referral)
    return referral


def _participant_save(
    *,
    actor: User | None,
    participant: Pupil | Family,
    data: Mapping[str, Any],
    fields: tuple[str, ...],
    action: AuditAction,
) -> None:
    """Write a referral's pupil or family from the form's data, validated and audited."""
    _set(participant, data, fields)
    participant.full_clean()
    participant.save()
    audit_record(actor=actor, action=action, target=participant)


@transaction.atomic
def pupil_referral_create(
    *,
    actor: User | None,
    school: School,
    programme: Programme,
    pupil: Pupil | None = None,
    pupil_data: Mapping[str, Any],
    referral_data: Mapping[str, Any],
) -> Referral:
    """A school's draft referral for a new or an existing pupil of its own (R4)."""
    check_allowed(actor, lambda user: policy.can_refer_for(user, school))
    if pupil is None:
        pupil = Pupil(school=school)
    elif pupil.school_id != school.pk:
        raise ValidationError(_("This pupil does not belong to this school."))
    else:
        # Before the pupil's details are written: a refused referral changes nothing.
        open_referral_check(referral=Referral(programme=programme, pupil=pupil))
    _participant_save(
        actor=actor,
        participant=pupil,
        data=pupil_data,
        fields=PUPIL_FIELDS,
        action=AuditAction.PUPIL_CREATE if pupil.pk is None else AuditAction.PUPIL_UPDATE,
    )
    referral = Referral(programme=programme, referrer=school, pupil=pupil)
    _set(referral, referral_data, REFERRAL_FIELDS)
    return _save_referral(actor=actor, referral=referral, action=AuditAction.REFERRAL_CREATE)


@transaction.atomic
def family_referral_create(
    *,
    actor: User | None,
    referrer: Organisation,
    programme: Programme,
    family_data: Mapping[str, Any],
    referral_data: Mapping[str, Any],
) -> Referral:
    """A service's or a school's draft referral for a family [004]."""
    check_allowed(actor, lambda user: policy.can_refer_for(user, referrer))
    family = Family(referred_by=referrer)
    _participant_save(
        actor=actor,
        participant=family,
        data=family_data,
        fields=FAMILY_FIELDS,
        action=AuditAction.FAMILY_CREATE,
    )
    referral = Referral(programme=programme, referrer=referrer, family=family)
    _set(referral, referral_data, REFERRAL_FIELDS)
    return _save_referral(actor=actor, referral=referral, action=AuditAction.REFERRAL_CREATE)


@transaction.atomic
def referral_update(
    *,
    actor: User | None,
    referral: Referral,
    programme: Programme,
    participant_data: Mapping[str, Any],
    referral_data: Mapping[str, Any],
) -> Referral:
    """Change a draft, and its pupil or family. Once submitted, it is the programme's."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    check_allowed(actor, lambda user: policy.is_referrer_staff(user, locked))
    if locked.status != ReferralStatus.DRAFT:
        raise ValidationError(_("Only a draft can be changed."))
    if locked.pupil_id:
        participant: Pupil | Family = Pupil.objects.select_for_update().get(pk=locked.pupil_id)
        fields: tuple[str, ...] = PUPIL_FIELDS
        action = AuditAction.PUPIL_UPDATE
    else:
        family_id = cast(int, locked.family_id)  # a referral is for a pupil xor a family
        participant = Family.objects.select_for_update().get(pk=family_id)
        fields, action = FAMILY_FIELDS, AuditAction.FAMILY_UPDATE
    _participant_save(
        actor=actor, participant=participant, data=participant_data, fields=fields, action=action
    )
    locked.pupil = participant if isinstance(participant, Pupil) else None
    locked.family = participant if isinstance(participant, Family) else None
    consent_before = [getattr(locked, name) for name in CONSENT_FIELDS]
    programme_before = locked.programme_id
    locked.programme = programme
    _set(locked, referral_data, REFERRAL_FIELDS)
    _save_referral(
        actor=actor,
        referral=locked,
        action=AuditAction.REFERRAL_UPDATE,
        consent_changed=(
            consent_before != [getattr(locked, name) for name in CONSENT_FIELDS]
            or programme_before != locked.programme_id
        ),
    )
    referral.refresh_from_db()
    return locked


# --- Transitions -------------------------------------------------------------------------


def _take(
    name: str,
    *,
    actor: User | None,
    referral: Referral,
    reason: str = "",
    check: Callable[[Referral], None] | None = None,
    now: dt.datetime | None = None,
) -> Referral:
    """Take a transition of `workflow.REFERRAL`; the submission time is set with it.
    `now` is the fake clock (tests, demo data): the moment of the step and its log row."""

    def update(locked: Referral, now: dt.datetime) -> list[str]:
        locked.status_changed_at = now
        counted = count_key(locked)
        # The report's moments (issue 22), in this transaction with the log row.
        changed = ["status_changed_at", *note_transition(locked, now)]
        if locked.status == ReferralStatus.SUBMITTED:
            locked.submitted_at = now
            changed.append("submitted_at")
        counts_move(counted, count_key(locked))
        return changed

    return cast(
        Referral,
        transition_apply(
            REFERRAL,
            name,
            obj=referral,
            actor=actor,
            reason=reason,
            check=check,
            update=update,
            now=now,
            clean=False,
        ),
    )


def _ready_to_submit(referral: Referral) -> None:
    """What a referral needs before the programme sees it: the recorded parental (or
    family) consent, what is asked (needs and R6 criteria for a pupil, goals for a
    family), when and how to meet, and a programme that can take it."""
    errors: dict[str, list[str]] = {}
    if referral.consent_given_on is None:
        errors["consent_given_on"] = [
            _("Record when consent was given: no referral is sent without it.")
        ]
    elif referral.consent_given_on > timezone.localdate():
        errors["consent_given_on"] = [_("The date of consent cannot lie in the future.")]
    if not referral.consent_given_by.strip():
        errors["consent_given_by"] = [_("Record who gave consent.")]
    for field, messages in consent_check(referral, required=True).items():
        errors.setdefault(field, []).extend(messages)
    if referral.pupil is not None:
        if not referral.needs and not referral.needs_note.strip():
            errors["needs"] = [_("Say what the pupil needs help with.")]
        if not referral.criteria:
            errors["criteria"] = [_("Tick at least one selection criterion.")]
        if referral.pupil.birth_year is None:
            errors["birth_year"] = [_("Give the pupil's birth year.")]
    elif not referral.goals:
        errors["goals"] = [_("Choose at least one goal for the family.")]
    if not referral.meeting_modes:
        errors["meeting_modes"] = [_("Choose at least one way to meet.")]
    if not referral.time_slots:
        errors["time_slots"] = [_("Choose at least one moment in the week.")]
    if errors:
        raise ValidationError(errors)
    if referral.pupil is not None:
        referral.pupil.full_clean()  # the birth year must still fit the school year
    programme_check(programme=referral.programme, referral=referral)
    open_referral_check(referral=referral, sending=True)


def referral_submit(
    *, actor: User | None, referral: Referral, now: dt.datetime | None = None
) -> Referral:
    """Send a draft to the programme. Refused without recorded consent (issue 3), or when
    the programme does not cover the school's or family's municipality."""
    return _take("submit", actor=actor, referral=referral, check=_ready_to_submit, now=now)


class ReferralTransitionService(Protocol):
    """The signature of a referral transition service that takes an optional reason."""

    def __call__(
        self,
        *,
        actor: User | None,
        referral: Referral,
        reason: str = "",
        now: dt.datetime | None = None,
    ) -> Referral: ...


def _transition_service(name: str, doc: str) -> ReferralTransitionService:
    """`referral_<name>`: take transition `name` with an optional reason (one body for the
    services that differ only in the transition they take)."""

    def service(
        *,
        actor: User | None,
        referral: Referral,
        reason: str = "",
        now: dt.datetime | None = None,
    ) -> Referral:
        return _take(name, actor=actor, referral=referral, reason=reason, now=now)

    service.__name__ = service.__qualname__ = f"referral_{name}"
    service.__doc__ = doc
    return service


referral_accept = _transition_service(
    "accept", "The programme takes the referral into its matching queue."
)
referral_wait = _transition_service(
    "wait", "The programme has no room now: the referral goes on the waiting list."
)
referral_match = _transition_service(
    "match", "A buddy was found (called by matching when a proposal is confirmed)."
)
referral_requeue = _transition_service(
    "requeue", "A declined proposal or a rematch returns the referral to the queue."
)
referral_close = _transition_service("close", "The trajectory ended: the referral is closed.")
referral_withdraw = _transition_service(
    "withdraw", "The referring school or service withdraws an open referral."
)


def _reason_required(reason: str) -> Callable[[Referral], None]:
    def check(_referral: Referral) -> None:
        if not reason.strip():
            raise ValidationError({"reason": [_("Give the school or service a reason.")]})

    return check


def referral_decline(
    *, actor: User | None, referral: Referral, reason: str, now: dt.datetime | None = None
) -> Referral:
    """The programme declines, always with a reason the referrer can read."""
    return _take(
        "decline",
        actor=actor,
        referral=referral,
        reason=reason,
        check=_reason_required(reason),
        now=now,
    )


# Every transition service, by the transition it takes (tests walk the table with it).
TRANSITION_SERVICES: dict[str, Callable[..., Referral]] = {
    "submit": referral_submit,
    "accept": referral_accept,
    "decline": referral_decline,
    "wait": referral_wait,
    "match": referral_match,
    "requeue": referral_requeue,
    "close": referral_close,
    "withdraw": referral_withdraw,
}


def referral_walk(
    *, actor: User | None, referral: Referral, to_status: str, reason: str = ""
) -> Referral:
    """Take a draft through every transition on the way to `to_status` (test fixtures): a
    real history, each step logged, never a status set by hand."""
    for step in REFERRAL.path(ReferralStatus.DRAFT, to_status):
        service = TRANSITION_SERVICES[step.name]
        if step.name == "submit":
            referral = service(actor=actor, referral=referral)
        else:
            referral = service(actor=actor, referral=referral, reason=reason)
    return referral
