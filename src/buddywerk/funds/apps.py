from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    """Money of a programme (issue 21): study grant funds and grants, the programme's
    income, budget and costs, and the financial report built from them."""

    name = "buddywerk.funds"
    label = "funds"
    verbose_name = _("Funds and grants")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from buddywerk.common.receipts import delete_file_on_commit

        from .models import Cost, GrantReceipt

        # A deleted receipt row takes its file with it (common/receipts.py).
        post_delete.connect(
            delete_file_on_commit("file"),
            sender=GrantReceipt,
            weak=False,
            dispatch_uid="grant_receipt_file",
        )
        post_delete.connect(
            delete_file_on_commit("receipt"),
            sender=Cost,
            weak=False,
            dispatch_uid="cost_receipt_file",
        )

        # The duo's page links to the grant request for those who may ask one.
        from buddywerk.access import policy
        from buddywerk.trajectories.duo_pages import DuoPage, duo_page_register

        duo_page_register(
            DuoPage(
                label=_("Request a study grant"),
                url_name="funds:grant_request",
                allowed=policy.can_request_grant,
            )
        )
