"""Public enums of the feed: the distribution service's own enums under their GraphQL names."""

from __future__ import annotations

from enum import Enum

import strawberry

from distribution_service.schemas import EventType, Scene, Slot

# Each call registers the service's enum as a GraphQL enum, by member name, in the service's order.
strawberry.enum(Slot, name="Slot", description="Golden push slots of the honeycomb.")
strawberry.enum(Scene, name="Scene", description="Where the member stands in a decision.")
strawberry.enum(EventType, name="EventType")


# A copy: the wire schema carries candidate sources as strings, so there is no public enum to derive from.
# tests/unit/gateway/test_enums.py holds it to the service's own.
@strawberry.enum(description="Why an item was a candidate for the member: the source that offered it.")
class CandidateSource(Enum):
    RECENT = strawberry.enum_value("RECENT", description="Among the community's newest items.")
    BOOSTED = strawberry.enum_value("BOOSTED", description="An exposure boost is active on it.")
    TOPIC = strawberry.enum_value("TOPIC", description="Tagged with one of the member's top topics.")
    FOLLOWED = strawberry.enum_value("FOLLOWED", description="By an author the member follows.")
    AFFINE = strawberry.enum_value("AFFINE", description="By an author the member engages with most.")


__all__ = ["CandidateSource", "EventType", "Scene", "Slot"]
