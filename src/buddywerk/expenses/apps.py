from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpensesConfig(AppConfig):
    """Volunteer expenses (issue 21, point 4): a buddy's monthly claim under the Belgian
    volunteer rules, decided by the programme's coordinators and paid by bank transfer."""

    name = "buddywerk.expenses"
    label = "expenses"
    verbose_name = _("Volunteer expenses")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from buddywerk.common.receipts import delete_file_on_commit

        from .models import ExpenseLine

        # A deleted line takes its receipt file with it (common/receipts.py).
        post_delete.connect(
            delete_file_on_commit("receipt"),
            sender=ExpenseLine,
            weak=False,
            dispatch_uid="expense_line_receipt_file",
        )
