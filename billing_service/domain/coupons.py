"""Whether a coupon may be redeemed by a member on a plan now: pure rules, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from infra.moments import as_utc


@dataclass(frozen=True)
class Refusal:
    """Why a coupon is refused: `hidden` when the member must not learn that the code exists (not theirs)."""

    message: str
    hidden: bool = False


def refusal(coupon: dict[str, Any] | None, *, member_id: Any, plan_id: Any, now: datetime) -> Refusal | None:
    """None when the coupon applies: it exists with redemptions left, is the member's when bound to one, has
    not expired, and covers the plan."""
    if coupon is None or coupon["remaining"] <= 0:
        return Refusal("no redeemable coupon with this code", hidden=True)
    if coupon.get("member_id") is not None and coupon["member_id"] != member_id:
        return Refusal("no redeemable coupon with this code", hidden=True)
    if coupon.get("expires_at") is not None and as_utc(coupon["expires_at"]) <= now:
        return Refusal("this coupon has expired")
    plans = {str(p) for p in coupon.get("plan_ids") or ()}
    if plans and str(plan_id) not in plans:
        return Refusal("this coupon does not apply to this plan")
    return None


def offer_code(offer_key: str, token: str) -> str:
    """A member's code of a batch offer: the offer's key and a random part (`SPRING-7F3A9C2E`)."""
    return f"{offer_key}-{token}".upper()
