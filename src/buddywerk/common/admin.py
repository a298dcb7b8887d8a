"""The Django admin's shared rules: no back door (issue 12, point 1).

The admin is for platform admins only, behind 2FA (access/admin.py), and it is no way
around the application. Every admin of the project is one of three kinds, built on the
classes below, and tests/access/test_admin.py walks the whole registry to hold every model
(and every inline) to them:

- `ReadOnlyAdmin`: a record with a status or personal data that the application changes
  through its services (referrals, duos and their follow-up, proposals, registrations...).
  The admin shows it; the page of the application named in the admin's docstring changes
  it. `AuditedReadOnlyAdmin` adds the view audit for personal data (`AuditedViews`).
- `ServiceAdmin`: the admin's writes are calls to the same service the application uses,
  so they are validated (`full_clean` in the service), audited with the actor and, for a
  status, applied by the state-machine kernel. Django's own `obj.save()` never runs.
- `ReferenceDataAdmin`: reference data without personal data (provinces, vocabularies,
  ...), written here directly; each says why next to it, and every save is audited.

No admin deletes anything. Personal data leaves the platform through the data lifecycle
(issue 15: retention periods, anonymisation that keeps the figures, erasure on request),
never through a delete button; and deleting reference data would cascade into what
people made (a module into its completions, a programme into its events).

Django's change log (LogEntry.object_repr, `str(obj)` by default) stores `neutral_label`,
so it never keeps a person's name.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.text import capfirst

from .audit import AuditAction, Seen, audit_record, audit_view_many, seen, seen_ref
from .models import AuditEvent


def neutral_label(obj: models.Model) -> str:
    """What the admin's change log stores for an object with personal data: its kind and
    UUID ("Pupil 5d0c...", "Leerling 5d0c..."), never `str(obj)`, which may be a name."""
    return f"{capfirst(obj._meta.verbose_name)} {getattr(obj, 'uuid', None) or obj.pk}"


def _model_at(model: type[models.Model], lookup: str) -> type[models.Model]:
    for part in lookup.split(LOOKUP_SEP):
        model = model._meta.get_field(part).related_model  # type: ignore[assignment]
    return model


class ProjectAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The root of every admin of the project: it deletes nothing (see the module
    docstring, issue 15), and Django's change log keeps a neutral label."""

    neutral_log = True

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # A second lock behind the permission: the delete view and the "delete selected"
    # action end here, so an override of the permission still deletes nothing.
    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        raise PermissionDenied

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        raise PermissionDenied

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
                object_repr=(neutral_label(obj) if self.neutral_log else str(obj))[:200],
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


class ReadOnlyAdmin(ProjectAdmin):
    """Shows a record; the application changes it (through its services)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    """An inline that shows the related rows and writes none."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedViews:
    """For models with personal data: a look through the admin is audited like one in the
    application (common/audit.py). Mixed in before a `ProjectAdmin` subclass.

    The change (or read-only) page and the history write a view event for each person the
    object is about, with the actor and `"admin": true`; so does the list when
    `audit_changelist` is set (one event per row, one INSERT per page). `audit_people`
    names the pupil and family fields of the object as lookups (e.g. ("pupil", "family"),
    or through a duo ("trajectory__participants__pupil", ...)); empty means the object is
    the person itself (a pupil, a family, a buddy), whose events then target the object.
    """

    model: type[models.Model]
    audit_people: tuple[str, ...] = ()
    audit_changelist = False

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
            actor=request.user,
            targets=self.seen_in(objs),
            listed=listed,
            detail={"admin": True},
        )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        context = getattr(response, "context_data", None) or {}
        if self.audit_changelist and "cl" in context:
            self._audit_views(request, list(context["cl"].result_list), listed=True)
        return response  # type: ignore[no-any-return]

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
        return super().render_change_form(request, context, add, change, form_url, obj)  # type: ignore[misc,no-any-return]

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)  # type: ignore[misc]
        obj = (getattr(response, "context_data", None) or {}).get("object")
        if obj is not None:
            self._audit_views(request, [obj], listed=False)
        return response  # type: ignore[no-any-return]


class AuditedReadOnlyAdmin(AuditedViews, ReadOnlyAdmin):
    """Read-only, and every look at the personal data it shows is audited."""


def service_action(
    description: Any, *, success: Callable[[int], str]
) -> Callable[[Callable[[Any, HttpRequest, Any], None]], Any]:
    """Mark an admin action of a `ServiceAdmin` that calls a service once per selected
    object: `func(admin, request, obj)`. A refused object (ValidationError) is reported
    and the others still go through; each call is the service's own transaction."""

    def decorate(func: Callable[[Any, HttpRequest, Any], None]) -> Any:
        def action(model_admin: Any, request: HttpRequest, queryset: Any) -> None:
            done = 0
            for obj in queryset:
                try:
                    func(model_admin, request, obj)
                except ValidationError as refused:
                    model_admin.message_user(request, " ".join(refused.messages), messages.ERROR)
                else:
                    done += 1
            if done:
                model_admin.message_user(request, success(done), messages.SUCCESS)

        action.__name__ = func.__name__
        action.through_service = True  # type: ignore[attr-defined]
        return admin.action(description=description)(action)

    return decorate


class ServiceAdmin(ProjectAdmin):
    """Writes through the application's services, never around them.

    A subclass implements the hooks it needs, each calling one service with
    `actor=request.user` and the form's values:
    - `service_add(request, obj, form)`: the add form (no hook, no add button);
    - `service_change(request, obj, form)`: the change form (no hook, a read-only page);
      only `service_fields` are editable there, the rest of the page is read-only;
    - admin actions decorated with `service_action`.
    A hook may return the row the service wrote when it is not `obj` (a service that
    creates its own instance); the admin then logs and shows that row.

    `save_model` only calls the hook and `save_related` saves nothing (the service wrote
    the many-to-many fields; inlines of a ServiceAdmin are read-only). A service that
    refuses the change (ValidationError) rolls the admin's transaction back, and the
    admin opens the form again with the service's message on top.
    """

    service_fields: ClassVar[Sequence[str]] = ()

    def service_add(self, request: HttpRequest, obj: Any, form: Any) -> models.Model | None:
        raise NotImplementedError

    def service_change(self, request: HttpRequest, obj: Any, form: Any) -> models.Model | None:
        raise NotImplementedError

    @classmethod
    def routes(cls, hook: str) -> bool:
        """Whether the subclass implements `hook` ("service_add" or "service_change")."""
        return getattr(cls, hook) is not getattr(ServiceAdmin, hook)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.routes("service_add") and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.routes("service_change") and super().has_change_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fixed = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return fixed
        own = [
            field.name
            for field in self.model._meta.get_fields()
            if not field.auto_created
            and (field.concrete or field.many_to_many)
            and getattr(field, "editable", False)
            and field.name not in self.service_fields
        ]
        return fixed + [name for name in own if name not in fixed]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        hook = self.service_change if change else self.service_add
        written = hook(request, obj, form)
        if written is not None and written is not obj:
            # The service made its own instance: the admin logs, links and shows that one.
            for field in obj._meta.concrete_fields:
                setattr(obj, field.attname, getattr(written, field.attname))
            obj._state.adding = False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing is saved here: the service saved what the form holds, and the inlines
        are read-only. The change message reads what the formsets saved: nothing."""
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def form_values(self, form: Any) -> dict[str, Any]:
        """The values of the form's editable fields, as a service's `fields` argument."""
        return {name: form.cleaned_data[name] for name in form.fields if name in form.cleaned_data}

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refused:
            # Raised by the service inside the admin's transaction, now rolled back.
            self.message_user(request, " ".join(refused.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class ReferenceDataAdmin(ProjectAdmin):
    """Reference data without personal data, kept by platform admins right here.

    A subclass says why in `reference_reason` (tests/access/test_admin.py requires it).
    Adds and changes are audited with the actor and the changed fields; nothing is
    deleted (ProjectAdmin)."""

    neutral_log = False  # no person in it: the log may name the row
    reference_reason: ClassVar[str] = ""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=AuditAction.ADMIN_CHANGE if change else AuditAction.ADMIN_ADD,
            target=obj,
            detail={"fields": sorted(form.changed_data)},
        )


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail: read-only for everyone, platform admins included."""

    neutral_log = False
    list_display = ["at", "actor", "action", "object_type", "object_id", "request_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "request_id", "actor__email"]
    date_hierarchy = "at"
