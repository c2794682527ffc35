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


# How much each event says about engagement with the item; impressions are exposure, not engagement.
ENGAGEMENT_WEIGHT: dict[EventType, float] = {
    EventType.IMPRESSION: 0.0,
    EventType.OPEN: 1.0,
    EventType.CLICK: 1.0,
    EventType.DWELL: 1.5,
    EventType.VOTE: 2.0,
    EventType.BULLET_COMMENT: 2.0,
    EventType.SHARE: 3.0,
}
