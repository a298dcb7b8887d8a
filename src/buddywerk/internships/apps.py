from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InternshipsConfig(AppConfig):
    name = "buddywerk.internships"
    verbose_name = _("Internships and hours")
