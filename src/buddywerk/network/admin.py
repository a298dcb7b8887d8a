"""Admin of the network app: platform admins keep the facet lists, Q&A and local services,
and may read proposals and versions; publishing goes through the moderation pages so that
every decision is logged and versioned."""

from django.contrib import admin

from buddywerk.access.admin import AuditedAdmin

from .models import (
    LocalService,
    PolicyDomain,
    Practice,
    PracticeCategory,
    PracticeSubmission,
    PracticeVersion,
    Question,
    ServiceIntroduction,
    TargetGroup,
)


@admin.register(PracticeCategory, PolicyDomain, TargetGroup)
class VocabularyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "organisation_name", "version", "is_published", "published_at"]
    list_filter = ["is_published", "categories"]
    search_fields = ["title", "organisation_name"]
    readonly_fields = ["version", "published_at"]
    filter_horizontal = ["places"]


@admin.register(PracticeSubmission)
class PracticeSubmissionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "status", "submitter_email", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "submitter_email"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # decisions go through the moderation pages (logged, versioned)


@admin.register(PracticeVersion)
class PracticeVersionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["practice", "number", "published_at", "published_by"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["question", "audience", "last_reviewed_on", "is_published"]
    list_filter = ["audience", "is_published"]
    search_fields = ["question", "answer"]


@admin.register(LocalService)
class LocalServiceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "category", "municipality", "is_active"]
    list_filter = ["category"]
    search_fields = ["name", "municipality__name"]
    autocomplete_fields = ["municipality"]


@admin.register(ServiceIntroduction)
class ServiceIntroductionAdmin(AuditedAdmin):
    """An introduction is about a family: reading it is audited as a view of the family."""

    audit_people = ("family",)
    audit_changelist = True
    list_display = ["service", "programme", "introduced_on"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
