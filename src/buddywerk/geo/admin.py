from django.contrib import admin

from .models import Municipality, Postcode, Province


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "region"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["nis_code", "name", "province"]
    list_filter = ["province"]
    search_fields = ["name", "name_fr", "nis_code"]


@admin.register(Postcode)
class PostcodeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "municipality", "localities"]
    search_fields = ["code", "localities", "municipality__name"]
    list_select_related = ["municipality"]
