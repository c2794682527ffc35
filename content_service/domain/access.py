"""The paywall's rules, pure: who a piece is for, who the caller is, whether the body is locked for them.

Ghost's model: a piece is PUBLIC, for MEMBERS, or PAID (any live paid subscription, or only some plans); a
value-tier floor may be added to MEMBERS or PAID. Every requirement on a piece must hold. The author and operators
(and trusted service calls) always read the body.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from content_service.domain.lifecycle import TIER_ORDER


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

    @property
    def is_public(self) -> bool:
        return self.access == ContentAccess.PUBLIC


@dataclass(frozen=True)
class Entitlements:
    """What a caller holds: membership of the community, a live paid subscription (its plans), a value tier."""

    sees_all: bool = False
    member_id: str | None = None
    paid: bool = False
    plan_ids: frozenset[str] = frozenset()
    tier: str | None = None

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
    )


def is_locked(requirement: Requirement, *, author_id: str | None, viewer: Entitlements) -> bool:
    """True when this caller may not read the body."""
    if requirement.is_public or viewer.sees_all or (author_id is not None and author_id == viewer.member_id):
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


def searchable_body(doc: dict[str, Any]) -> str:
    """The body a community-wide index (tag suggestions, near-duplicates) may hold: a gated piece's holds none."""
    return str(doc.get("body", "")) if requirement_of(doc).is_public else ""


PREVIEW_WINDOW = 4000
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
    text = _SPACE.sub(" ", html.unescape(_TAG.sub(" ", body[: PREVIEW_WINDOW + 8 * chars]))).strip()
    if gated:
        chars = min(chars, len(text) // 2)
    if len(text) <= chars:
        return text
    cut = text[:chars]
    space = cut.rfind(" ")
    if space >= chars * 0.6:
        cut = cut[:space]
    return cut.rstrip() + "…"
