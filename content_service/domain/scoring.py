"""The content-star score: engagement times quality, per piece, summed per member."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

# Engagement weights: a share says most, a comment more than a vote (no playbook figure; see docs/content.md).
WEIGHTS = {"up": 1.0, "comments": 2.0, "bullets": 1.0, "shares": 3.0}


@dataclass(frozen=True)
class Winner:
    member_id: str
    score: float
    best_content_id: str
    rank: int


def piece_score(stats: dict[str, int]) -> float:
    """engagement x quality; quality = (up + 1) / (up + down + 2), the Laplace-smoothed approval."""
    engagement = sum(WEIGHTS[k] * stats.get(k, 0) for k in WEIGHTS)
    quality = (stats.get("up", 0) + 1) / (stats.get("up", 0) + stats.get("down", 0) + 2)
    return round(engagement * quality, 6)


def pick_winners(pieces: list[tuple[str, str, dict[str, int]]], n: int) -> list[Winner]:
    """pieces: (member id, content id, stats). Ties go to the smaller member id, so a re-run picks the same."""
    totals: dict[str, float] = {}
    best: dict[str, tuple[float, str]] = {}
    for member_id, content_id, stats in pieces:
        score = piece_score(stats)
        totals[member_id] = totals.get(member_id, 0.0) + score
        if member_id not in best or (score, content_id) > best[member_id]:
            best[member_id] = (score, content_id)
    ranked = sorted(((s, m) for m, s in totals.items() if s > 0), key=lambda sm: (-sm[0], sm[1]))[:n]
    return [Winner(m, round(s, 4), best[m][1], i + 1) for i, (s, m) in enumerate(ranked)]


def split_budget(budget_minor: int, winners: int) -> list[int]:
    """Equal shares in integer minor units; the remainder (under one unit per winner) goes to the top ranks."""
    if winners == 0:
        return []
    share, remainder = divmod(budget_minor, winners)
    return [share + (1 if i < remainder else 0) for i in range(winners)]


def month_bounds(month: str) -> tuple[datetime, datetime]:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise ValueError("month is YYYY-MM")
    year, mon = int(month[:4]), int(month[5:])
    if not 1 <= year <= 9998:  # datetime covers years 1..9999 and the month's end must fit too
        raise ValueError("month is out of range")
    start = datetime(year, mon, 1, tzinfo=UTC)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=UTC)
    return start, end
