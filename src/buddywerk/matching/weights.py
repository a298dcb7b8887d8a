"""A programme's matching weights and the score scale: pure Python, no numpy.

Kept apart from engine.py so that the models (and so every `buddywerk` command and web
worker at start-up) do not load numpy, scipy and OR-tools; engine.py re-exports both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

MAX_SCORE: Final = 1000


@dataclass(frozen=True, slots=True)
class Weights:
    """A programme's weights: points per score part out of 1000, and how each part is scaled.

    The part weights must add up to 1000, so the parts of a score add up to the score. The
    last three (issue 21) are 0 unless a mentor or role-model programme weighs them.
    """

    distance: int = 300
    slots: int = 150
    needs: int = 250
    language: int = 100
    fit: int = 200
    # issue 21: a mentor's sector is the sector of the pupil's dream
    sector: int = 0
    # issue 21: a role model walked the pupil's study track themselves
    track: int = 0
    # issue 21: a role model's path tags cover the tags asked for the pupil
    tags: int = 0
    # full distance points at 0 km, none from this distance on (in-person meetings)
    distance_scale_km: float = 20.0
    # distance points for a pair that meets online (distance plays no role there)
    online_percent: int = 50
    # shared weekly slots that earn all slot points
    slots_full: int = 3
    # R3: fit in percent for a junior / an expert, by demand (0 simple, 1 normal, 2 demanding);
    # demand = complexity (low 0, normal 1, high 2), one higher when urgency is 3.
    junior_fit: tuple[int, int, int] = (100, 80, 30)
    expert_fit: tuple[int, int, int] = (60, 90, 100)
    # batch only: each urgency step above 1 weighs a referral's score this many percent more.
    # It never changes how many referrals are matched, only which ones and with whom.
    urgency_percent: int = 0

    def __post_init__(self) -> None:
        parts = self.parts()
        if any(p < 0 for p in parts) or sum(parts) != MAX_SCORE:
            raise ValueError("the score weights must be >= 0 and add up to 1000")
        if self.distance_scale_km <= 0 or self.slots_full < 1:
            raise ValueError("distance_scale_km must be > 0 and slots_full >= 1")
        if not 0 <= self.online_percent <= 100 or self.urgency_percent < 0:
            raise ValueError("online_percent must be 0..100 and urgency_percent >= 0")
        for table in (self.junior_fit, self.expert_fit):
            if len(table) != 3 or not all(0 <= p <= 100 for p in table):
                raise ValueError("fit tables hold three percentages 0..100")

    def parts(self) -> tuple[int, int, int, int, int, int, int, int]:
        """The part weights, in the engine's SCORE_PARTS order."""
        return (
            self.distance,
            self.slots,
            self.needs,
            self.language,
            self.fit,
            self.sector,
            self.track,
            self.tags,
        )

    def urgency_multiplier(self, urgency: int) -> int:
        return 100 + self.urgency_percent * (urgency - 1)
