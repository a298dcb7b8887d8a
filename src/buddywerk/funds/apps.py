from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    """Money of a programme (issue 21): study grant funds and grants, the programme's
    income, budget and costs, and the financial report built from them."""

    name = "buddywerk.funds"
    label = "funds"
    verbose_name = _("Funds and grants")
