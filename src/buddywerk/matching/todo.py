"""The to-do items of matching (issue 16, point 6): a proposal waiting for the buddy's
answer, a buddy's yes waiting for the school's confirmation, and the coordinator's open
proposals. Scoped by the policy's proposal queryset: nobody sees another's items."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import ngettext

from buddywerk.access import policy
from buddywerk.access.models import User
from buddywerk.common.todo import TodoItem, todo_item

from .enums import OPEN_STATUSES, ProposalStatus
from .models import Proposal


def _visible(user: User) -> QuerySet[Proposal]:
    return policy.proposals_visible_to(user, Proposal.objects.all())


def _detail(uuid: object) -> str:
    return reverse("matching:proposal_detail", args=[uuid])


def for_buddy(user: User) -> list[TodoItem | None]:
    """Proposals made to the buddy that wait for their yes or no."""
    pending = (
        _visible(user)
        .filter(buddy__user_id=user.pk, status=ProposalStatus.PENDING)
        .order_by("due_at", "id")
        .values_list("uuid", flat=True)
    )
    return [
        todo_item(
            pending,
            label=lambda n: (
                ngettext(
                    "%(count)s proposal waits for your answer",
                    "%(count)s proposals wait for your answer",
                    n,
                )
                % {"count": n}
            ),
            one=_detail,
            many=reverse("matching:my_proposals"),
        )
    ]


def for_school(user: User) -> list[TodoItem | None]:
    """A buddy said yes to a proposal for one of the school's referrals: the school
    confirms (R4)."""
    schools = policy.referrer_organisation_ids(user)
    accepted = (
        _visible(user)
        .filter(referral__referrer_id__in=schools, status=ProposalStatus.ACCEPTED)
        .order_by("due_at", "id")
        .values_list("uuid", flat=True)
    )
    return [
        todo_item(
            accepted,
            label=lambda n: (
                ngettext(
                    "%(count)s buddy said yes: please confirm the proposal",
                    "%(count)s buddies said yes: please confirm the proposals",
                    n,
                )
                % {"count": n}
            ),
            one=_detail,
            many=reverse("matching:my_proposals"),
        )
    ]


def for_coordinator(user: User) -> list[TodoItem | None]:
    """The programme's proposals that nobody answered yet (buddy or school)."""
    waiting = (
        _visible(user)
        .filter(programme_id__in=policy.matching_programme_ids(user), status__in=OPEN_STATUSES)
        .order_by("due_at", "id")
        .values_list("uuid", flat=True)
    )
    return [
        todo_item(
            waiting,
            label=lambda n: (
                ngettext(
                    "%(count)s proposal waits for an answer",
                    "%(count)s proposals wait for an answer",
                    n,
                )
                % {"count": n}
            ),
            one=_detail,
            many=reverse("matching:home"),
        )
    ]
