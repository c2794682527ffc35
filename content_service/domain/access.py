"""The paywall's rules, pure: who a piece is for, who the caller is, whether the body is locked for them.

Ghost's model: a piece is PUBLIC, for MEMBERS, or PAID (any live paid subscription, or only some plans); a
value-tier floor may be added to MEMBERS or PAID. Every requirement on a piece must hold. The author and operators
(and trusted service calls) always read the body.

Early access: until a piece's `early_access_until`, only members whose RFM layer's treatment grants EARLY_ACCESS
read it in full (on top of its requirement); everyone else gets the teaser. After the window, the requirement alone.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from content_service.domain.lifecycle import TIER_ORDER
from infra.moments import as_utc


class ContentAccess(StrEnum):
    PUBLIC = "PUBLIC"
    MEMBERS = "MEMBERS"
    PAID = "PAID"


class ViewerKind(StrEnum):
    """Who reads, as the gateway names them: a member, a partner key, nobody, the platform admin, a service."""

    MEMBER = "member"
    PARTNER = "partner"
    ANONYMOUS = "anonymous"
    ADMIN = "admin"
    SERVICE = "service"


# Callers that read every body without any lookup: the platform admin key and service-to-service reads.
SEES_ALL = frozenset({ViewerKind.ADMIN, ViewerKind.SERVICE})


@dataclass(frozen=True)
class Requirement:
    access: ContentAccess = ContentAccess.PUBLIC
    plan_ids: frozenset[str] = frozenset()
    min_tier: str | None = None
    early_access_until: datetime | None = None

    @property
    def is_public(self) -> bool:
        return self.access == ContentAccess.PUBLIC

    def early_at(self, now: datetime) -> bool:
        """True while the early-access window is open."""
        return self.early_access_until is not None and now < self.early_access_until

    def gated_at(self, now: datetime) -> bool:
        """True when some reader may be refused the body now (a requirement, or an open early-access window)."""
        return not self.is_public or self.early_at(now)


@dataclass(frozen=True)
class Entitlements:
    """What a caller holds: membership of the community, a live paid subscription (its plans), a value tier."""

    sees_all: bool = False
    member_id: str | None = None
    paid: bool = False
    plan_ids: frozenset[str] = frozenset()
    tier: str | None = None
    # The member's RFM layer's treatment grants EARLY_ACCESS.
    early_access: bool = False

    @property
    def is_member(self) -> bool:
        return self.member_id is not None


NOBODY = Entitlements()
EVERYTHING = Entitlements(sees_all=True)


def requirement_of(doc: dict[str, Any]) -> Requirement:
    """A stored piece's requirement; pieces stored before the paywall are PUBLIC."""
    return Requirement(
        access=ContentAccess(doc.get("access") or ContentAccess.PUBLIC.value),
        plan_ids=frozenset(str(p) for p in doc.get("plan_ids") or ()),
        min_tier=doc.get("min_tier"),
        early_access_until=_aware(doc.get("early_access_until")),
    )


def _aware(moment: datetime | None) -> datetime | None:
    return None if moment is None else as_utc(moment)


def is_locked(requirement: Requirement, *, author_id: str | None, viewer: Entitlements, now: datetime) -> bool:
    """True when this caller may not read the body now."""
    if viewer.sees_all or (author_id is not None and author_id == viewer.member_id):
        return False
    if requirement.early_at(now) and not (viewer.is_member and viewer.early_access):
        return True
    if requirement.is_public:
        return False
    if not viewer.is_member:
        return True
    if requirement.min_tier is not None and not _tier_at_least(viewer.tier, requirement.min_tier):
        return True
    if requirement.access == ContentAccess.PAID:
        if not viewer.paid:
            return True
        return bool(requirement.plan_ids) and not requirement.plan_ids & viewer.plan_ids
    return False


def _tier_at_least(tier: str | None, floor: str) -> bool:
    if tier not in TIER_ORDER or floor not in TIER_ORDER:
        return False
    return TIER_ORDER.index(tier) >= TIER_ORDER.index(floor)


def requirement_problem(requirement: Requirement) -> tuple[str, str] | None:
    """(input field, message) when a requirement does not make sense, else None."""
    if requirement.min_tier is not None and requirement.min_tier not in TIER_ORDER:
        return "minTier", f"unknown tier {requirement.min_tier}"
    if requirement.is_public and requirement.min_tier is not None:
        return "minTier", "a PUBLIC piece has no tier requirement; use MEMBERS or PAID"
    if requirement.access != ContentAccess.PAID and requirement.plan_ids:
        return "planIds", "plan requirements apply to PAID pieces only"
    return None


# The longest early-access window a piece may be given.
EARLY_ACCESS_MAX_DAYS = 365


def early_access_problem(until: datetime, now: datetime) -> str | None:
    """Why an early-access end is refused at publication (None: fine): it is past, or more than a year ahead."""
    if until <= now:
        return "earlyAccessUntil must be in the future"
    if (until - now).days > EARLY_ACCESS_MAX_DAYS:
        return f"earlyAccessUntil is at most {EARLY_ACCESS_MAX_DAYS} days ahead"
    return None


def searchable_body(doc: dict[str, Any]) -> str:
    """The body a community-wide index (tag suggestions, near-duplicates) may hold: a gated piece's holds none,
    nor does a piece that had an early-access window (the index outlives the window's start)."""
    requirement = requirement_of(doc)
    return str(doc.get("body", "")) if requirement.is_public and requirement.early_access_until is None else ""


PREVIEW_WINDOW = 4000
# Teasers remembered (at most this many openings of up to PREVIEW_WINDOW + 8 * chars characters each).
PREVIEW_CACHE_SIZE = 1024
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def preview_text(*, excerpt: str | None, body: str, chars: int, gated: bool) -> str:
    """The public teaser: the excerpt the author or an operator set, else the body's first `chars` characters
    as plain text (markup removed, whitespace folded), cut at a word where one is near, with an ellipsis. A gated
    piece's automatic teaser is at most half its text, so that a short piece is never given away whole."""
    if excerpt:
        return excerpt
    # Only the body's opening is read: a teaser never needs more, and bodies run to 200,000 characters. Half of the
    # opening's text is at most half of the whole text, so the rule for gated pieces holds on the opening.
    return _teaser(body[: PREVIEW_WINDOW + 8 * chars], chars, gated)


# Feed cards render the same pieces request after request (kept pieces share their body strings, whose hash Python
# keeps): the teaser is remembered by the opening it is made of, so each is made once (~16 µs for a 1 KB body).
@functools.lru_cache(maxsize=PREVIEW_CACHE_SIZE)
def _teaser(opening: str, chars: int, gated: bool) -> str:
    text = _SPACE.sub(" ", html.unescape(_TAG.sub(" ", opening))).strip()
    if gated:
        chars = min(chars, len(text) // 2)
    if len(text) <= chars:
        return text
    cut = text[:chars]
    space = cut.rfind(" ")
    if space >= chars * 0.6:
        cut = cut[:space]
    return cut.rstrip() + "…"
