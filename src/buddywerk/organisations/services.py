"""Writes on organisations, schools and their staff. Each service validates, runs in one
transaction, leaves an audit event and sends its mail on commit (ARCHITECTURE.md 1, 5)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buddywerk.access.models import Membership, Role
from buddywerk.access.services import membership_grant, membership_revoke, user_create
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.geo.models import Postcode, Region

from .models import (
    Organisation,
    OrganisationKind,
    Programme,
    School,
    SchoolLevel,
    TrainingInstitution,
)
from .tasks import school_mail_send

if TYPE_CHECKING:
    from buddywerk.access.models import User

SERVED_REGIONS = {Region.FLANDERS, Region.BRUSSELS}


def _mail_on_commit(**kwargs: Any) -> None:
    transaction.on_commit(lambda: school_mail_send.enqueue(**kwargs))


def _school_fill(school: School, *, postcode: Postcode) -> None:
    """A school's municipality and province follow from its postcode."""
    school.postcode = postcode
    school.municipality = postcode.municipality
    school.province = postcode.municipality.province


def school_number_normalise(number: str) -> str:
    """Instellingsnummers are digits; people type them with spaces or dots."""
    return "".join(ch for ch in str(number) if ch.isdigit())


@transaction.atomic
def school_register(
    *,
    actor: User | None,
    school_number: str,
    name: str,
    level: SchoolLevel | str,
    street: str,
    postcode: Postcode,
    registrant_name: str,
    registrant_email: str,
    base_url: str,
) -> School:
    """A school asks to join Buddywerk. It waits for a platform admin's confirmation
    (R4: only schools refer pupils, so a school must be real before it can)."""
    number = school_number_normalise(school_number)
    if School.objects.filter(school_number=number).exists():
        raise ValidationError(
            {"school_number": _("A school with this number is already registered.")}
        )
    if postcode.municipality.province.region not in SERVED_REGIONS:
        raise ValidationError(
            {"postcode": _("Buddywerk works with schools in Flanders and Brussels.")}
        )
    school = School(
        kind=OrganisationKind.SCHOOL,
        school_number=number,
        name=name.strip(),
        level=level,
        street=street.strip(),
        registrant_name=registrant_name.strip(),
        registrant_email=registrant_email.strip().lower(),
    )
    _school_fill(school, postcode=postcode)
    school.full_clean()
    school.save()
    audit_record(actor=actor, action=AuditAction.SCHOOL_REGISTER, target=school)
    _mail_on_commit(
        kind="registration_received",
        school_id=school.pk,
        email=school.registrant_email,
        name=school.registrant_name,
        base_url=base_url,
    )
    return school


def _account_for(*, actor: User | None, email: str, first_name: str, last_name: str) -> User:
    """The existing account for `email`, or a new one without a password.

    The new person sets a password through the link in the invitation mail, which only
    the owner of the mailbox receives; that is why the address counts as verified.
    """
    from buddywerk.access.models import User

    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = user_create(
            actor=actor, email=email, password=None, first_name=first_name, last_name=last_name
        )
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def _split_name(full_name: str) -> tuple[str, str]:
    first, _sep, last = full_name.strip().partition(" ")
    return first[:150], last[:150]


@transaction.atomic
def school_confirm(*, actor: User, school: School, base_url: str) -> School:
    """A platform admin confirms a registered school: its care coordinator gets an
    account (without a password: they choose one from the invitation mail) and the
    school_staff role as lead, so they can invite colleagues."""
    school = School.objects.select_for_update().get(pk=school.pk)
    if school.confirmed_at is not None:
        raise ValidationError(_("This school is already confirmed."))
    school.confirmed_at = timezone.now()
    school.save(update_fields=["confirmed_at", "updated_at"])
    audit_record(actor=actor, action=AuditAction.SCHOOL_CONFIRM, target=school)
    if school.registrant_email:
        first_name, last_name = _split_name(school.registrant_name)
        user = _account_for(
            actor=actor,
            email=school.registrant_email,
            first_name=first_name,
            last_name=last_name,
        )
        membership_grant(
            actor=actor, user=user, organisation=school, role=Role.SCHOOL_STAFF, is_lead=True
        )
        _mail_on_commit(
            kind="invitation",
            school_id=school.pk,
            email=user.email,
            user_id=user.pk,
            base_url=base_url,
        )
    return school


@transaction.atomic
def school_registration_decline(*, actor: User, school: School, reason: str, base_url: str) -> None:
    """A platform admin turns down a registration (not a school, a duplicate...). The
    unconfirmed school is removed; the audit event and the mail keep the reason."""
    school = School.objects.select_for_update().get(pk=school.pk)
    if school.confirmed_at is not None:
        raise ValidationError(_("A confirmed school cannot be declined."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the registration is declined.")})
    audit_record(
        actor=actor,
        action=AuditAction.SCHOOL_DECLINE,
        target=school,
        detail={"school_number": school.school_number},
    )
    if school.registrant_email:
        _mail_on_commit(
            kind="registration_declined",
            school_id=school.pk,
            school_name=school.name,
            school_number=school.school_number,
            email=school.registrant_email,
            name=school.registrant_name,
            reason=reason,
            base_url=base_url,
        )
    school.delete()


def _require_lead(actor: User, school: School) -> None:
    from buddywerk.access import policy

    if not policy.can_manage_school_staff(actor, school):
        raise ValidationError(_("Only the school's care coordinator manages its staff."))


@transaction.atomic
def school_staff_invite(
    *,
    actor: User,
    school: School,
    email: str,
    first_name: str = "",
    last_name: str = "",
    base_url: str,
) -> Membership:
    """The care coordinator invites a colleague: they get the school_staff role in this
    school (R4: the school's staff refer its pupils) and a mail to sign in or to choose
    a password."""
    _require_lead(actor, school)
    if school.confirmed_at is None:
        raise ValidationError(_("The school is not confirmed yet."))
    existing = Membership.objects.filter(
        organisation=school, role=Role.SCHOOL_STAFF, user__email__iexact=email.strip()
    ).first()
    if existing is not None and existing.is_active:
        raise ValidationError({"email": _("This person is already on the school's staff.")})
    user = _account_for(actor=actor, email=email, first_name=first_name, last_name=last_name)
    membership = membership_grant(
        actor=actor, user=user, organisation=school, role=Role.SCHOOL_STAFF
    )
    _mail_on_commit(
        kind="staff_added",
        school_id=school.pk,
        email=user.email,
        user_id=user.pk,
        base_url=base_url,
    )
    return membership


@transaction.atomic
def school_staff_revoke(*, actor: User, school: School, membership: Membership) -> Membership:
    """The care coordinator takes a colleague's access away. A lead's own access, or
    another lead's, is changed by a platform admin, so a school never loses its lead."""
    _require_lead(actor, school)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.organisation_id != school.pk or membership.role != Role.SCHOOL_STAFF:
        raise ValidationError(_("This person is not on the school's staff."))
    if membership.is_lead:
        raise ValidationError(_("A care coordinator's access is changed by a platform admin."))
    if not membership.is_active:
        raise ValidationError(_("This access was already revoked."))
    return membership_revoke(actor=actor, membership=membership)


# --- Organisations (platform admins, through the admin) ---------------------------------

# The kind of an organisation that has its own model follows the model.
_OWN_KIND: dict[type[Organisation], str] = {
    Programme: OrganisationKind.PROGRAMME,
    School: OrganisationKind.SCHOOL,
    TrainingInstitution: OrganisationKind.TRAINING_INSTITUTION,
}


@transaction.atomic
def organisation_save(
    *, actor: User, organisation: Organisation, fields: Mapping[str, Any]
) -> Organisation:
    """Create or change an organisation other than a school: a programme (its coverage
    area, target years, what it takes now), a teacher-training institution, a regional
    coordination, the funder, the umbrella organisation. Platform admins do it, from the
    admin (there is no other page); `fields` are the values to set, many-to-many included.

    The kind follows the model (a Programme is a programme) and never changes: the
    memberships, referrals and figures of an organisation depend on it. A school
    registers through its own form and a platform admin confirms it (school_register,
    school_confirm)."""
    from buddywerk.access import policy

    if not policy.can_manage_organisations(actor):
        raise PermissionDenied
    if isinstance(organisation, School):
        raise ValidationError(_("A school registers through its own form."))
    creating = organisation._state.adding
    many: dict[str, Any] = {}
    for name, value in fields.items():
        if organisation._meta.get_field(name).many_to_many:
            many[name] = value
        else:
            setattr(organisation, name, value)
    own_kind = next(
        (kind for model, kind in _OWN_KIND.items() if isinstance(organisation, model)), None
    )
    if own_kind is not None:
        organisation.kind = own_kind
    elif creating and organisation.kind in _OWN_KIND.values():
        raise ValidationError({"kind": _("This kind of organisation is added on its own page.")})
    if not creating:
        stored = (
            Organisation.objects.select_for_update()
            .values_list("kind", flat=True)
            .get(pk=organisation.pk)
        )
        if stored != organisation.kind:
            raise ValidationError({"kind": _("The kind of an organisation cannot change.")})
    organisation.full_clean()
    organisation.save()
    for name, value in many.items():
        getattr(organisation, name).set(value)
    audit_record(
        actor=actor,
        action=AuditAction.ORGANISATION_CREATE if creating else AuditAction.ORGANISATION_CHANGE,
        target=organisation,
        detail={"fields": sorted(fields)},
    )
    return organisation
