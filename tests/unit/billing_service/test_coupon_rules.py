"""Whether a coupon applies: redemptions left, its own member only, before expiry, on its plans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from billing_service.domain.coupons import refusal

NOW = datetime(2026, 12, 6, tzinfo=UTC)


def coupon(**fields: Any) -> dict[str, Any]:
    return {"remaining": 1, **fields}


@pytest.mark.parametrize(
    ("doc", "message", "hidden"),
    [
        (None, "no redeemable coupon with this code", True),
        (coupon(remaining=0), "no redeemable coupon with this code", True),
        (coupon(member_id="bob"), "no redeemable coupon with this code", True),  # another member's: not revealed
        (coupon(expires_at=NOW), "this coupon has expired", False),
        (coupon(expires_at=NOW.replace(tzinfo=None)), "this coupon has expired", False),  # naive from the store
        (coupon(plan_ids=["silver"]), "this coupon does not apply to this plan", False),
    ],
)
def test_refusals(doc: dict[str, Any] | None, message: str, hidden: bool) -> None:
    refused = refusal(doc, member_id="carol", plan_id="gold", now=NOW)
    assert refused is not None
    assert (refused.message, refused.hidden) == (message, hidden)


def test_a_coupon_applies_to_its_member_on_its_plan_before_expiry() -> None:
    doc = coupon(member_id="carol", plan_ids=["gold"], expires_at=NOW + timedelta(days=1))
    assert refusal(doc, member_id="carol", plan_id="gold", now=NOW) is None
