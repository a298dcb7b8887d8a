"""Belgian reference geography: provinces, municipalities (NIS codes) and postcodes.

Loaded from the CSV files in data/ (see data/SOURCES.md) by the `load_geography` command,
which the demo and the tests run; the data is the 2025 municipal map.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from buddywerk.common.fields import ProtectedKey


class Region(models.TextChoices):
    FLANDERS = "VLG", _("Flemish Region")
    BRUSSELS = "BRU", _("Brussels-Capital Region")
    WALLONIA = "WAL", _("Walloon Region")


class Province(models.Model):
    """A province, or the Brussels-Capital Region, which plays that part for Buddywerk."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=80)
    region = models.CharField(_("region"), max_length=3, choices=Region.choices)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MunicipalityQuerySet(models.QuerySet["Municipality"]):
    def served(self) -> "MunicipalityQuerySet":
        """Municipalities of Flanders and Brussels, where Buddywerk's programmes work."""
        return self.filter(province__region__in=[Region.FLANDERS, Region.BRUSSELS])


class Municipality(models.Model):
    nis_code = models.CharField(_("NIS code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=80, db_index=True)
    name_fr = models.CharField(_("French name"), max_length=80)
    province = ProtectedKey(Province, _("province"), related_name="municipalities")
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    language_regime = models.CharField(_("language regime"), max_length=2)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Postcode(models.Model):
    code = models.CharField(_("postcode"), max_length=4, primary_key=True)
    municipality = ProtectedKey(Municipality, _("municipality"), related_name="postcodes")
    localities = models.CharField(_("localities"), max_length=400)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))

    class Meta:
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.municipality.name}"
