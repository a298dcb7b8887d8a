"""The status filters of the referral lists (django-filter): one rule for the pages
"Aanmeldingen" and "Wachtrij" and for the API's lists."""

import django_filters

from .enums import QUEUE_STATUSES
from .models import Referral, ReferralStatus


class ReferralFilter(django_filters.FilterSet):
    """The referrer's list: any status."""

    status = django_filters.ChoiceFilter(choices=ReferralStatus.choices)

    class Meta:
        model = Referral
        fields: list[str] = []


class QueueFilter(django_filters.FilterSet):
    """The programme's queue: only the statuses a queue holds."""

    status = django_filters.ChoiceFilter(
        choices=[(s, ReferralStatus(s).label) for s in QUEUE_STATUSES]
    )

    class Meta:
        model = Referral
        fields: list[str] = []
