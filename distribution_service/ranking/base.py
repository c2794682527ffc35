"""The interface every ranker implements, and the data it ranks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from distribution_service.domain.honeycomb import Scene, Slot


@dataclass(frozen=True, slots=True)
class Candidate:
    content_id: str
    kind: str
    author_id: str | None
    tags: tuple[str, ...]
    published_at: datetime
    engagement: float = 0.0
    impressions: int = 0
    seen_by_member: bool = False


@dataclass(frozen=True, slots=True)
class RankingContext:
    community_id: str
    member_id: str
    slot: Slot
    scene: Scene
    now: datetime


@dataclass(frozen=True, slots=True)
class Scored:
    content_id: str
    score: float
    # Each feature's contribution to the score, so "why did I get this?" has an answer.
    contributions: dict[str, float] = field(default_factory=dict)


class Ranker(Protocol):
    version: str

    def rank(self, candidates: list[Candidate], context: RankingContext) -> list[Scored]:
        """Candidates best first, each with its score and the contributions that make it up."""
        ...
