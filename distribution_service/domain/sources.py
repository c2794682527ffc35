"""Candidate sources: why an item was offered to a member (shown with each feed item)."""

from __future__ import annotations

from enum import StrEnum


class Source(StrEnum):
    RECENT = "RECENT"
    BOOSTED = "BOOSTED"
    TOPIC = "TOPIC"
    FOLLOWED = "FOLLOWED"
    AFFINE = "AFFINE"
