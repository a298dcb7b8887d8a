"""The Django admin is for platform admins only, behind 2FA; audit events are read-only;
every view of personal data through the admin is audited, and so is every save and delete
(AuditedAdmin)."""

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest, HttpResponse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from buddywerk.common.audit import (
    AuditAction,
    Seen,
    audit_record,
    audit_record_many,
    audit_view_many,
    seen,
    seen_ref,
)

from . import policy, services
from .models import Membership, User


def _admin_has_permission(request: HttpRequest) -> bool:
    return bool(request.user.is_staff) and policy.can_use_admin(request.user)


admin.site.has_permission = _admin_has_permission  # type: ignore[method-assign]
admin.site.site_header = _("Buddywerk administration")
admin.site.site_title = _("Buddywerk administration")


def neutral_label(obj: models.Model) -> str:
    """What the admin's change log stores for an object with personal data: its kind and
    UUID ("Pupil 5d0c...", "Leerling 5d0c..."), never `str(obj)`, which may be a name."""
    return f"{capfirst(obj._meta.verbose_name)} {getattr(obj, 'uuid', None) or obj.pk}"


def _model_at(model: type[models.Model], lookup: str) -> type[models.Model]:
    for part in lookup.split(LOOKUP_SEP):
        model = model._meta.get_field(part).related_model  # type: ignore[assignment]
    return model


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """For models with personal data: the admin is audited like the application.

    Views (common/audit.py): the change (or read-only) page, the history and the delete
    confirmation write a view event for each person the object is about, with the actor
    and `"admin": true`; so does the list when `audit_changelist` is set (one event per
    row, one INSERT per page). `audit_people` names the pupil and family fields of the
    object as lookups (e.g. ("pupil", "family"), or through a duo
    ("trajectory__participants__pupil", ...)); empty means the object is the person
    itself (a pupil, a family, a buddy), whose events then target the object.

    Writes: every save and delete is recorded with its actor ("admin.add",
    "admin.change" with the names of the changed fields, "admin.delete") in the admin's
    own transaction.

    Django's own change log (LogEntry.object_repr, `str(obj)` by default) stores
    `neutral_label(obj)`, so it never keeps a child's name.
    """

    audit_people: tuple[str, ...] = ()
    audit_changelist = False

    # --- views --------------------------------------------------------------------------

    def seen_in(self, objs: Sequence[models.Model]) -> list[Seen]:
        """The people `objs` are about, in one query whatever their number."""
        if not self.audit_people:
            return [seen(obj) for obj in objs]
        meta = self.model._meta
        key = "uuid" if any(f.name == "uuid" for f in meta.fields) else "pk"
        fields = [f"{lookup}{LOOKUP_SEP}uuid" for lookup in self.audit_people]
        labels = [_model_at(self.model, lookup)._meta.label_lower for lookup in self.audit_people]
        rows = self.model._default_manager.filter(pk__in=[obj.pk for obj in objs]).values_list(
            key, *fields
        )
        return [
            seen_ref(label, target_id=target_id, **{str(meta.model_name): own})
            for own, *targets in rows
            for label, target_id in zip(labels, targets, strict=True)
            if target_id is not None
        ]

    def _audit_views(
        self, request: HttpRequest, objs: Sequence[models.Model], *, listed: bool
    ) -> None:
        audit_view_many(
            actor=request.user,  # type: ignore[arg-type]
            targets=self.seen_in(objs),
            listed=listed,
            detail={"admin": True},
        )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        if self.audit_changelist and "cl" in context:
            self._audit_views(request, list(context["cl"].result_list), listed=True)
        return response

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: models.Model | None = None,
    ) -> HttpResponse:
        """The change (or read-only) page, shown on a GET or again with errors."""
        if obj is not None:
            self._audit_views(request, [obj], listed=False)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)
        obj = (getattr(response, "context_data", None) or {}).get("object")
        if obj is not None:
            self._audit_views(request, [obj], listed=False)
        return response

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """Shared by the delete page and the "delete selected" action: the confirmation
        page they show (not the confirmed deletion, a write) is a view of `objs`."""
        if request.POST.get("post") != "yes":
            objs = list(objs)
            self._audit_views(request, objs, listed=len(objs) > 1)
        return super().get_deleted_objects(objs, request)

    # --- writes -------------------------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action=AuditAction.ADMIN_CHANGE if change else AuditAction.ADMIN_ADD,
            target=obj,
            detail={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(actor=request.user, action=AuditAction.ADMIN_DELETE, target=obj)  # type: ignore[arg-type]
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        audit_record_many(
            actor=request.user, action=AuditAction.ADMIN_DELETE, targets=list(queryset)
        )  # type: ignore[arg-type]
        super().delete_queryset(request, queryset)

    # --- Django's change log -------------------------------------------------------------

    def _log(
        self, request: HttpRequest, objs: Iterable[models.Model], flag: int, message: Any = ""
    ) -> list[LogEntry]:
        """LogEntryManager.log_actions (Django 6.1) with a neutral object_repr."""
        if isinstance(message, list):
            message = json.dumps(message)
        entries = [
            LogEntry(
                user_id=request.user.pk,  # type: ignore[misc]
                content_type_id=ContentType.objects.get_for_model(obj, for_concrete_model=False).id,
                object_id=obj.pk,
                object_repr=neutral_label(obj)[:200],
                action_flag=flag,
                change_message=message,
            )
            for obj in objs
        ]
        if len(entries) == 1:
            entries[0].save()
            return entries
        return LogEntry.objects.bulk_create(entries)

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> LogEntry:
        return self._log(request, [obj], ADDITION, message)[0]

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> LogEntry:
        return self._log(request, [obj], CHANGE, message)[0]

    def log_deletions(self, request: HttpRequest, queryset: Any) -> list[LogEntry]:
        return self._log(request, queryset, DELETION)


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "preferred_language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [MembershipInline]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # Unticking "active" closes the account through the service: its calendar
            # link is deleted in the same transaction (issue 11).
            services.user_deactivate(actor=request.user, user=obj)  # type: ignore[arg-type]
