"""Batch-offer calls of `UsersClient` (mixed into it)."""

from __future__ import annotations

from infra.http import ServiceClient
from infra.paths import community_path
from users_service.schemas.offers import BatchOfferSend, BatchOfferSent


class OffersClientMixin(ServiceClient):
    async def send_batch_offer(self, community_id: str, send: BatchOfferSend) -> BatchOfferSent:
        """A coupon for each member of a layer whose treatment grants BATCH_OFFERS, once per member per offer key."""
        body = await self._call("POST", f"{community_path(community_id)}/offers", json=send.to_wire())
        return BatchOfferSent.model_validate(body)
