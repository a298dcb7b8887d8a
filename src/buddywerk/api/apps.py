from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "buddywerk.api"
    verbose_name = _("API")

    def ready(self) -> None:
        from buddywerk.common.workflow import transition_listen

        from .webhooks import on_transition

        # A referral's or duo's status change queues the school's webhook event (issue 18).
        transition_listen(on_transition)
