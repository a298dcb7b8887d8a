"""The learning app in the admin. The academy's modules are reference data kept here.
Everything else is read-only, because it changes through the services in the
application: a programme's coordinators create events and set the modules their
programme requires (required_modules_set) on their pages; registrations move through
their workflow (waiting list, transition log); buddies complete modules, write meet-up
notes and reset their calendar link themselves. Nothing is deleted here (issue 15)."""

from django.contrib import admin

from buddywerk.common.admin import ReadOnlyAdmin, ReferenceDataAdmin

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
class ModuleAdmin(ReferenceDataAdmin):
    reference_reason = (
        "The Leerbuddy Academie's course material (R14): public content without personal "
        "data, written by the umbrella organisation, with no page in the application. A "
        "module is unpublished, never deleted (that would delete buddies' completions)."
    )
    list_display = ["title", "theme", "audience", "format", "minutes", "is_published"]
    list_filter = ["audience", "format", "is_published"]
    search_fields = ["title", "theme"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(RequiredModule)
class RequiredModuleAdmin(ReadOnlyAdmin):
    neutral_log = False
    list_display = ["programme", "module"]
    list_filter = ["programme"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """A change of capacity or a cancellation must reach the waiting list and the
    registered buddies: that is the services' job, on the event's pages."""

    neutral_log = False
    list_display = ["title", "kind", "programme", "starts_at", "capacity", "is_cancelled"]
    list_filter = ["kind", "is_cancelled"]
    search_fields = ["title", "theme"]
    date_hierarchy = "starts_at"


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
