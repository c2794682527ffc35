"""Batch offers: the layer whose treatment grants BATCH_OFFERS (the base layer by default) gets a billing coupon per
member, once per member per offer key, each member notified by billing's notice mail."""

from __future__ import annotations

from bson import ObjectId

from billing_service.schemas import OfferIssue
from infra.errors import BadInputError
from users_service.domain.perks import Perk
from users_service.schemas.members import MemberFilter
from users_service.schemas.offers import BatchOfferSend, BatchOfferSent
from users_service.service.upstreams import Upstreams
from users_service.service.value import ValueService
from users_service.store.members import MembersStore, directory_match

# Members per call to billing (its limit per offer call).
OFFER_CHUNK = 1000


class OffersService:
    def __init__(self, members: MembersStore, value: ValueService, upstreams: Upstreams) -> None:
        self.members = members
        self.value = value
        self.upstreams = upstreams

    async def send_batch_offer(self, cid: ObjectId, send: BatchOfferSend) -> BatchOfferSent:
        """Coupons for every member of `send.layer` (narrowed by `send.where`); refused (BAD_USER_INPUT, nothing
        written) when the layer's treatment does not grant BATCH_OFFERS. Sending it again issues nothing twice."""
        treatments = await self.value.treatments(cid)
        if Perk.BATCH_OFFERS not in treatments.perks_of(send.layer):
            raise BadInputError(f"the {send.layer.value} layer's treatment does not grant BATCH_OFFERS", field="layer")
        where = (send.where or MemberFilter()).model_copy(update={"rfm_layer": send.layer})
        member_ids = await self.members.list_ids_where(cid, directory_match(where))
        terms = send.model_dump(exclude={"layer", "where"})
        issued = already = 0
        for start in range(0, len(member_ids), OFFER_CHUNK):
            chunk = [str(m) for m in member_ids[start : start + OFFER_CHUNK]]
            answer = await self.upstreams.billing.issue_offer(str(cid), OfferIssue(**terms, member_ids=chunk))
            issued += answer.issued
            already += answer.already_issued
        return BatchOfferSent(
            offer_key=send.offer_key, layer=send.layer, members=len(member_ids), issued=issued, already_issued=already
        )
