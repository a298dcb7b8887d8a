from django.contrib import admin

from .models import Organisation, Programme, School, TrainingInstitution


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "kind", "province"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "participant_kind", "accepts_buddies", "accepts_referrals"]
    search_fields = ["name"]
    autocomplete_fields = ["municipalities"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "school_number", "level", "municipality", "confirmed_at"]
    list_filter = ["level", "municipality__province"]
    search_fields = ["name", "school_number"]
    raw_id_fields = ["postcode", "municipality"]


@admin.register(TrainingInstitution)
class TrainingInstitutionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "campus", "municipality"]
    search_fields = ["name", "campus"]
