"""Admin of the learning app: platform admins write the academy's modules, set the modules a
programme requires, and read events and registrations. Registrations change only through
the services (waiting list, transition log), so they are read-only here."""

from django.contrib import admin

from .models import (
    CalendarFeed,
    Event,
    MeetupNote,
    Module,
    ModuleCompletion,
    Registration,
    RequiredModule,
)


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "theme", "audience", "format", "minutes", "is_published"]
    list_filter = ["audience", "format", "is_published"]
    search_fields = ["title", "theme"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(RequiredModule)
class RequiredModuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["programme", "module"]
    list_filter = ["programme"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "kind", "programme", "starts_at", "capacity", "is_cancelled"]
    list_filter = ["kind", "is_cancelled"]
    search_fields = ["title", "theme"]
    date_hierarchy = "starts_at"


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["event", "buddy", "status", "attended", "created_at"]
    list_filter = ["status"]


@admin.register(ModuleCompletion)
class ModuleCompletionAdmin(ReadOnlyAdmin):
    list_display = ["module", "buddy", "completed_at"]


@admin.register(MeetupNote)
class MeetupNoteAdmin(ReadOnlyAdmin):
    list_display = ["programme", "kind", "event", "created_at"]
    list_filter = ["kind"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    list_display = ["buddy", "updated_at"]
    exclude = ["token"]
