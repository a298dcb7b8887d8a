"""The Django admin is for platform admins only, behind 2FA. Its rules (read-only, or
through the services, or reference data; never a delete) are in common/admin.py.

Accounts and roles: an account is created with `user_create` and closed with
`user_deactivate`; a role is granted with `membership_grant` and ended with
`membership_revoke`. Nothing else about a person is edited here: people change their own
profile and password in the application. An account is not deleted here either: that is
the data lifecycle's job (issue 15).
"""

from typing import Any

from allauth.account import admin as account_admin
from allauth.account.models import EmailAddress
from allauth.mfa import admin as mfa_admin
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from buddywerk.common.admin import ReadOnlyAdmin, ReadOnlyInline, ServiceAdmin, service_action

from . import policy, services
from .models import Membership, Role, User


def _admin_has_permission(request: HttpRequest) -> bool:
    return bool(request.user.is_staff) and policy.can_use_admin(request.user)


admin.site.has_permission = _admin_has_permission  # type: ignore[method-assign]
admin.site.site_header = _("Buddywerk administration")
admin.site.site_title = _("Buddywerk administration")


# --- Accounts ---------------------------------------------------------------------------


class UserAddForm(forms.ModelForm):  # type: ignore[type-arg]
    """A new account has no password: its owner sets one through the reset mail."""

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name"]


class UserChangeForm(forms.ModelForm):  # type: ignore[type-arg]
    """Only "active" can change here, and only from ticked to unticked."""

    class Meta:
        model = User
        fields = ["is_active"]

    def clean_is_active(self) -> bool:
        active = bool(self.cleaned_data["is_active"])
        if active and not self.instance.is_active:
            raise forms.ValidationError(_("A closed account cannot be opened again here."))
        return active


class MembershipInline(ReadOnlyInline):
    """The account's roles, read-only: they are granted and revoked on the memberships
    page (MembershipAdmin), through the services."""

    model = Membership
    fields = ["organisation", "role", "is_lead", "is_active"]
    show_change_link = True


@admin.register(User)
class UserAdmin(ServiceAdmin, DjangoUserAdmin):  # type: ignore[type-arg]
    """Add: `user_create` (no password; the reset mail sets one). Change: unticking
    "active" closes the account through `user_deactivate` (its calendar link dies with it,
    issue 11); every other field is read-only. No password page: people reset their own."""

    service_fields = ["is_active"]
    form = UserChangeForm
    add_form = UserAddForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email",)}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "preferred_language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "first_name", "last_name")}),
    )
    inlines = [MembershipInline]

    def service_add(self, request: HttpRequest, obj: User, form: Any) -> User:
        return services.user_create(
            actor=request.user,  # type: ignore[arg-type]
            email=form.cleaned_data["email"],
            password=None,
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
        )

    def service_change(self, request: HttpRequest, obj: User, form: Any) -> User:
        if "is_active" in form.changed_data and not obj.is_active:
            return services.user_deactivate(actor=request.user, user=obj)  # type: ignore[arg-type]
        return obj

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        raise PermissionDenied


class MembershipAddForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Membership
        fields = ["user", "organisation", "role", "is_lead"]

    # The one unique rule is one row per user, organisation and role: `membership_grant`
    # takes an ended membership up again instead of refusing it.
    def validate_unique(self) -> None:
        pass

    def validate_constraints(self) -> None:
        pass


@admin.register(Membership)
class MembershipAdmin(ServiceAdmin):
    """Roles. Add: `membership_grant` (an ended one is taken up again; a platform admin
    role also opens the admin). The action "Revoke": `membership_revoke` (the row stays,
    inactive, for the history). School staff invite their colleagues in the application;
    buddies get their role when a programme approves them."""

    form = MembershipAddForm
    list_display = ["user", "organisation", "role", "is_lead", "is_active", "updated_at"]
    list_filter = ["role", "is_active", "organisation__kind"]
    search_fields = ["user__email", "user__last_name", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]
    actions = ["revoke"]

    def service_add(self, request: HttpRequest, obj: Membership, form: Any) -> Membership:
        return services.membership_grant(
            actor=request.user,  # type: ignore[arg-type]
            user=form.cleaned_data["user"],
            organisation=form.cleaned_data["organisation"],
            role=Role(form.cleaned_data["role"]),
            is_lead=form.cleaned_data["is_lead"],
        )

    @service_action(
        _("Revoke the selected memberships"),
        success=lambda count: (
            ngettext("%(count)d membership revoked.", "%(count)d memberships revoked.", count)
            % {"count": count}
        ),
    )
    def revoke(self, request: HttpRequest, membership: Membership) -> None:
        if membership.is_active:
            services.membership_revoke(actor=request.user, membership=membership)  # type: ignore[arg-type]


# --- What allauth registers ---------------------------------------------------------------

# Roles are memberships; Django's groups are not used, and a group's permissions would be
# one more way into the admin.
# allauth's admins (imported above, so they are registered whatever the app order) are
# replaced by read-only ones.
admin.site.unregister([Group, EmailAddress, Authenticator])


@admin.register(EmailAddress)
class EmailAddressAdmin(ReadOnlyAdmin, account_admin.EmailAddressAdmin):  # type: ignore[misc]
    """Read-only (allauth's own "mark verified" action is gone): an address is verified
    by its owner through the mail, and changed by its owner on the account page."""

    actions: list[Any] = []


@admin.register(Authenticator)
class AuthenticatorAdmin(ReadOnlyAdmin, mfa_admin.AuthenticatorAdmin):  # type: ignore[misc]
    """Read-only, without the secret (`data` holds the TOTP key and recovery codes).
    A lost authenticator is replaced by its owner with a recovery code."""

    exclude = ["data"]
