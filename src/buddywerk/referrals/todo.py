"""The coordinator's to-do items of the queue (issue 16, point 6): new referrals to decide
on, and accepted referrals that wait for a buddy (no open proposal)."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import ngettext

from buddywerk.access import policy
from buddywerk.access.models import Role, User
from buddywerk.common.todo import TodoItem, tally, todo_count
from buddywerk.matching.enums import OPEN_STATUSES as OPEN_PROPOSAL_STATUSES
from buddywerk.matching.models import Proposal

from .enums import ReferralStatus
from .models import Referral


def for_coordinator(user: User) -> list[TodoItem | None]:
    programmes = policy.organisation_ids(user, Role.PROGRAMME_COORDINATOR)
    if not programmes:
        return []
    queue = policy.referrals_visible_to(user, Referral.objects.all()).filter(
        programme_id__in=programmes
    )
    # Both items in one query: their counts, and the referral when there is only one.
    items = tally(
        queue,
        "uuid",
        to_decide=Q(status=ReferralStatus.SUBMITTED),
        no_buddy=Q(status=ReferralStatus.ACCEPTED)
        & ~Q(
            Exists(
                Proposal.objects.filter(referral=OuterRef("pk"), status__in=OPEN_PROPOSAL_STATUSES)
            )
        ),
    )
    return [
        todo_count(
            *items["to_decide"],
            label=lambda n: (
                ngettext(
                    "%(count)s new referral to decide on", "%(count)s new referrals to decide on", n
                )
                % {"count": n}
            ),
            one=lambda uuid: reverse("referrals:decide", args=[uuid]),
            many=reverse("referrals:queue") + f"?status={ReferralStatus.SUBMITTED.value}",
        ),
        todo_count(
            *items["no_buddy"],
            label=lambda n: (
                ngettext(
                    "%(count)s referral waits for a buddy",
                    "%(count)s referrals wait for a buddy",
                    n,
                )
                % {"count": n}
            ),
            one=lambda uuid: reverse("matching:referral_suggestions", args=[uuid]),
            many=reverse("matching:home"),
        ),
    ]
