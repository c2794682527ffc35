"""Batch offers and coupons through the gateway: a layer's members each get a coupon once per offer, a coupon is
theirs alone, its discount is a ledger entry, and one coupon redeemed concurrently succeeds once."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.factories import Api, Member, create_plan, register
from tests.integration.billing.helpers import SUBSCRIBE, community_with_operator, documents, postings
from tests.integration.treatments_support import set_layer

SEND = """
mutation($i: SendBatchOfferInput!) { sendBatchOffer(input: $i) { offerKey layer members issued alreadyIssued } }
"""
COUPON = "mutation($i: CreateCouponInput!) { createCoupon(input: $i) { code remaining planIds } }"


async def _subscribe(api: Api, plan_id: str, member: Member, code: str) -> dict[str, Any]:
    variables = {"i": {"planId": plan_id, "idempotencyKey": f"s-{member.handle}", "couponCode": code}}
    return await api.post(SUBSCRIBE, variables, token=member.token)


def _code_of(api: Api, member: Member) -> str:
    (coupon,) = [c for c in documents(api, "coupons") if str(c.get("member_id")) == member.id]
    return str(coupon["code"])


async def test_a_batch_offer_reaches_the_base_layer_once_and_each_coupon_is_its_members_alone(api: Api) -> None:
    community_id, olga = await community_with_operator(api)
    gold = await create_plan(api, community_id, price=2900)
    bob, carol, cora = [await register(api, "demo", h) for h in ("bob", "carol", "cora")]
    set_layer(api, [cora], "CORE")
    offer = {"offerKey": "spring", "percentOff": 20, "planIds": [gold], "where": {"channel": "OTHER"}}
    # when: sent twice
    first = (await api.data(SEND, {"i": offer}, token=olga.token))["sendBatchOffer"]
    again = (await api.data(SEND, {"i": offer}, token=olga.token))["sendBatchOffer"]
    # then: the three BASE members (the operator is one) got one coupon each, once, and one notice each
    assert first == {"offerKey": "SPRING", "layer": "BASE", "members": 3, "issued": 3, "alreadyIssued": 0}
    assert (again["issued"], again["alreadyIssued"]) == (0, 3)
    assert sorted(str(c["member_id"]) for c in documents(api, "coupons")) == sorted([olga.id, bob.id, carol.id])
    assert len(documents(api, "notifications", {"kind": "OFFER"})) == 3
    # when: carol tries bob's code, then bob redeems it
    refused = await _subscribe(api, gold, carol, _code_of(api, bob))
    body = await _subscribe(api, gold, bob, _code_of(api, bob))
    # then: refused as unknown to carol, nothing written for her; bob pays 80% and the discount is in the ledger
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert [str(s["member_id"]) for s in documents(api, "subscriptions")] == [bob.id]
    assert body["data"]["subscribe"]["subscription"]["status"] == "ACTIVE"
    assert [p["amount_cents"] for p in documents(api, "payments")] == [2320]
    (discount,) = postings(api, "coupon_discount")
    assert (discount["meta"]["list_cents"], discount["meta"]["paid_cents"], str(discount["member_id"])) == (
        2900,
        2320,
        bob.id,
    )
    assert {(line["account"], line["debit"], line["credit"]) for line in discount["lines"]} == {
        ("memo:discounts_granted", 580, 0),
        ("memo:discounts_offset", 0, 580),
    }


async def test_bad_offers_and_coupons_are_refused_with_a_code_and_write_nothing(api: Api) -> None:
    community_id, olga = await community_with_operator(api)
    gold = await create_plan(api, community_id, price=2900)
    silver = await create_plan(api, community_id, name="Silver", price=1900)
    bob = await register(api, "demo", "bob")
    cases = [
        ({"offerKey": "vip", "percentOff": 10, "layer": "CORE"}, "BAD_USER_INPUT"),  # CORE's treatment: no offers
        ({"offerKey": "none"}, "BAD_USER_INPUT"),  # no discount
        ({"offerKey": "x", "percentOff": 10}, "BAD_USER_INPUT"),  # key too short
        ({"offerKey": "bogus", "percentOff": 10, "planIds": ["0" * 24]}, "BAD_USER_INPUT"),  # no such plan
    ]
    for offer, code in cases:
        assert await api.error_code(SEND, {"i": offer}, token=olga.token) == code, offer
    assert documents(api, "coupons") == []
    assert documents(api, "coupon_offers") == []
    # the same key with other terms
    await api.data(SEND, {"i": {"offerKey": "spring", "percentOff": 20}}, token=olga.token)
    coupons = len(documents(api, "coupons"))
    assert await api.error_code(SEND, {"i": {"offerKey": "spring", "percentOff": 50}}, token=olga.token) == "CONFLICT"
    assert len(documents(api, "coupons")) == coupons
    # a coupon for Silver only is refused on Gold, and nothing is redeemed
    await api.data(COUPON, {"i": {"code": "silver10", "percentOff": 10, "planIds": [silver]}}, token=olga.token)
    refused = await _subscribe(api, gold, bob, "SILVER10")
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert documents(api, "subscriptions") == []
    assert [c["remaining"] for c in documents(api, "coupons", {"code": "SILVER10"})] == [1000]


async def test_one_coupon_redeemed_concurrently_succeeds_once(api: Api) -> None:
    community_id, olga = await community_with_operator(api)
    gold = await create_plan(api, community_id, price=2900)
    await api.data(COUPON, {"i": {"code": "only1", "percentOff": 50, "maxRedemptions": 1}}, token=olga.token)
    members = [await register(api, "demo", f"m{i}") for i in range(4)]
    # when
    answers = await asyncio.gather(*(_subscribe(api, gold, m, "ONLY1") for m in members))
    # then
    won = [a for a in answers if not a.get("errors")]
    assert len(won) == 1
    assert {a["errors"][0]["extensions"]["code"] for a in answers if a.get("errors")} <= {"CONFLICT", "NOT_FOUND"}
    assert len(documents(api, "subscriptions")) == 1
    assert len(documents(api, "coupon_redemptions")) == 1
    assert [c["remaining"] for c in documents(api, "coupons")] == [0]
    assert len(postings(api, "coupon_discount")) == 1
