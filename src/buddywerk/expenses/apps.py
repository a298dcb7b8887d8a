from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpensesConfig(AppConfig):
    """Volunteer expenses (issue 21, point 4): a buddy's monthly claim under the Belgian
    volunteer rules, decided by the programme's coordinators and paid by bank transfer."""

    name = "buddywerk.expenses"
    label = "expenses"
    verbose_name = _("Volunteer expenses")
