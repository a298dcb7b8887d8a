from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "buddywerk.mail"
    verbose_name = _("Mail")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the SITE_URL checks
