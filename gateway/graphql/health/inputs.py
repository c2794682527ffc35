"""Inputs of the health mutations."""

from __future__ import annotations

import strawberry

from gateway.graphql.arguments import COMMUNITY_ARG


@strawberry.input(description="An operator's target and warn/critical lines for one indicator of the community.")
class SetHealthTargetInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    key: str
    target: float
    warn: float
    critical: float
    opens_incident: bool | None = None
