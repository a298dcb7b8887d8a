"""Organisations in the admin. Programmes, teacher-training institutions and the other
organisations (regional coordinations, the funder, the umbrella organisation) are set up
here by platform admins, through `organisation_save` (validated, audited with the actor;
the kind never changes). Schools are read-only: a school registers through its own form,
is confirmed or declined on the school registrations page, and its lead invites its
staff. Nothing is deleted here: an organisation carries memberships, duos and figures
(issue 15)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from buddywerk.common.admin import ReadOnlyAdmin, ServiceAdmin

from . import services
from .models import (
    City,
    Organisation,
    OrganisationKind,
    Programme,
    School,
    Service,
    TrainingInstitution,
)

# Kinds with a model (and a page) of their own.
_OWN_PAGE = {
    OrganisationKind.PROGRAMME,
    OrganisationKind.SCHOOL,
    OrganisationKind.TRAINING_INSTITUTION,
    OrganisationKind.CITY,
    OrganisationKind.SERVICE,
}


class OrganisationServiceAdmin(ServiceAdmin):
    """Add and change through `organisation_save`."""

    neutral_log = False  # an organisation is no person

    def service_add(self, request: HttpRequest, obj: Organisation, form: Any) -> Organisation:
        return self.service_change(request, obj, form)

    def service_change(self, request: HttpRequest, obj: Organisation, form: Any) -> Organisation:
        return services.organisation_save(
            actor=request.user,  # type: ignore[arg-type]
            organisation=obj,
            fields={name: form.cleaned_data[name] for name in form.changed_data},
        )


@admin.register(Organisation)
class OrganisationAdmin(OrganisationServiceAdmin):
    """Every organisation is listed (memberships pick theirs here); the kinds with their
    own model (programme, school, training institution) are added on their own page."""

    service_fields = ["name", "province"]
    fields = ["kind", "name", "province"]
    list_display = ["name", "kind", "province"]
    list_filter = ["kind"]
    search_fields = ["name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The kind is chosen once, when the organisation is added.
        return [*super().get_readonly_fields(request, obj), *(["kind"] if obj else [])]

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "kind":
            kwargs["choices"] = [(k, v) for k, v in OrganisationKind.choices if k not in _OWN_PAGE]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Programme)
class ProgrammeAdmin(OrganisationServiceAdmin):
    service_fields = [
        "name",
        "organising_body",
        "province",
        "description",
        "participant_kind",
        "municipalities",
        "target_school_years",
        "buddy_kinds",
        "meeting_modes",
        "contact_email",
        "contact_phone",
        "website",
        "accepts_buddies",
        "accepts_referrals",
        "correction_days",
    ]
    list_display = ["name", "participant_kind", "province", "accepts_buddies", "accepts_referrals"]
    list_filter = ["participant_kind", "accepts_buddies", "accepts_referrals", "province"]
    search_fields = ["name", "organising_body"]
    autocomplete_fields = ["municipalities"]
    fieldsets = [
        (None, {"fields": ["name", "organising_body", "province", "description"]}),
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
        (_("Meetings and notes"), {"fields": ["correction_days"]}),
    ]


@admin.register(TrainingInstitution)
class TrainingInstitutionAdmin(OrganisationServiceAdmin):
    service_fields = ["name", "campus", "province", "municipality"]
    fields = ["name", "campus", "province", "municipality"]
    list_display = ["name", "campus", "municipality"]
    search_fields = ["name", "campus"]
    autocomplete_fields = ["municipality"]


@admin.register(Service)
class ServiceOrganisationAdmin(OrganisationServiceAdmin):
    """Issue 20: services are registered on their own pages (platform admins and regional
    coordinators); the admin shows and changes them through the same audited save."""

    service_fields = [
        "name",
        "service_kind",
        "municipality",
        "contact_email",
        "contact_phone",
        "languages",
    ]
    fields = (
        "name",
        "service_kind",
        "municipality",
        "contact_email",
        "contact_phone",
        "languages",
    )
    list_display = ["name", "service_kind", "municipality"]
    list_filter = ["service_kind"]
    search_fields = ["name", "municipality__name"]
    autocomplete_fields = ["municipality"]


@admin.register(City)
class CityAdmin(OrganisationServiceAdmin):
    """A city's administration: its city_staff members read that municipality's figures
    (issue 14, point 3); staff get their account and role in the user admin."""

    service_fields = ["name", "municipality"]
    fields = ["name", "municipality"]
    list_display = ["name", "municipality"]
    search_fields = ["name", "municipality__name"]
    autocomplete_fields = ["municipality"]


@admin.register(School)
class SchoolAdmin(ReadOnlyAdmin):
    """Holds its care coordinator's name and email until confirmation: read-only."""

    neutral_log = False
    list_display = ["name", "school_number", "level", "municipality", "confirmed_at"]
    list_filter = ["level", "municipality__province"]
    search_fields = ["name", "school_number"]
