"""Pages that the apps built on trajectories add to a duo.

trajectories never imports the apps that depend on it (the follow-up, buddywerk.followup):
they register their pages here from their AppConfig.ready. The duo's page links to every
registered page, and the concern pages send the user back to the page that lists the duo's
concerns, or to the duo's own page when no app lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.functional import Promise

if TYPE_CHECKING:
    from .models import Trajectory


@dataclass(frozen=True)
class DuoPage:
    """A page of one duo: `url_name` takes the duo's `trajectory_uuid`. `allowed` (a
    policy predicate of the user and the duo) hides the link from those the page refuses;
    without it, everyone who sees the duo gets the link."""

    label: str | Promise
    url_name: str
    lists_concerns: bool = False
    allowed: Callable[[Any, Trajectory], bool] | None = None


_pages: list[DuoPage] = []


def duo_page_register(page: DuoPage) -> None:
    """Add `page` to every duo's page (once, in the order of registration)."""
    if page not in _pages:
        _pages.append(page)


def _url(page: DuoPage, trajectory: Trajectory) -> str:
    return reverse(page.url_name, kwargs={"trajectory_uuid": trajectory.uuid})


def duo_links(trajectory: Trajectory, user: Any = None) -> list[tuple[str, str]]:
    """(label, url) of every page registered for a duo that `user` may open, for its
    page's navigation."""
    return [
        (str(page.label), _url(page, trajectory))
        for page in _pages
        if page.allowed is None or (user is not None and page.allowed(user, trajectory))
    ]


def concerns_page_url(trajectory: Trajectory) -> str:
    """Where the duo's concerns are listed: the registered page that lists them, else the
    duo's own page."""
    for page in _pages:
        if page.lists_concerns:
            return _url(page, trajectory)
    return reverse("trajectories:detail", kwargs={"trajectory_uuid": trajectory.uuid})
