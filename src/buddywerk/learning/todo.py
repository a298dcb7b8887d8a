"""The buddy's to-do items of the academy (issue 13, point 4 and issue 16, point 6): the
modules the buddy's programmes require before a first duo, or before a duo with a minor,
each linking to the module. Three queries, whatever the number of programmes (the same
rule as `selectors.modules_still_to_do`, for all the buddy's programmes at once)."""

from django.urls import reverse
from django.utils.translation import gettext

from buddywerk.buddies.models import Buddy
from buddywerk.common.todo import TodoItem

from .models import ModuleCompletion, RequiredModule


def for_buddy(buddy: Buddy, programme_ids: list[int]) -> list[TodoItem]:
    from buddywerk.trajectories.models import Trajectory

    if not programme_ids:
        return []
    required = list(
        RequiredModule.objects.filter(programme_id__in=programme_ids)
        .select_related("module", "programme")
        .order_by("programme__name", "module__position", "module__title")
    )
    if not required:
        return []
    done = set(
        ModuleCompletion.objects.filter(
            buddy=buddy, module_id__in=[r.module_id for r in required]
        ).values_list("module_id", flat=True)
    )
    had_duo = Trajectory.objects.filter(buddy=buddy).exists()
    items: list[TodoItem] = []
    for first_only in (True, False):
        for r in required:
            if r.module_id in done or r.for_minors == first_only or (first_only and had_duo):
                continue
            names = {"module": r.module.title, "programme": r.programme.name}
            text = (
                gettext(
                    "Complete the module “%(module)s”: %(programme)s asks it before your first duo."
                )
                if first_only
                else gettext(
                    "Complete the module “%(module)s”: %(programme)s asks it before a duo "
                    "with a minor."
                )
            )
            link = reverse("learning:module_detail", args=[r.module.slug])
            items.append(TodoItem(label=text % names, count=1, link=link))
    return items
