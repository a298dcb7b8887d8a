from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Children's data from consent to erasure (R18, issue 15): the retention schedule and
    the programmes' shorter periods."""

    name = "buddywerk.privacy"
    label = "privacy"
    verbose_name = _("Privacy")
