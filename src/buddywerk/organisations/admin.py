from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Organisation, Programme, School, TrainingInstitution


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "kind", "province"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "participant_kind", "province", "accepts_buddies", "accepts_referrals"]
    list_filter = ["participant_kind", "accepts_buddies", "accepts_referrals", "province"]
    search_fields = ["name", "organising_body"]
    autocomplete_fields = ["municipalities"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "organising_body", "province", "description"]}),
        (
            _("Who and where"),
            {
                "fields": [
                    "participant_kind",
                    "municipalities",
                    "target_school_years",
                    "buddy_kinds",
                    "meeting_modes",
                ]
            },
        ),
        (_("Contact"), {"fields": ["contact_email", "contact_phone", "website"]}),
        (_("Now open for"), {"fields": ["accepts_buddies", "accepts_referrals"]}),
    ]


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
