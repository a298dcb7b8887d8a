"""URL helpers shared by the apps' urls.py."""

from collections.abc import Sequence
from types import ModuleType

from django.urls import URLPattern, path


def actions(
    prefix: str, views: ModuleType, stem: str, names: Sequence[str], named: str | None = None
) -> list[URLPattern]:
    """The endpoints of one object's actions (one POST endpoint per action):
    `<prefix><name>/` runs `views.<stem>_<name>` and is named `<named><name>` (`named` is
    `<stem>_` unless given)."""
    named = f"{stem}_" if named is None else named
    return [
        path(f"{prefix}{name}/", getattr(views, f"{stem}_{name}"), name=f"{named}{name}")
        for name in names
    ]
