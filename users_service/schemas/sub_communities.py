"""A parent community's view of its sub-communities: figures side by side and rolled up, and incubation."""

from __future__ import annotations

from datetime import datetime

from infra.schemas import ApiModel


class ChecklistItemRead(ApiModel):
    key: str
    description: str
    met: bool


class IncubationRead(ApiModel):
    items: list[ChecklistItemRead]
    complete: bool
    incubated_at: datetime | None
    days_so_far: int
    days_taken: int | None
    target_days: int
    on_track: bool
    stage: str


class ChildFigures(ApiModel):
    """Over the last 30 days where a window applies; money in minor units."""

    members: int
    tiers: dict[str, int]
    published_pgc: int
    published_ugc: int
    published_commercial: int
    revenue_cents: int


class SubCommunityRead(ApiModel):
    id: str
    slug: str
    name: str
    created_at: datetime
    figures: ChildFigures
    incubation: IncubationRead


class SubCommunitiesRead(ApiModel):
    children: list[SubCommunityRead]
    rollup: ChildFigures  # the children's figures summed
    target_days: int
    incubated: int
    average_days_taken: float | None  # over the incubated children
