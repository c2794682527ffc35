"""The content lifecycle: draft → review → scheduled → published → archived or hidden, and who may move it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from content_service.domain.kinds import ContentKind, ContentStatus


class Action(StrEnum):
    SUBMIT = "SUBMIT"
    APPROVE = "APPROVE"
    REJECT = "REJECT"
    PUBLISH = "PUBLISH"
    ARCHIVE = "ARCHIVE"
    HIDE = "HIDE"
    UNHIDE = "UNHIDE"


S = ContentStatus
# Which statuses each action applies to. APPROVE and PUBLISH land on SCHEDULED when a future time is given.
ALLOWED_FROM: dict[Action, frozenset[ContentStatus]] = {
    Action.SUBMIT: frozenset({S.DRAFT}),
    Action.APPROVE: frozenset({S.REVIEW}),
    Action.REJECT: frozenset({S.REVIEW}),
    Action.PUBLISH: frozenset({S.DRAFT, S.SCHEDULED}),
    Action.ARCHIVE: frozenset({S.PUBLISHED, S.SCHEDULED, S.DRAFT}),
    Action.HIDE: frozenset({S.PUBLISHED, S.SCHEDULED, S.REVIEW, S.ARCHIVED}),
    Action.UNHIDE: frozenset({S.HIDDEN}),
}
# Actions only an operator (moderator) may take; the author may take the others on their own content.
OPERATOR_ACTIONS = frozenset({Action.APPROVE, Action.REJECT, Action.HIDE, Action.UNHIDE})
TIER_ORDER = (
    "POTENTIAL",
    "NEW",
    "CASUAL",
    "ACTIVE",
    "ACTIVE_CONTRIBUTOR",
    "KOC",
    "EXPERT",
    "CORE",
    "AMBASSADOR",
)


@dataclass(frozen=True)
class ReviewPolicy:
    review_required: dict[str, bool]
    ugc_review_below_tier: str | None
    blocked_words: tuple[str, ...]


def flagged_words(text: str, blocked_words: Sequence[str]) -> list[str]:
    """The blocked words found in `text`, whole words, case-insensitive."""
    found = []
    for word in blocked_words:
        if word and re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, flags=re.IGNORECASE):
            found.append(word)
    return found


def review_reasons(policy: ReviewPolicy, *, kind: ContentKind, author_tier: str, text: str) -> list[str]:
    """Why a new piece must go to review first; empty means it may publish at once."""
    reasons = []
    if policy.review_required.get(kind.value, False):
        reasons.append(f"{kind.value} content is reviewed in this community")
    below = policy.ugc_review_below_tier
    if kind == ContentKind.UGC and below and TIER_ORDER.index(author_tier) < TIER_ORDER.index(below):
        reasons.append(f"UGC from members below {below} is reviewed")
    words = flagged_words(text, policy.blocked_words)
    if words:
        reasons.append("the text filter flagged: " + ", ".join(words))
    return reasons


def initial_status(*, draft: bool, needs_review: bool, publish_at: datetime | None, now: datetime) -> ContentStatus:
    if draft:
        return S.DRAFT
    if needs_review:
        return S.REVIEW
    if publish_at and publish_at > now:
        return S.SCHEDULED
    return S.PUBLISHED


def target_status(action: Action, *, publish_at: datetime | None, now: datetime, needs_review: bool) -> ContentStatus:
    """Where `action` takes content (its current status already checked against ALLOWED_FROM)."""
    if action == Action.SUBMIT:
        return S.REVIEW if needs_review else (S.SCHEDULED if publish_at and publish_at > now else S.PUBLISHED)
    if action == Action.PUBLISH and needs_review:
        return S.REVIEW
    if action in (Action.APPROVE, Action.PUBLISH, Action.UNHIDE):
        return S.SCHEDULED if publish_at and publish_at > now else S.PUBLISHED
    if action == Action.REJECT:
        return S.DRAFT
    if action == Action.ARCHIVE:
        return S.ARCHIVED
    return S.HIDDEN


REJECTED_REASON = "rejected by a moderator: it is reviewed again"
# Statuses readers can see; an edit that trips the text filter takes these back to review.
VISIBLE_STATUSES = frozenset({S.PUBLISHED, S.SCHEDULED, S.ARCHIVED})


def needs_entry_review(action: Action, status: ContentStatus, *, is_operator: bool) -> bool:
    """Whether the entry review rules run: on SUBMIT, and on PUBLISH of a draft by a non-operator."""
    return action == Action.SUBMIT or (action == Action.PUBLISH and status == S.DRAFT and not is_operator)


READABLE_STATUSES = frozenset({S.PUBLISHED, S.ARCHIVED})


def may_read(status: str, *, author_id: str | None, viewer_id: str, is_operator: bool) -> bool:
    """Readers see PUBLISHED and ARCHIVED pieces; the author and operators see every status."""
    return ContentStatus(status) in READABLE_STATUSES or author_id == viewer_id or is_operator


def paragraph_count(body: str) -> int:
    """Paragraphs are separated by blank lines; a body without one is a single paragraph."""
    return max(1, len([p for p in re.split(r"\n\s*\n", body) if p.strip()]))
