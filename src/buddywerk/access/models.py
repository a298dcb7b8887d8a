"""Users, their memberships (user x organisation x role) and the audit trail."""

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from buddywerk.common.fields import ParentKey, PublicIdField
from buddywerk.common.models import TimeStampedModel
from buddywerk.organisations.models import Organisation, OrganisationKind


class Role(models.TextChoices):
    """The roles of DOMAIN.md; a user may hold several through memberships."""

    BUDDY = "buddy", _("Buddy")
    SCHOOL_STAFF = "school_staff", _("School staff")
    PROGRAMME_COORDINATOR = "programme_coordinator", _("Programme coordinator")
    REGIONAL_COORDINATOR = "regional_coordinator", _("Regional coordinator")
    FUNDER = "funder", _("Funder")
    CITY_STAFF = "city_staff", _("City staff")
    PLATFORM_ADMIN = "platform_admin", _("Platform admin")
    # Issue 20, point 1: staff of a teacher-training institution who follow its students.
    INTERNSHIP_SUPERVISOR = "internship_supervisor", _("Internship supervisor")
    # Issue 20, point 3: staff of a service (OCMW, CAW, welcome office...) that refers
    # families [004]; their own role, never a school's.
    SERVICE_STAFF = "service_staff", _("Service staff")


# Which kinds of organisation each role belongs to. Staff of a service that refers
# families [004] hold the service_staff role in that service (issue 20).
ROLE_ORGANISATION_KINDS = {
    Role.BUDDY: {OrganisationKind.PROGRAMME},
    Role.SCHOOL_STAFF: {OrganisationKind.SCHOOL},
    Role.SERVICE_STAFF: {OrganisationKind.SERVICE},
    Role.PROGRAMME_COORDINATOR: {OrganisationKind.PROGRAMME},
    Role.REGIONAL_COORDINATOR: {OrganisationKind.REGION},
    Role.FUNDER: {OrganisationKind.FUNDER},
    Role.CITY_STAFF: {OrganisationKind.CITY},
    Role.PLATFORM_ADMIN: {OrganisationKind.UMBRELLA},
    Role.INTERNSHIP_SUPERVISOR: {OrganisationKind.TRAINING_INSTITUTION},
}

# Roles that reach personal data of pupils or families, or figures about every child in
# Flanders and Brussels (the funder) or in a municipality (city staff): two-factor
# authentication first.
ROLES_REQUIRING_MFA = frozenset(
    {
        Role.SCHOOL_STAFF,
        Role.PROGRAMME_COORDINATOR,
        Role.REGIONAL_COORDINATOR,
        Role.FUNDER,
        Role.CITY_STAFF,
        Role.PLATFORM_ADMIN,
        # Issue 20: supervisors read their students' internship files.
        Role.INTERNSHIP_SUPERVISOR,
        # Issue 20: service staff read the families they referred.
        Role.SERVICE_STAFF,
    }
)

# The staff of a referring organisation: a school's (school_staff) or a service's
# (service_staff). Each role lives in its own kind of organisation only, so filtering
# memberships of one organisation on these roles finds exactly that organisation's staff.
REFERRER_STAFF_ROLES = (Role.SCHOOL_STAFF, Role.SERVICE_STAFF)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with an email address and a password."""

    username = None  # type: ignore[assignment]
    uuid = PublicIdField()
    email = models.EmailField(_("email address"), unique=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="nl-be"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[misc, assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> "MembershipQuerySet":
        return self.filter(is_active=True)


class Membership(TimeStampedModel):
    """One role of one user in one organisation."""

    user = ParentKey(User, _("user"), related_name="memberships")
    organisation = ParentKey(Organisation, _("organisation"), related_name="memberships")
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    is_lead = models.BooleanField(
        _("lead"),
        default=False,
        help_text=_(
            "The care coordinator of a school, or the lead of a programme: "
            "manages the others and receives escalations."
        ),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_membership_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"

    def clean(self) -> None:
        kinds = ROLE_ORGANISATION_KINDS[Role(self.role)]
        if self.organisation_id and self.organisation.kind not in kinds:
            raise ValidationError(
                {"organisation": _("This role does not fit this kind of organisation.")}
            )
