"""Money mutations of one community refuse member ids of another community, or of no one: nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from bson import ObjectId

from tests.factories import Api, create_community, register
from tests.integration.billing.helpers import community_with_operator, documents, postings

AWARD = "mutation($i: AwardCreatorInput!) { awardCreator(input: $i) { kind amountCents } }"
PAYOUT = "mutation($i: PayCreatorInput!) { payCreator(input: $i) { kind amountCents } }"
BOOK_AD = "mutation($i: BookAdCampaignInput!) { bookAdCampaign(input: $i) { id } }"
DRAFT = "mutation($i: CreateInvoiceDraftInput!) { createInvoiceDraft(input: $i) { id memberId } }"


def operations(member_id: str) -> list[tuple[str, dict[str, Any], str]]:
    return [
        (AWARD, {"creatorId": member_id, "amountCents": 100, "reason": "UGC", "idempotencyKey": "a"}, "creatorId"),
        (PAYOUT, {"creatorId": member_id, "amountCents": 100, "idempotencyKey": "p"}, "creatorId"),
        (
            BOOK_AD,
            {
                "advertiser": "Brand",
                "amountCents": 8000,
                "currency": "CNY",
                "creatorShares": [{"creatorId": member_id, "shareBps": 2500}],
                "idempotencyKey": "ad",
            },
            "creatorShares",
        ),
        (
            DRAFT,
            {
                "customer": "Acme",
                "currency": "CNY",
                "lines": [{"description": "x", "unitCents": 100}],
                "memberId": member_id,
            },
            "memberId",
        ),
    ]


@pytest.mark.parametrize("whose", ["another community's", "no one's"])
async def test_money_mutations_refuse_a_member_id_outside_the_community(api: Api, whose: str) -> None:
    _, olga = await community_with_operator(api)
    await create_community(api, "other")
    stranger = await register(api, "other", "sam")
    member_id = stranger.id if whose == "another community's" else str(ObjectId())
    # when
    refusals = [
        (await api.errors(query, {"i": variables}, token=olga.token))[0]["extensions"]
        for query, variables, _ in operations(member_id)
    ]
    # then
    assert [(e["code"], e.get("field")) for e in refusals] == [
        ("NOT_FOUND", field) for _, _, field in operations(member_id)
    ]
    assert (postings(api), documents(api, "invoices"), documents(api, "deals")) == ([], [], [])
    assert (documents(api, "commerce_records"), documents(api, "idempotency_keys")) == ([], [])


async def test_money_mutations_accept_a_member_of_the_community(api: Api) -> None:
    _, olga = await community_with_operator(api)
    dave = await register(api, "demo", "dave")
    (_, award_in, _), _, (ad, ad_in, _), (draft, draft_in, _) = operations(dave.id)
    # when
    awarded = await api.data(AWARD, {"i": award_in}, token=olga.token)
    booked = await api.data(ad, {"i": ad_in}, token=olga.token)
    drafted = await api.data(draft, {"i": draft_in}, token=olga.token)
    # then
    assert awarded["awardCreator"] == {"kind": "creator_award", "amountCents": 100}
    assert booked["bookAdCampaign"]["id"]
    assert drafted["createInvoiceDraft"]["memberId"] == dave.id
