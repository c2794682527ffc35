"""Batch offers on the wire: an operator sends a layer (or its members matching a filter) a coupon each."""

from __future__ import annotations

from billing_service.schemas import OfferTerms
from infra.schemas import ApiModel
from users_service.domain.layers import Layer
from users_service.schemas.members import MemberFilter

__all__ = ["BatchOfferSend", "BatchOfferSent"]


class BatchOfferSend(OfferTerms):
    """The offer's terms (billing's), the layer it goes to, and optionally a narrower filter of its members."""

    layer: Layer = Layer.BASE
    where: MemberFilter | None = None


class BatchOfferSent(ApiModel):
    offer_key: str
    layer: Layer
    members: int
    issued: int
    already_issued: int
