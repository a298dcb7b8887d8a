"""Consent you can prove and withdraw (R18, issue 15 point 1).

A programme's consent text is versioned: `consent_text_publish` adds a version and never
changes one, so a referral keeps the exact wording its consent was given on. When a school
or service records consent on a referral, `consent_record` binds the programme's current
version to it, with who recorded it and when; `consent_check` says whether the person who
gave it could (a pupil alone only from 13, where the programme allows it).

`consent_withdraw` records a withdrawal and carries out all its consequences in one
transaction: the referral leaves the queue (or its duo closes with the reason "consent
withdrawn"), open proposals are withdrawn, the people who work with the child hear of it,
and the day from which the child's data is due for erasure is set by the programme's grace
period. The cascade runs as the system (actor None): the person who recorded the
withdrawal is in the withdrawal row and its audit event, as with `proposal_confirm`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from buddywerk.access import policy
from buddywerk.access.models import Role
from buddywerk.access.recipients import members
from buddywerk.common import clock
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.permissions import check_allowed
from buddywerk.mail.compose import mail_to_users, site_url
from buddywerk.organisations.models import Programme

from .enums import PUPIL_CONSENT_AGE, ConsentGiver, ConsentMethod, ReferralStatus
from .models import MAX_ERASURE_GRACE_DAYS, ConsentText, ConsentWithdrawal, Referral
from .workflow import REFERRAL

if TYPE_CHECKING:
    from buddywerk.access.models import User

# A programme that never wrote its own consent text starts from this wording (its version
# 1, stored like any other, so a later change of this text changes no given consent).
DEFAULT_CONSENT_TEXT = (
    "Je geeft toestemming dat de school of dienst je kind (of je gezin) aanmeldt bij deze "
    "buddywerking. De buddywerking krijgt de gegevens uit de aanmelding en zoekt een buddy. "
    "Een buddy ziet alleen de voornaam en wat nodig is voor de begeleiding. De buddywerking "
    "noteert de contactmomenten, het welbevinden en eventuele zorgen. Je kunt je "
    "toestemming altijd intrekken via de school of dienst. Dan stopt de begeleiding en "
    "worden de gegevens na de wachttijd gewist. Cijfers zonder namen blijven bewaard."
)
DEFAULT_GRACE_DAYS = 30


def consent_text_current(programme: Programme) -> ConsentText | None:
    """The programme's newest consent text, or None before it has one."""
    return ConsentText.objects.filter(programme=programme).order_by("-version").first()


def _consent_text_in_force(programme: Programme) -> ConsentText:
    """The version a consent recorded now is given on: the newest, or (for a programme
    without its own text) version 1 with the default wording, stored now."""
    current = consent_text_current(programme)
    if current is not None:
        return current
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    current = consent_text_current(programme)  # another request may have made it meanwhile
    if current is not None:
        return current
    text = ConsentText(
        programme=programme,
        version=1,
        text=DEFAULT_CONSENT_TEXT,
        erasure_grace_days=DEFAULT_GRACE_DAYS,
    )
    text.full_clean()
    text.save()
    return text


@transaction.atomic
def consent_text_publish(
    *,
    actor: User | None,
    programme: Programme,
    text: str,
    pupil_may_consent: bool,
    erasure_grace_days: int,
) -> ConsentText:
    """A new version of the programme's consent text. Versions are numbered per programme
    under a lock on the programme, so two coordinators never publish the same number. A
    consent given earlier keeps the version it was given on."""
    check_allowed(actor, lambda user: policy.can_manage_consent_texts(user, programme))
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = [_("Write the consent text.")]
    if not 0 <= erasure_grace_days <= MAX_ERASURE_GRACE_DAYS:
        # the schedule's longest waiting time (privacy/schedule.py); a programme only shortens
        errors["erasure_grace_days"] = [
            _("Choose from 0 to %(max)d days.") % {"max": MAX_ERASURE_GRACE_DAYS}
        ]
    if errors:
        raise ValidationError(errors)
    newest = ConsentText.objects.filter(programme=programme).aggregate(v=Max("version"))["v"]
    version = ConsentText(
        programme=programme,
        version=(newest or 0) + 1,
        text=text.strip(),
        pupil_may_consent=pupil_may_consent,
        erasure_grace_days=erasure_grace_days,
        published_by=actor,
    )
    version.full_clean()
    version.save()
    audit_record(
        actor=actor,
        action=AuditAction.CONSENT_TEXT_PUBLISH,
        target=version,
        detail={"version": version.version},
    )
    return version


def pupil_surely_old_enough(referral: Referral, on: dt.date | None = None) -> bool:
    """Whether the pupil was certainly 13 on the day of consent (or on the day `on`). Only
    the birth year is known, so a pupil born in year Y is certainly 13 from the year Y + 14."""
    pupil = referral.pupil
    day = on or referral.consent_given_on
    if pupil is None or pupil.birth_year is None or day is None:
        return False
    return bool(day.year - pupil.birth_year - 1 >= PUPIL_CONSENT_AGE)


def consent_check(referral: Referral, *, required: bool) -> dict[str, list[str]]:
    """What is wrong with the consent recorded on `referral` (field -> messages). With
    `required` (submission), who gave it and how must be filled in."""
    errors: dict[str, list[str]] = {}
    giver, method = referral.consent_giver, referral.consent_method
    if required and not giver:
        errors["consent_giver"] = [_("Record who gave consent: a parent, a guardian, ...")]
    if required and not method:
        errors["consent_method"] = [_("Record how consent was given: on paper or digitally.")]
    if giver and giver not in ConsentGiver.values:
        errors["consent_giver"] = [_("Choose who gave consent from the list.")]
    elif referral.is_for_family and giver == ConsentGiver.PUPIL:
        errors["consent_giver"] = [_("For a family, an adult of the family gives consent.")]
    elif not referral.is_for_family and giver == ConsentGiver.FAMILY:
        errors["consent_giver"] = [_("For a pupil, a parent or guardian gives consent.")]
    elif giver == ConsentGiver.PUPIL:
        text = referral.consent_text or consent_text_current(referral.programme)
        if text is None or not text.pupil_may_consent:
            errors["consent_giver"] = [
                _("In this programme a parent or guardian gives consent for a pupil.")
            ]
        elif not pupil_surely_old_enough(referral):
            errors["consent_giver"] = [_("A pupil can only give consent alone from the age of 13.")]
    if method and method not in ConsentMethod.values:
        errors["consent_method"] = [_("Choose how consent was given from the list.")]
    pupil = referral.pupil
    given_on = referral.consent_given_on
    if given_on and pupil is not None and pupil.birth_year and given_on.year < pupil.birth_year:
        # Issue 16, point 5: a consent date before the pupil's birth is a typing error.
        errors.setdefault("consent_given_on", []).append(
            _("Consent cannot be given before the pupil was born (in %(year)s).")
            % {"year": pupil.birth_year}
        )
    return errors


def consent_record(
    *, actor: User | None, referral: Referral, changed: bool, now: dt.datetime | None = None
) -> None:
    """Bind the consent on a draft to the programme's text in force, with who recorded it
    and when (called by the draft services before they save). `changed`: the consent's
    date, giver or way changed, so it is a new consent, given on today's text. Consent
    removed from a draft removes the binding too."""
    if referral.consent_given_on is None:
        referral.consent_text = None
        referral.consent_recorded_by = None
        referral.consent_recorded_at = None
    elif referral.consent_text_id is None or changed:
        referral.consent_text = _consent_text_in_force(referral.programme)
        referral.consent_recorded_by = actor
        referral.consent_recorded_at = clock.now(now)
    errors = consent_check(referral, required=False)
    if errors:
        raise ValidationError(errors)


# --- Withdrawal ---------------------------------------------------------------------------


def withdrawal_giver_error(referral: Referral, giver: str, *, on: dt.date) -> str | None:
    """Why `giver` cannot withdraw consent on `referral` on the day `on` (None: they can).
    Whoever could give consent can withdraw it, by the rules of `consent_check`: no pupil
    for a family, no family for a pupil, and a pupil alone only from 13 where the
    programme's consent text allows it."""
    if giver not in ConsentGiver.values:
        return _("Choose who withdrew consent from the list.")
    if referral.is_for_family and giver == ConsentGiver.PUPIL:
        return _("For a family, an adult of the family withdraws consent.")
    if not referral.is_for_family and giver == ConsentGiver.FAMILY:
        return _("For a pupil, a parent or guardian withdraws consent.")
    if giver == ConsentGiver.PUPIL:
        text = referral.consent_text or consent_text_current(referral.programme)
        if text is None or not text.pupil_may_consent:
            return _("In this programme a parent or guardian withdraws consent.")
        if not pupil_surely_old_enough(referral, on=on):
            return _("A pupil can only withdraw consent alone from the age of 13.")
    return None


def withdrawal_givers(referral: Referral, *, on: dt.date) -> list[str]:
    """Who may withdraw consent on `referral` on the day `on` (the form's choices)."""
    return [
        giver
        for giver in ConsentGiver.values
        if withdrawal_giver_error(referral, giver, on=on) is None
    ]


@transaction.atomic
def consent_withdraw(
    *,
    actor: User | None,
    referral: Referral,
    withdrawn_by: str,
    method: str,
    withdrawn_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ConsentWithdrawal:
    """Record that consent for `referral` was withdrawn, with all its consequences (R18):

    - an open referral that has no duo yet leaves the programme's queue (withdrawn);
    - its open proposals are withdrawn, and their buddies and the coordinators hear it;
    - a duo that exists only for this referral closes with the reason "consent
      withdrawn" (no final score: nothing more is recorded about the child); in a group
      duo the others go on and only this referral closes;
    - the child's data is due for erasure `erasure_grace_days` after the withdrawal (the
      grace period of the consent text it was given on);
    - the programme's coordinators (once the referral was sent) and the buddy of a closed
      duo get a mail that names no one.
    """
    check_allowed(actor, lambda user: policy.can_record_consent_withdrawal(user, referral))
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    moment = clock.now(now)
    today = timezone.localdate(moment)
    withdrawn_on = withdrawn_on or today
    errors: dict[str, list[str]] = {}
    if ConsentWithdrawal.objects.filter(referral=locked).exists():
        raise ValidationError(_("The consent for this referral was already withdrawn."))
    if locked.consent_given_on is None:
        raise ValidationError(
            _("No consent was recorded for this referral, so there is none to withdraw.")
        )
    giver_error = withdrawal_giver_error(locked, withdrawn_by, on=withdrawn_on)
    if giver_error:
        errors["withdrawn_by"] = [giver_error]
    if method not in ConsentMethod.values:
        errors["method"] = [_("Choose how consent was withdrawn from the list.")]
    if withdrawn_on > today:
        errors["withdrawn_on"] = [_("The date of the withdrawal cannot lie in the future.")]
    elif withdrawn_on < locked.consent_given_on:
        errors["withdrawn_on"] = [_("Consent cannot be withdrawn before it was given.")]
    if errors:
        raise ValidationError(errors)

    terms = locked.consent_text or _consent_text_in_force(locked.programme)
    withdrawal = ConsentWithdrawal(
        referral=locked,
        withdrawn_on=withdrawn_on,
        withdrawn_by=withdrawn_by,
        method=method,
        recorded_by=actor,
        recorded_at=moment,
        erase_after=withdrawn_on + dt.timedelta(days=terms.erasure_grace_days),
    )
    withdrawal.full_clean()
    withdrawal.save()
    audit_record(
        actor=actor,
        action=AuditAction.CONSENT_WITHDRAW,
        target=locked,
        detail={"erase_after": withdrawal.erase_after.isoformat()},
    )

    from buddywerk.matching.services import proposals_withdraw_for_referral
    from buddywerk.trajectories.services import participant_consent_withdrawn

    proposals_withdraw_for_referral(referral=locked, now=moment)
    reason = _("Consent withdrawn")
    closed = []
    if locked.status == ReferralStatus.MATCHED:
        closed = participant_consent_withdrawn(
            referral=locked, withdrawn_on=withdrawn_on, today=today
        )
    elif REFERRAL.can_move(locked.status, ReferralStatus.WITHDRAWN):
        from .services import referral_withdraw

        referral_withdraw(actor=None, referral=locked, reason=reason, now=moment)

    if locked.submitted_at is not None:
        mail_to_users(
            users=members(locked.programme_id, Role.PROGRAMME_COORDINATOR),
            template="referrals/email/consent_withdrawn",
            context={"url": site_url(reverse("referrals:detail", args=[locked.uuid]))},
            kind="referrals.consent_withdrawn",
        )
    for duo in closed:
        mail_to_users(
            users=[duo.buddy.user],
            template="referrals/email/duo_consent_withdrawn",
            context={"url": site_url(reverse("trajectories:detail", args=[duo.uuid]))},
            kind="referrals.duo_consent_withdrawn",
        )
    referral.refresh_from_db()
    return withdrawal
