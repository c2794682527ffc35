"""Net Promoter Score. Pure functions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

PROMOTER_MIN = 9
DETRACTOR_MAX = 6


@dataclass(frozen=True)
class NpsScore:
    responses: int
    promoters: int
    passives: int
    detractors: int

    @property
    def nps(self) -> float | None:
        """% promoters minus % detractors, -100..100, one decimal; None without responses."""
        if not self.responses:
            return None
        return round(100.0 * (self.promoters - self.detractors) / self.responses, 1)


def tally(scores: Iterable[int]) -> NpsScore:
    promoters = passives = detractors = 0
    for score in scores:
        if score >= PROMOTER_MIN:
            promoters += 1
        elif score <= DETRACTOR_MAX:
            detractors += 1
        else:
            passives += 1
    return NpsScore(promoters + passives + detractors, promoters, passives, detractors)
