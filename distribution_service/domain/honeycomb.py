"""The honeycomb's axes: golden time slots, decision scenes, and the interaction events that feed ranking."""

from __future__ import annotations

from enum import StrEnum


class Slot(StrEnum):
    MORNING = "MORNING"
    NOON = "NOON"
    EVENING = "EVENING"


class Scene(StrEnum):
    BEFORE_DECISION = "BEFORE_DECISION"
    DURING_DECISION = "DURING_DECISION"
    AFTER_DECISION = "AFTER_DECISION"


class EventType(StrEnum):
    IMPRESSION = "IMPRESSION"
    OPEN = "OPEN"
    CLICK = "CLICK"
    DWELL = "DWELL"
    SHARE = "SHARE"
    VOTE = "VOTE"
    BULLET_COMMENT = "BULLET_COMMENT"
    # Engagement that imported communities (Stack Exchange) carry.
    ANSWER = "ANSWER"
    COMMENT = "COMMENT"
    FAVORITE = "FAVORITE"
    ACCEPT = "ACCEPT"
    DOWNVOTE = "DOWNVOTE"


# How much each event says about engagement with the item; impressions are exposure, not engagement.
ENGAGEMENT_WEIGHT: dict[EventType, float] = {
    EventType.IMPRESSION: 0.0,
    EventType.OPEN: 1.0,
    EventType.CLICK: 1.0,
    EventType.DWELL: 1.5,
    EventType.VOTE: 2.0,
    EventType.BULLET_COMMENT: 2.0,
    EventType.SHARE: 3.0,
    # Imported engagement. Answering is the strongest contribution to a thread; accepting an answer marks it as the one
    # that solved it; a favourite is a save. A downvote is counted (counts.DOWNVOTE) but adds no engagement:
    # engagement stays non-negative (the heuristic takes its log) and quality is the ranker's business.
    EventType.ANSWER: 3.0,
    EventType.COMMENT: 2.0,
    EventType.FAVORITE: 2.5,
    EventType.ACCEPT: 3.0,
    EventType.DOWNVOTE: 0.0,
}
