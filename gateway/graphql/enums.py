"""Public enums. Values match the services' own, so conversion is by value."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="What a member may do in a community.")
class Role(Enum):
    MEMBER = "MEMBER"
    EXPERT = "EXPERT"
    OPERATOR = "OPERATOR"


@strawberry.enum(description="A member's value tier (nine tiers; see docs/architecture.md).")
class Tier(Enum):
    POTENTIAL = "POTENTIAL"
    NEW = "NEW"
    CASUAL = "CASUAL"
    ACTIVE = "ACTIVE"
    ACTIVE_CONTRIBUTOR = "ACTIVE_CONTRIBUTOR"
    KOC = "KOC"
    EXPERT = "EXPERT"
    CORE = "CORE"
    AMBASSADOR = "AMBASSADOR"


@strawberry.enum(description="PGC: expert production; UGC: member production; COMMERCIAL: labelled operator content.")
class ContentKind(Enum):
    PGC = "PGC"
    UGC = "UGC"
    COMMERCIAL = "COMMERCIAL"


@strawberry.enum
class ContentStatus(Enum):
    DRAFT = "DRAFT"
    REVIEW = "REVIEW"
    SCHEDULED = "SCHEDULED"
    PUBLISHED = "PUBLISHED"
    ARCHIVED = "ARCHIVED"
    HIDDEN = "HIDDEN"


@strawberry.enum(description="Golden push slots of the honeycomb.")
class Slot(Enum):
    MORNING = "MORNING"
    NOON = "NOON"
    EVENING = "EVENING"


@strawberry.enum(description="Why an item was a candidate for the member: the source that offered it.")
class CandidateSource(Enum):
    RECENT = strawberry.enum_value("RECENT", description="Among the community's newest items.")
    BOOSTED = strawberry.enum_value("BOOSTED", description="An exposure boost is active on it.")
    TOPIC = strawberry.enum_value("TOPIC", description="Tagged with one of the member's top topics.")
    FOLLOWED = strawberry.enum_value("FOLLOWED", description="By an author the member follows.")
    AFFINE = strawberry.enum_value("AFFINE", description="By an author the member engages with most.")


@strawberry.enum(description="Where the member stands in a decision.")
class Scene(Enum):
    BEFORE_DECISION = "BEFORE_DECISION"
    DURING_DECISION = "DURING_DECISION"
    AFTER_DECISION = "AFTER_DECISION"


@strawberry.enum
class EventType(Enum):
    IMPRESSION = "IMPRESSION"
    OPEN = "OPEN"
    CLICK = "CLICK"
    DWELL = "DWELL"
    SHARE = "SHARE"
    VOTE = "VOTE"
    BULLET_COMMENT = "BULLET_COMMENT"
    ANSWER = "ANSWER"
    COMMENT = "COMMENT"
    FAVORITE = "FAVORITE"
    ACCEPT = "ACCEPT"
    DOWNVOTE = "DOWNVOTE"


@strawberry.enum
class PlanInterval(Enum):
    MONTH = "MONTH"
    QUARTER = "QUARTER"
    YEAR = "YEAR"


@strawberry.enum
class SubscriptionStatus(Enum):
    TRIALING = "TRIALING"
    ACTIVE = "ACTIVE"
    PAST_DUE = "PAST_DUE"
    CANCELED = "CANCELED"
    EXPIRED = "EXPIRED"
    INCOMPLETE = "INCOMPLETE"
