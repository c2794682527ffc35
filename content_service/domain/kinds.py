"""Content kinds and who may publish each."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class ContentKind(StrEnum):
    PGC = "PGC"
    UGC = "UGC"
    COMMERCIAL = "COMMERCIAL"


class ContentStatus(StrEnum):
    DRAFT = "DRAFT"
    REVIEW = "REVIEW"
    SCHEDULED = "SCHEDULED"
    PUBLISHED = "PUBLISHED"
    ARCHIVED = "ARCHIVED"
    HIDDEN = "HIDDEN"


# PGC is expert production; COMMERCIAL comes from operators and is always labelled as such to readers.
REQUIRED_ROLE: dict[ContentKind, str | None] = {
    ContentKind.PGC: "EXPERT",
    ContentKind.UGC: None,
    ContentKind.COMMERCIAL: "OPERATOR",
}


def may_publish(kind: ContentKind, roles: Sequence[str]) -> bool:
    required = REQUIRED_ROLE[kind]
    return required is None or required in roles


def normalise_tags(tags: list[str]) -> list[str]:
    """Lower-case, trimmed, de-duplicated, order kept."""
    return list(dict.fromkeys(t.strip().lower() for t in tags if t.strip()))
