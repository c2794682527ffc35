"""ContentClient's health-figures call (mixed into `content_service.client.ContentClient`)."""

from __future__ import annotations

from datetime import datetime

from content_service.schemas.figures import ContentFigures
from infra.http import ServiceClient
from infra.paths import community_path


class FiguresCalls(ServiceClient):
    async def content_figures(self, community_id: str, as_of: datetime) -> ContentFigures:
        """Output by kind, authors, complaints, hides and crisis figures for the health indicators."""
        path = f"{community_path(community_id)}/health/figures"
        body = await self._call("GET", path, params={"asOf": as_of.isoformat()})
        return ContentFigures.model_validate(body)
