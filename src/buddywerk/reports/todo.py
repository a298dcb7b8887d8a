"""The home page's to-do list (issue 16, point 6), assembled from each app's `todo.py`
per role the user holds: the buddy, the school (or service) and the programme
coordinator. Mail stays a reminder; this list is where a person sees what waits for them.

Each app's items start from the policy's scoped querysets and narrow them to the reader's
own side, so an outsider of the same role never sees another's items. The number of
queries is fixed per role (tests/reports/test_todo.py counts them)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from buddywerk.access import policy
from buddywerk.access.models import Role, User
from buddywerk.access.policy import AnyUser
from buddywerk.buddies import todo as buddies_todo
from buddywerk.buddies.models import Buddy
from buddywerk.common.todo import TodoItem
from buddywerk.followup import todo as followup_todo
from buddywerk.learning import todo as learning_todo
from buddywerk.matching import todo as matching_todo
from buddywerk.referrals import todo as referrals_todo
from buddywerk.trajectories import todo as trajectories_todo


@dataclass(frozen=True)
class TodoList:
    """The items, and whether the user holds a role with a to-do list at all (a funder
    gets no empty list)."""

    items: list[TodoItem] = field(default_factory=list)
    shown: bool = False


def _buddy(user: User) -> list[TodoItem | None]:
    items: list[TodoItem | None] = [
        *matching_todo.for_buddy(user),
        *trajectories_todo.for_buddy(user),
        *followup_todo.for_buddy(user),
    ]
    buddy = Buddy.objects.filter(user_id=user.pk).first()
    if buddy is not None:
        programmes = list(buddy.programmes.order_by("name"))
        items += learning_todo.for_buddy(buddy, [p.pk for p in programmes])
        items += buddies_todo.for_buddy(buddy, programmes, timezone.localdate())
    return items


def _school(user: User) -> list[TodoItem | None]:
    return [
        *matching_todo.for_school(user),
        *trajectories_todo.for_school(user),
        *followup_todo.for_school(user),
    ]


def _coordinator(user: User) -> list[TodoItem | None]:
    return [
        *referrals_todo.for_coordinator(user),
        *matching_todo.for_coordinator(user),
        *trajectories_todo.for_coordinator(user),
        *followup_todo.for_coordinator(user),
        *buddies_todo.for_coordinator(user),
    ]


ROLES: list[tuple[str, Callable[[User], list[TodoItem | None]]]] = [
    (Role.PROGRAMME_COORDINATOR, _coordinator),
    (Role.SCHOOL_STAFF, _school),
    # Issue 20: a service's staff follow the families they referred as a school does.
    (Role.SERVICE_STAFF, _school),
    (Role.BUDDY, _buddy),
]


def todo_for(user: AnyUser) -> TodoList:
    """Everything on the user's to-do list, one role after the other (the order of the
    home page's panels)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return TodoList()
    roles = policy.roles_of(user)
    builders = [build for role, build in ROLES if role in roles]
    items = [item for build in builders for item in build(user) if item is not None]
    return TodoList(items=items, shown=bool(builders))
