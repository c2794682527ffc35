"""Coupons: creating them, batch offers that give each member of a list a coupon of their own, and redeeming one
inside the subscribing transaction (the redemption, its count and the discount's ledger entry commit together)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

import billing_service.service.render as render
from billing_service.domain.coupons import offer_code, refusal
from billing_service.domain.ledger import discount_lines
from billing_service.schemas import CouponCreate, CouponRead, MemberCoupon, OfferIssue, OfferIssued
from billing_service.store import BillingStore, Doc, Session
from infra.errors import BadInputError, ConflictError, NotFoundError

OFFER_NOTICE = "OFFER"


def _check_terms(percent_off: int, amount_off_cents: int, expires_at: datetime | None) -> None:
    if percent_off == 0 and amount_off_cents == 0:
        raise BadInputError("a coupon takes percentOff or amountOffCents", field="percentOff")
    if expires_at is not None and expires_at <= datetime.now(UTC):
        raise BadInputError("expiresAt must be in the future", field="expiresAt")


class CouponsService:
    def __init__(self, store: BillingStore) -> None:
        self.store = store

    async def _check_plans(self, cid: ObjectId, plan_ids: list[str]) -> None:
        if not plan_ids:
            return
        known = await self.store.subscriptions.plans_by_id(cid, [ObjectId(p) for p in plan_ids])
        unknown = sorted(p for p in plan_ids if ObjectId(p) not in known)
        if unknown:
            raise BadInputError(f"planIds: no plan {unknown[0]} in this community", field="planIds")

    async def create_coupon(self, cid: ObjectId, coupon_in: CouponCreate) -> CouponRead:
        _check_terms(coupon_in.percent_off, coupon_in.amount_off_cents, coupon_in.expires_at)
        await self._check_plans(cid, coupon_in.plan_ids)
        fields = coupon_in.model_dump(mode="python")
        try:
            doc = await self.store.coupons.create_coupon(cid, fields)
        except DuplicateKeyError as exc:
            raise ConflictError("a coupon with this code exists", field="code") from exc
        return render.coupon(doc)

    async def issue_offer(self, cid: ObjectId, offer: OfferIssue) -> OfferIssued:
        """Each listed member's coupon of the offer, issued once: a member who already holds it keeps it and is
        counted in `already_issued`. The same key with other terms is a CONFLICT; nothing is written then.
        Each member newly given a coupon gets a notice (mailed to them by the notice relay)."""
        _check_terms(offer.percent_off, offer.amount_off_cents, offer.expires_at)
        await self._check_plans(cid, offer.plan_ids)
        terms = offer.model_dump(mode="json", exclude={"member_ids"})
        stored = await self.store.coupons.get_offer(cid, offer.offer_key)
        if stored is None:
            stored = await self.store.coupons.create_offer(cid, offer.offer_key, terms)
        if stored["terms"] != terms:
            raise ConflictError("this offer key was used with other terms", field="offerKey")
        members = [ObjectId(m) for m in dict.fromkeys(offer.member_ids)]
        held = await self.store.coupons.offer_coupons_of(cid, offer.offer_key, members)
        now = datetime.now(UTC)
        fresh = [
            {
                "community_id": cid,
                "code": offer_code(offer.offer_key, secrets.token_hex(4)),
                "percent_off": offer.percent_off,
                "amount_off_cents": offer.amount_off_cents,
                "duration": offer.duration,
                "max_redemptions": 1,
                "remaining": 1,
                "audience": offer.audience,
                "plan_ids": list(offer.plan_ids),
                "expires_at": offer.expires_at,
                "member_id": m,
                "offer_key": offer.offer_key,
                "created_at": now,
            }
            for m in members
            if str(m) not in held
        ]
        inserted = await self.store.coupons.issue_for_members(fresh)
        for coupon in inserted:
            await self.store.subscriptions.notify(
                None,
                cid,
                {
                    "kind": OFFER_NOTICE,
                    "member_id": coupon["member_id"],
                    "message": _offer_message(offer, coupon["code"]),
                    "dedupe": f"offer:{offer.offer_key}:{coupon['member_id']}",
                },
            )
        held = await self.store.coupons.offer_coupons_of(cid, offer.offer_key, members)
        return OfferIssued(
            offer_key=offer.offer_key,
            issued=len(inserted),
            already_issued=len(members) - len(inserted),
            coupons=[MemberCoupon(member_id=str(m), code=held[str(m)]["code"]) for m in members if str(m) in held],
        )

    async def redeemable(self, cid: ObjectId, code: str, *, member_id: ObjectId, plan_id: ObjectId) -> Doc:
        """The coupon a member may apply to a plan now, or the coded refusal (naming couponCode)."""
        coupon = await self.store.coupons.get_coupon(cid, code.upper())
        refused = refusal(coupon, member_id=member_id, plan_id=plan_id, now=datetime.now(UTC))
        if refused is not None:
            raise (NotFoundError if refused.hidden else BadInputError)(refused.message, field="couponCode")
        assert coupon is not None
        if await self.store.coupons.has_redeemed(cid, coupon["_id"], member_id):
            raise ConflictError("this member already redeemed this coupon", field="couponCode")
        return coupon

    async def redeem(
        self,
        session: Session,
        coupon: Doc,
        *,
        member_id: ObjectId,
        subscription_id: ObjectId,
        list_cents: int,
        paid_cents: int,
    ) -> None:
        """In the subscribing transaction: take one redemption, record who redeemed it (once per member), and post
        the discount (list price minus price charged) to the ledger's memorandum accounts."""
        if not await self.store.coupons.redeem_coupon(session, coupon):
            raise ConflictError("this coupon has no redemptions left", field="couponCode")
        cid = coupon["community_id"]
        now = datetime.now(UTC)
        await self.store.coupons.add_redemption(
            session,
            {
                "community_id": cid,
                "coupon_id": coupon["_id"],
                "member_id": member_id,
                "subscription_id": subscription_id,
                "at": now,
            },
        )
        discount = list_cents - paid_cents
        if discount > 0:
            await self.store.ledger.post(
                session,
                community_id=cid,
                posting_id=f"discount:{coupon['_id']}:{member_id}",
                kind="coupon_discount",
                lines=discount_lines(discount),
                occurred_at=now,
                member_id=member_id,
                meta={
                    "coupon_code": coupon["code"],
                    "offer_key": coupon.get("offer_key"),
                    "subscription_id": subscription_id,
                    "list_cents": list_cents,
                    "paid_cents": paid_cents,
                },
            )


def _offer_message(offer: OfferIssue, code: str) -> str:
    off = f"{offer.percent_off}% off" if offer.percent_off else f"{offer.amount_off_cents / 100:.2f} off"
    until = f" until {offer.expires_at:%Y-%m-%d}" if offer.expires_at else ""
    lead = f"{offer.message}\n\n" if offer.message else ""
    return f"{lead}An offer for you: {off} your membership with code {code}{until}. It is yours alone, for one use."
