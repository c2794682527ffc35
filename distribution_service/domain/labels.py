"""Graded relevance from interaction events: what a member did with an item, as a label LightGBM can rank by."""

from __future__ import annotations

import numpy as np

from distribution_service.domain.honeycomb import EventType

# A dwell at least this long counts as reading, not a glance (grade 2 instead of 1).
LONG_DWELL_MS = 30_000

# 0 delivered or shown only, 1 opened or clicked, 2 voted, commented or read at length, 3 shared (or answered).
GRADE: dict[EventType, int] = {
    EventType.IMPRESSION: 0,
    EventType.OPEN: 1,
    EventType.CLICK: 1,
    EventType.DWELL: 1,
    EventType.VOTE: 2,
    EventType.BULLET_COMMENT: 2,
    EventType.SHARE: 3,
    # Imported engagement: answering is the strongest contribution to a thread; commenting, favouriting
    # and accepting an answer are interaction; a downvote is attention, not a positive.
    EventType.ANSWER: 3,
    EventType.COMMENT: 2,
    EventType.FAVORITE: 2,
    EventType.ACCEPT: 2,
    EventType.DOWNVOTE: 0,
}
MAX_GRADE = 3
# LightGBM's gain per grade: 2^grade - 1, the usual exponential gain of NDCG, so a share outweighs 7 opens.
LABEL_GAIN: list[float] = [float(2**g - 1) for g in range(MAX_GRADE + 1)]


def grade(event_type: EventType, dwell_ms: int | None = None) -> int:
    if event_type is EventType.DWELL and dwell_ms is not None and dwell_ms >= LONG_DWELL_MS:
        return 2
    return GRADE[event_type]


def grades(types: list[str], dwell_ms: list[int | None]) -> np.ndarray:
    return np.array([grade(EventType(t), d) for t, d in zip(types, dwell_ms, strict=True)], dtype=np.int32)
