from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    """The follow-up of duos (R11, R12): built on trajectories, which never imports it."""

    name = "buddywerk.followup"
    label = "followup"
    verbose_name = _("Follow-up of the duos")

    def ready(self) -> None:
        # The duo's page links to the follow-up, and a concern's pages send the user back
        # to the follow-up page, which lists the duo's concerns (trajectories/duo_pages.py).
        from buddywerk.trajectories.duo_pages import DuoPage, duo_page_register

        duo_page_register(DuoPage(label=_("Tandem notes"), url_name="followup:tandem"))
        duo_page_register(
            DuoPage(label=_("Follow-up and concerns"), url_name="followup:duo", lists_concerns=True)
        )
