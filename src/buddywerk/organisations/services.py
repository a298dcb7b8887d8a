"""Writes on organisations, schools and their staff. Each service validates, runs in one
transaction, leaves an audit event and writes its mail to the outbox in that transaction
(ARCHITECTURE.md 1, 5)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from buddywerk.access import policy
from buddywerk.access.models import Membership, Role, User
from buddywerk.access.services import membership_grant, membership_revoke, user_create
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.geo.models import Municipality, Postcode, Region
from buddywerk.mail.compose import (
    mail_language,
    mail_to_address,
    mail_to_users,
    password_set_url,
    site_url,
)

from . import selectors
from .models import (
    City,
    Organisation,
    OrganisationKind,
    Programme,
    School,
    SchoolLevel,
    Service,
    TrainingInstitution,
)

SERVED_REGIONS = {Region.FLANDERS, Region.BRUSSELS}


def school_registrant_mail(*, kind: str, school: School, reason: str = "") -> None:
    """Write a mail about a school's registration (`registration_received`,
    `registration_declined`) to the address given in the form, in the form's language, in
    the caller's transaction. Nobody confirmed that address: the mail names the school by
    its number only, never with words the registrant typed (issue 11, point 7)."""
    mail_to_address(
        to=school.registrant_email,
        language=school.registrant_language,
        template=f"organisations/email/{kind}",
        kind=f"organisations.{kind}",
        context={"school_number": school.school_number, "reason": reason},
    )


def staff_access_mail(*, user: User, template: str, kind: str, context: Mapping[str, Any]) -> None:
    """Write a mail that gives `user` access to an organisation (a school's, a service's
    staff, an institution's supervisors), in their language, in the caller's transaction:
    sign in, or choose a password when the account has none yet (a secret link: the
    outbox erases the body once sent). `context` names the organisation."""
    set_password_url = "" if user.has_usable_password() else password_set_url(user)
    mail_to_users(
        users=[user],
        template=template,
        kind=kind,
        context={
            **context,
            "name": user.get_full_name() or user.email,
            "sign_in_url": site_url(reverse("account_login")),
            "set_password_url": set_password_url,
        },
        sensitive=bool(set_password_url),
    )


def school_staff_mail(*, kind: str, school: School, user: User) -> None:
    """Write a mail that gives `user` access to `school` (`invitation` for its care
    coordinator, `staff_added` for a colleague)."""
    staff_access_mail(
        user=user,
        template=f"organisations/email/{kind}",
        kind=f"organisations.{kind}",
        context={"school_name": school.name},
    )


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
    language: str | None = None,
) -> School:
    """A school asks to join Buddywerk. It waits for a platform admin's confirmation
    (R4: only schools refer pupils, so a school must be real before it can). The same
    registration sent again by the same address answers with the waiting one, without a
    second mail (issue 16, point 2). `language`:
    the language of the form (default: the active one), kept for the registrant's mails and
    their account."""
    number = school_number_normalise(school_number)
    resent = selectors.school_registration_resent(
        school_number=number, registrant_email=registrant_email
    )
    if resent is not None:
        # Sent again (back and resubmit): the registration stands once, mailed once.
        return resent
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
        registrant_language=mail_language(language or translation.get_language()),
    )
    _school_fill(school, postcode=postcode)
    school.full_clean()
    school.save()
    audit_record(actor=actor, action=AuditAction.SCHOOL_REGISTER, target=school)
    school_registrant_mail(kind="registration_received", school=school)
    return school


def _account_for(
    *, actor: User | None, email: str, first_name: str, last_name: str, language: str = ""
) -> User:
    """The existing account for `email`, or a new one without a password.

    The new person sets a password through the link in the invitation mail, which only
    the owner of the mailbox receives; that is why the address counts as verified.
    """

    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = user_create(
            actor=actor,
            email=email,
            password=None,
            first_name=first_name,
            last_name=last_name,
            preferred_language=language,
        )
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def _split_name(full_name: str) -> tuple[str, str]:
    first, _sep, last = full_name.strip().partition(" ")
    return first[:150], last[:150]


@transaction.atomic
def school_confirm(*, actor: User, school: School) -> School:
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
            language=school.registrant_language,
        )
        membership_grant(
            actor=actor, user=user, organisation=school, role=Role.SCHOOL_STAFF, is_lead=True
        )
        school_staff_mail(kind="invitation", school=school, user=user)
    return school


@transaction.atomic
def school_registration_decline(*, actor: User, school: School, reason: str) -> None:
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
        school_registrant_mail(kind="registration_declined", school=school, reason=reason)
    school.delete()


def _require_lead(actor: User, school: School) -> None:
    if not policy.can_manage_school_staff(actor, school):
        raise ValidationError(_("Only the school's care coordinator manages its staff."))


@transaction.atomic
def staff_invite(
    *,
    actor: User,
    organisation: Organisation,
    role: Role,
    email: str,
    first_name: str = "",
    last_name: str = "",
    is_lead: bool = False,
    already: str,
    mail: Callable[[User], None],
    audit: AuditAction | None = None,
    audit_detail: dict[str, Any] | None = None,
) -> Membership:
    """Invite a member of an organisation's staff (a school's or a service's staff, an
    institution's supervisors; the caller checked who may): an account if needed (they
    choose a password from the mail), the `role` in `organisation`, the `audit` event on
    the organisation when given, and the `mail`. A person already active in that role
    is refused with `already` (an empty `already`: invited again, to make them lead)."""
    email = email.strip()
    existing = Membership.objects.filter(
        organisation=organisation, role=role, user__email__iexact=email
    ).first()
    if existing is not None and existing.is_active and already:
        raise ValidationError({"email": already})
    user = _account_for(actor=actor, email=email, first_name=first_name, last_name=last_name)
    membership = membership_grant(
        actor=actor, user=user, organisation=organisation, role=role, is_lead=is_lead
    )
    if audit is not None:
        audit_record(actor=actor, action=audit, target=organisation, detail=audit_detail)
    mail(user)
    return membership


@transaction.atomic
def staff_revoke(
    *,
    actor: User,
    organisation: Organisation,
    role: Role,
    membership: Membership,
    not_staff: str,
    revoked: str,
    lead_refused: str = "",
) -> Membership:
    """Take a staff member's access to `organisation` away (the caller checked who may).
    A membership of another organisation or role is refused with `not_staff`, one
    already revoked with `revoked`, a lead's with `lead_refused` (when given)."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.organisation_id != organisation.pk or membership.role != role:
        raise ValidationError(not_staff)
    if not membership.is_active:
        raise ValidationError(revoked)
    if membership.is_lead and lead_refused:
        raise ValidationError(lead_refused)
    return membership_revoke(actor=actor, membership=membership)


def school_staff_invite(
    *,
    actor: User,
    school: School,
    email: str,
    first_name: str = "",
    last_name: str = "",
) -> Membership:
    """The care coordinator invites a colleague: they get the school_staff role in this
    school (R4: the school's staff refer its pupils) and a mail to sign in or to choose
    a password."""
    _require_lead(actor, school)
    if school.confirmed_at is None:
        raise ValidationError(_("The school is not confirmed yet."))
    return staff_invite(
        actor=actor,
        organisation=school,
        role=Role.SCHOOL_STAFF,
        email=email,
        first_name=first_name,
        last_name=last_name,
        already=_("This person is already on the school's staff."),
        mail=lambda user: school_staff_mail(kind="staff_added", school=school, user=user),
    )


def school_staff_revoke(*, actor: User, school: School, membership: Membership) -> Membership:
    """The care coordinator takes a colleague's access away. A lead's own access, or
    another lead's, is changed by a platform admin, so a school never loses its lead."""
    _require_lead(actor, school)
    return staff_revoke(
        actor=actor,
        organisation=school,
        role=Role.SCHOOL_STAFF,
        membership=membership,
        not_staff=_("This person is not on the school's staff."),
        lead_refused=_("A care coordinator's access is changed by a platform admin."),
        revoked=_("This access was already revoked."),
    )


# --- Organisations (platform admins, through the admin) ---------------------------------

# The kind of an organisation that has its own model follows the model.
_OWN_KIND: dict[type[Organisation], str] = {
    Programme: OrganisationKind.PROGRAMME,
    School: OrganisationKind.SCHOOL,
    TrainingInstitution: OrganisationKind.TRAINING_INSTITUTION,
    City: OrganisationKind.CITY,
    Service: OrganisationKind.SERVICE,
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


# --- Services and their staff (issue 20, point 3) --------------------------------------

SERVICE_FIELDS = (
    "name",
    "service_kind",
    "municipality",
    "contact_email",
    "contact_phone",
    "languages",
)


def _service_fill(service: Service, fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(SERVICE_FIELDS)
    if unknown:
        raise ValueError(f"Not a field of a service: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(service, name, value.strip() if isinstance(value, str) else value)
    service.kind = OrganisationKind.SERVICE
    municipality = service.municipality if service.municipality_id else None
    if municipality is None:
        raise ValidationError({"municipality": _("Choose the municipality of the service.")})
    service.province_id = municipality.province_id


@transaction.atomic
def service_register(*, actor: User, fields: Mapping[str, Any]) -> Service:
    """A platform admin, or the regional coordinator of the service's province, registers
    a service (OCMW, CAW, welcome office, integration agency...) whose staff will refer
    families [004]."""
    if not policy.can_register_services(actor):
        raise PermissionDenied
    service = Service()
    _service_fill(service, fields)
    if not policy.service_municipalities_of(
        actor, Municipality.objects.filter(pk=service.municipality_id)
    ).exists():
        raise ValidationError({"municipality": _("This municipality is not in your province.")})
    if Service.objects.filter(
        name__iexact=service.name, municipality_id=service.municipality_id
    ).exists():
        raise ValidationError({"name": _("This service is already registered here.")})
    service.full_clean()
    service.save()
    audit_record(
        actor=actor,
        action=AuditAction.SERVICE_REGISTER,
        target=service,
        detail={"service_kind": service.service_kind},
    )
    return service


@transaction.atomic
def service_change(*, actor: User, service: Service, fields: Mapping[str, Any]) -> Service:
    """Change a service's details (same people as `service_register`; a regional
    coordinator keeps it within their province)."""
    service = Service.objects.select_for_update().get(pk=service.pk)
    if not policy.can_manage_service(actor, service):
        raise PermissionDenied
    _service_fill(service, fields)
    if not policy.service_municipalities_of(
        actor, Municipality.objects.filter(pk=service.municipality_id)
    ).exists():
        raise ValidationError({"municipality": _("This municipality is not in your province.")})
    service.full_clean()
    service.save()
    audit_record(
        actor=actor,
        action=AuditAction.SERVICE_CHANGE,
        target=service,
        detail={"fields": sorted(fields)},
    )
    return service


def service_staff_mail(*, service: Service, user: User) -> None:
    """The invitation to a service's staff member."""
    staff_access_mail(
        user=user,
        template="organisations/email/service_staff_added",
        kind="organisations.service_staff_added",
        context={"service_name": service.name},
    )


@transaction.atomic
def service_staff_invite(
    *,
    actor: User,
    service: Service,
    email: str,
    first_name: str = "",
    last_name: str = "",
    is_lead: bool = False,
) -> Membership:
    """Invite a member of a service's staff, as a school's staff are invited: an account
    if needed (they choose a password from the mail), the service_staff role in this
    service, and a mail. They then refer families and follow their referrals."""
    if not policy.can_manage_service(actor, service):
        raise PermissionDenied
    return staff_invite(
        actor=actor,
        organisation=service,
        role=Role.SERVICE_STAFF,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_lead=is_lead,
        already=_("This person is already on the service's staff."),
        mail=lambda user: service_staff_mail(service=service, user=user),
        audit=AuditAction.SERVICE_STAFF_INVITE,
        audit_detail={"lead": is_lead},
    )


def service_staff_revoke(*, actor: User, service: Service, membership: Membership) -> Membership:
    """Take a staff member's access to the service away."""
    if not policy.can_manage_service(actor, service):
        raise PermissionDenied
    return staff_revoke(
        actor=actor,
        organisation=service,
        role=Role.SERVICE_STAFF,
        membership=membership,
        not_staff=_("This person is not on the service's staff."),
        revoked=_("This access was already revoked."),
    )
