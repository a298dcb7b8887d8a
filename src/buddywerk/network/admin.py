"""The network app in the admin. The facet vocabularies and the sociale kaart are reference
data kept here; a Q&A question is written through `question_save`, as on the Q&A page.
Practice sheets change only through the moderation pages (every decision logged, every
publication a version); proposals, versions and service introductions are read-only.
Nothing is deleted here (issue 15; a practice sheet is unpublished, a service made
inactive)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from buddywerk.common.admin import (
    AuditedReadOnlyAdmin,
    ReadOnlyAdmin,
    ReferenceDataAdmin,
    ServiceAdmin,
)

from . import services
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
class VocabularyAdmin(ReferenceDataAdmin):
    reference_reason = (
        "The facets of the practice database (R15): a word list without personal data, "
        "kept by the umbrella organisation. Sheets share a term: it is renamed, never deleted."
    )
    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(LocalService)
class LocalServiceAdmin(ReferenceDataAdmin):
    reference_reason = (
        "The sociale kaart [004]: public contact points of organisations (a library, an "
        "OCMW), no private person; the application has no page to edit it. A service that "
        "stops is made inactive, not deleted (introductions keep pointing at it)."
    )
    list_display = ["name", "category", "municipality", "is_active"]
    list_filter = ["category"]
    search_fields = ["name", "municipality__name"]
    autocomplete_fields = ["municipality"]


@admin.register(Question)
class QuestionAdmin(ServiceAdmin):
    """R14: the same service as the Q&A page (validation, search stems, review date, audit)."""

    neutral_log = False
    service_fields = ["audience", "question", "answer", "position", "is_published"]
    fields = [*service_fields, "last_reviewed_on"]
    readonly_fields = ["last_reviewed_on"]  # saving is the review (question_save)
    list_display = ["question", "audience", "last_reviewed_on", "is_published"]
    list_filter = ["audience", "is_published"]
    search_fields = ["question", "answer"]

    def service_add(self, request: HttpRequest, obj: Question, form: Any) -> Question:
        return self.service_change(request, obj, form)

    def service_change(self, request: HttpRequest, obj: Question, form: Any) -> Question:
        return services.question_save(
            actor=request.user,  # type: ignore[arg-type]
            question=obj,
            fields=self.form_values(form),
        )


@admin.register(Practice)
class PracticeAdmin(ReadOnlyAdmin):
    """Published sheets change through the moderation pages only (a proposal, then a new
    version); an edit here would skip the version and the search index."""

    neutral_log = False
    list_display = ["title", "organisation_name", "version", "is_published", "published_at"]
    list_filter = ["is_published", "categories"]
    search_fields = ["title", "organisation_name"]


@admin.register(PracticeSubmission)
class PracticeSubmissionAdmin(ReadOnlyAdmin):
    """A proposal holds its submitter's name and email; it is decided on the moderation
    pages (the submission workflow: logged, mailed, versioned)."""

    list_display = ["title", "status", "submitter_email", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "submitter_email"]


@admin.register(PracticeVersion)
class PracticeVersionAdmin(ReadOnlyAdmin):
    neutral_log = False
    list_display = ["practice", "number", "published_at", "published_by"]


@admin.register(ServiceIntroduction)
class ServiceIntroductionAdmin(AuditedReadOnlyAdmin):
    """An introduction is about a family: reading it is audited as a view of the family.
    The family's buddy records it in the application."""

    audit_people = ("family",)
    audit_changelist = True
    list_display = ["service", "programme", "introduced_on"]
