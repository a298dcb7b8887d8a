"""Writes of the internships app (issue 20, points 1 and 5): every one checks the policy,
and records its audit event in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from buddywerk.access import policy
from buddywerk.access.models import Membership, Role, User
from buddywerk.buddies.models import Buddy
from buddywerk.common import clock
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.organisations.models import Programme, TrainingInstitution
from buddywerk.organisations.services import staff_access_mail, staff_invite, staff_revoke

from .models import HoursAttestation, InstitutionPartnership, SharingConsent, attestation_code
from .selectors import hours_of_year


def _supervisor_mail(*, user: User, institution: TrainingInstitution) -> None:
    """The invitation to an internship supervisor."""
    staff_access_mail(
        user=user,
        template="internships/email/supervisor_invited",
        kind="internships.supervisor_invited",
        context={"institution": str(institution)},
    )


def supervisor_invite(
    *,
    actor: User,
    institution: TrainingInstitution,
    email: str,
    first_name: str = "",
    last_name: str = "",
    is_contact: bool = False,
) -> Membership:
    """The institution's contact (or a platform admin) invites an internship supervisor:
    an account if needed, the supervisor role in this institution, and a mail. Only a
    platform admin names the institution's contact (`is_contact`)."""
    if not policy.can_invite_supervisors(actor, institution):
        raise PermissionDenied
    if is_contact and not policy.is_platform_admin(actor):
        raise PermissionDenied
    return staff_invite(
        actor=actor,
        organisation=institution,
        role=Role.INTERNSHIP_SUPERVISOR,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_lead=is_contact,
        # Naming an existing supervisor the contact invites them again.
        already="" if is_contact else _("This person is already a supervisor here."),
        mail=lambda user: _supervisor_mail(user=user, institution=institution),
        audit=AuditAction.SUPERVISOR_INVITE,
        audit_detail={"contact": is_contact},
    )


def supervisor_revoke(
    *, actor: User, institution: TrainingInstitution, membership: Membership
) -> Membership:
    if not policy.can_invite_supervisors(actor, institution):
        raise PermissionDenied
    not_supervisor = _("This person is not a supervisor here.")
    return staff_revoke(
        actor=actor,
        organisation=institution,
        role=Role.INTERNSHIP_SUPERVISOR,
        membership=membership,
        not_staff=not_supervisor,
        revoked=not_supervisor,
        lead_refused=""
        if policy.is_platform_admin(actor)
        else _("The institution's contact is changed by a platform admin."),
    )


@transaction.atomic
def sharing_consent_give(
    *,
    actor: User,
    institution: TrainingInstitution,
    now: dt.datetime | None = None,
) -> SharingConsent:
    """The buddy names their institution and agrees to share their internship file with
    it. A consent for another institution ends; the buddy's institution becomes this one."""
    if not policy.can_share_with_institution(actor):
        raise PermissionDenied
    moment = clock.now(now)
    buddy = Buddy.objects.select_for_update().get(user=actor)
    current = SharingConsent.objects.in_force().filter(buddy=buddy).first()
    if current is not None and current.institution_id == institution.pk:
        return current
    if current is not None:
        current.revoked_at = moment
        current.save(update_fields=["revoked_at", "updated_at"])
    if buddy.training_institution_id != institution.pk:
        buddy.training_institution = institution
        buddy.training_institution_name = ""
        buddy.save(update_fields=["training_institution", "training_institution_name"])
    consent = SharingConsent.objects.create(buddy=buddy, institution=institution, given_at=moment)
    audit_record(
        actor=actor,
        action=AuditAction.SHARING_GIVE,
        target=consent,
        detail={"institution": institution.pk},
    )
    return consent


@transaction.atomic
def sharing_consent_revoke(*, actor: User, now: dt.datetime | None = None) -> SharingConsent:
    """The buddy stops sharing: from now on the supervisors see nothing of them."""
    if not policy.can_share_with_institution(actor):
        raise PermissionDenied
    buddy = Buddy.objects.select_for_update().get(user=actor)
    consent = SharingConsent.objects.in_force().filter(buddy=buddy).first()
    if consent is None:
        raise ValidationError(_("You are not sharing with an institution."))
    consent.revoked_at = clock.now(now)
    consent.save(update_fields=["revoked_at", "updated_at"])
    audit_record(actor=actor, action=AuditAction.SHARING_REVOKE, target=consent)
    return consent


@transaction.atomic
def partnership_save(
    *,
    actor: User,
    institution: TrainingInstitution,
    programme: Programme,
    since: dt.date,
    contact: User | None = None,
    student_count: int = 0,
    ended_on: dt.date | None = None,
) -> InstitutionPartnership:
    """Record (or change) that an institution works with a programme. A platform admin
    does it for every programme, a coordinator for their own."""
    if not policy.partnership_programmes_of(actor, Programme.objects.filter(pk=programme.pk)):
        raise PermissionDenied
    if (
        contact is not None
        and not Membership.objects.active()
        .filter(user=contact, organisation=institution, role=Role.INTERNSHIP_SUPERVISOR)
        .exists()
    ):
        raise ValidationError({"contact": _("The contact is a supervisor of the institution.")})
    if ended_on is not None and ended_on < since:
        raise ValidationError({"ended_on": _("The end lies before the start.")})
    partnership = (
        InstitutionPartnership.objects.select_for_update()
        .filter(institution=institution, programme=programme)
        .first()
    )
    creating = partnership is None
    if partnership is None:
        partnership = InstitutionPartnership(institution=institution, programme=programme)
    partnership.since = since
    partnership.contact = contact
    partnership.student_count = student_count
    partnership.ended_on = ended_on
    partnership.full_clean(validate_unique=False)
    partnership.save()
    audit_record(
        actor=actor,
        action=AuditAction.PARTNERSHIP_SAVE,
        target=partnership,
        detail={"created": creating, "student_count": student_count},
    )
    return partnership


def internship_file_exported(*, actor: User, buddy: Buddy) -> None:
    """A supervisor exported a student's file: recorded (the file holds personal data)."""
    audit_record(actor=actor, action=AuditAction.INTERNSHIP_FILE_EXPORT, target=buddy)


@transaction.atomic
def attestation_issue(
    *, actor: User, school_year: int, now: dt.datetime | None = None
) -> HoursAttestation:
    """The buddy asks for an attestation of one school year's hours. What it states is
    stored with a random code; the public page shows it back to whoever has the code."""
    if not policy.can_view_own_hours(actor):
        raise PermissionDenied
    buddy = Buddy.objects.get(user=actor)
    year = hours_of_year(buddy, school_year)
    if year is None or year.minutes == 0:
        raise ValidationError(_("There are no hours in this school year."))
    attestation = HoursAttestation.objects.create(
        buddy=buddy,
        school_year=school_year,
        minutes=year.minutes,
        programmes=year.programme_names[:500],
        code=attestation_code(),
        issued_at=clock.now(now),
    )
    audit_record(
        actor=actor,
        action=AuditAction.ATTESTATION_ISSUE,
        target=attestation,
        detail={"school_year": school_year},
    )
    return attestation
