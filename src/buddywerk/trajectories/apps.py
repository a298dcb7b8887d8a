from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrajectoriesConfig(AppConfig):
    name = "buddywerk.trajectories"
    verbose_name = _("Trajectories")

    def ready(self) -> None:
        # The follow-up keeps its admin in its own module (followup_admin.py).
        from . import followup_admin  # noqa: F401
