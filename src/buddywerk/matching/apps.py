from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "buddywerk.matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from . import signals

        signals.connect()
