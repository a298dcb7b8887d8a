from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "buddywerk.common"
    verbose_name = _("Common")

    def ready(self) -> None:
        from .forms import guard_choice_overflow

        guard_choice_overflow()
