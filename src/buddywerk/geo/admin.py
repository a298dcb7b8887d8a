"""Provinces, municipalities and postcodes: reference data without personal data, loaded
from the official lists (data/SOURCES.md) and corrected here. Nothing is deleted: schools,
services and practices point at them."""

from django.contrib import admin

from buddywerk.common.admin import ReferenceDataAdmin

from .models import Municipality, Postcode, Province

_REASON = (
    "Public reference data (NIS codes, bpost postcodes) without personal data, loaded "
    "from data/ and corrected here when the official lists change."
)


@admin.register(Province)
class ProvinceAdmin(ReferenceDataAdmin):
    reference_reason = _REASON
    list_display = ["code", "name", "region"]


@admin.register(Municipality)
class MunicipalityAdmin(ReferenceDataAdmin):
    reference_reason = _REASON
    list_display = ["nis_code", "name", "province"]
    list_filter = ["province"]
    search_fields = ["name", "name_fr", "nis_code"]


@admin.register(Postcode)
class PostcodeAdmin(ReferenceDataAdmin):
    reference_reason = _REASON
    list_display = ["code", "municipality", "localities"]
    search_fields = ["code", "localities", "municipality__name"]
    list_select_related = ["municipality"]
