"""The controlled lists of matching."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalStatus(models.TextChoices):
    """Where a proposal stands (see workflow.py)."""

    PENDING = "pending", _("Waiting for the buddy")
    ACCEPTED = "accepted", _("Accepted by the buddy, waiting for the school")
    CONFIRMED = "confirmed", _("Confirmed: the duo started")
    DECLINED = "declined", _("Declined by the buddy")
    REFUSED = "refused", _("Refused by the school or service")
    EXPIRED = "expired", _("Expired without an answer")
    WITHDRAWN = "withdrawn", _("Withdrawn: consent was withdrawn")


# A proposal waiting for an answer: it holds one of the buddy's places and the referral.
OPEN_STATUSES = (ProposalStatus.PENDING, ProposalStatus.ACCEPTED)


class ProposalSource(models.TextChoices):
    SUGGESTION = "suggestion", _("From the suggestions")
    BATCH = "batch", _("From a batch")
