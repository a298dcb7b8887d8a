from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "buddywerk.reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from . import input_version

        input_version.connect()
