"""Content figures for users_service's health indicators: output, moderation and crisis, aggregated here."""

from __future__ import annotations

from datetime import datetime

from infra.schemas import ApiModel


class ContentFigures(ApiModel):
    """Over W, the 30 days before `as_of`, unless named otherwise."""

    as_of: datetime
    published_pgc: int
    published_ugc: int
    published_commercial: int
    authors: int  # distinct authors of the pieces published in W
    complaints: int
    peak_hourly_complaints: int  # the most complaints in one UTC clock hour of W
    hidden: int  # distinct pieces hidden in W
    open_incidents: int  # crisis incidents open at the call
    first_response_minutes: float | None  # median over every incident with a done step
    steps_on_time_rate: float | None
