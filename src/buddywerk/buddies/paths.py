"""A mentor's or role model's own path as pages show it (issue 21).

What the buddy filled in on "My path": sector, trade, the study tracks they followed, the
programme's path tags they chose and their story. Who may see it is decided by
`policy.can_see_buddy_path`; this module only reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from buddywerk.common.vocabulary import Sector, StudyTrack

from .models import Buddy

PATH_ONLY_FIELDS = ("pk", "uuid", "sector", "trade", "background", "path_tracks", "path_tags")


@dataclass(frozen=True)
class BuddyPath:
    sector: str
    trade: str
    tracks: list[str]
    tags: list[str]
    story: str


def buddy_path(buddy: Buddy) -> BuddyPath | None:
    """The buddy's path with readable labels; None when they filled in nothing."""
    tracks = [str(StudyTrack(code).label) for code in buddy.path_tracks or [] if code in StudyTrack]
    path = BuddyPath(
        sector=str(Sector(buddy.sector).label) if buddy.sector in Sector else "",
        trade=buddy.trade,
        tracks=tracks,
        tags=[str(tag) for tag in buddy.path_tags or []],
        story=buddy.background,
    )
    if not (path.sector or path.trade or path.tracks or path.tags or path.story):
        return None
    return path


def buddies_with_path(uuids: Iterable[str]) -> dict[str, Buddy]:
    """The buddies behind a list of uuids, with only the path's fields, in one query."""
    keys = [str(uuid) for uuid in uuids]
    if not keys:
        return {}
    rows = Buddy.objects.filter(uuid__in=keys).only(*PATH_ONLY_FIELDS, "path_shown_to")
    return {str(buddy.uuid): buddy for buddy in rows}
