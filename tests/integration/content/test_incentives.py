"""Content star (re-runnable, pays once), pending payouts, and exposure boosts the ranker reads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.factories import Api, count_documents, publish, register
from tests.integration.content.support import content_app, world

RUN = """
mutation($input: RunContentStarInput!) {
  runContentStar(input: $input) {
    month rerun budgetMinor budgetCents awards { memberId rank amountMinor amountCents currency bestContentId }
  }
}
"""
PAYOUTS = "{ pendingPayouts { memberId month amountMinor amountCents currency status source } }"
VOTE = "mutation($input: VoteContentInput!) { voteContent(input: $input) { up } }"
BOOST = "mutation($input: GrantExposureBoostInput!) { grantExposureBoost(input: $input) { factor } }"
MONTH = "2026-03"


async def _backdate(api: Api, content_ids: list[str]) -> None:
    from bson import ObjectId

    content = content_app(api).state.store.pieces.content
    await content.update_many(
        {"_id": {"$in": [ObjectId(i) for i in content_ids]}},
        {"$set": {"published_at": datetime(2026, 3, 10, tzinfo=UTC)}},
    )


async def _scene(api: Api) -> tuple[Any, Any, list[str]]:
    w = await world(api)
    bob = await register(api, "demo", "bob")
    bobs = await publish(api, bob, "Bob's guide")
    voters = [await register(api, "demo", f"fan{i}") for i in range(3)]
    for v in voters:
        await api.data(VOTE, {"input": {"contentId": bobs, "value": "UP"}}, token=v.token)
    await api.data(VOTE, {"input": {"contentId": w.content_id, "value": "UP"}}, token=voters[0].token)
    await _backdate(api, [w.content_id, bobs])
    return w, bob, [w.content_id, bobs]


async def test_content_star_ranks_members_by_score_and_splits_the_budget(gateway_with: Any) -> None:
    async with gateway_with(CONTENT_STAR_WINNERS=2) as api:
        w, bob, (alice_piece, bob_piece) = await _scene(api)
        result = (await api.data(RUN, {"input": {"month": MONTH}}, token=w.operator.token))["runContentStar"]
        assert result == {
            "month": MONTH,
            "rerun": False,
            "budgetMinor": 3_000_000,
            "budgetCents": 3_000_000,
            "awards": [
                {
                    "memberId": bob.id,
                    "rank": 1,
                    "amountMinor": 1_500_000,
                    "amountCents": 1_500_000,
                    "currency": "CNY",
                    "bestContentId": bob_piece,
                },
                {
                    "memberId": w.member.id,
                    "rank": 2,
                    "amountMinor": 1_500_000,
                    "amountCents": 1_500_000,
                    "currency": "CNY",
                    "bestContentId": alice_piece,
                },
            ],
        }


async def test_running_the_same_month_again_picks_the_same_winners_and_pays_nothing_twice(api: Api) -> None:
    w, _, _ = await _scene(api)
    first = (await api.data(RUN, {"input": {"month": MONTH}}, token=w.operator.token))["runContentStar"]
    second = (await api.data(RUN, {"input": {"month": MONTH}}, token=w.operator.token))["runContentStar"]
    payouts = (await api.data(PAYOUTS, token=w.operator.token))["pendingPayouts"]
    assert (second["awards"], second["rerun"]) == (first["awards"], True)
    assert len(payouts) == 2 == count_documents(api.settings, "content", "pending_payouts")
    # PENDING until the outbox relay has booked the award in billing, AWARDED after.
    assert {(p["source"], p["month"]) for p in payouts} == {("CONTENT_STAR", MONTH)}
    assert {p["status"] for p in payouts} <= {"PENDING", "AWARDED"}
    assert all(p["amountCents"] == p["amountMinor"] > 0 for p in payouts)  # the new name and the deprecated one


TRIAL_BALANCE = "{ trialBalance { accounts { account debits credits balance } totalDebits totalCredits } }"


async def test_awards_are_booked_once_in_billing_as_owed_to_the_creators(api: Api) -> None:
    import asyncio

    w, _, _ = await _scene(api)
    await api.data(RUN, {"input": {"month": MONTH}}, token=w.operator.token)
    await api.data(RUN, {"input": {"month": MONTH}}, token=w.operator.token)
    # when: the relay delivers (it is woken on commit; wait for it, bounded)
    for _ in range(100):
        payouts = (await api.data(PAYOUTS, token=w.operator.token))["pendingPayouts"]
        if {p["status"] for p in payouts} == {"AWARDED"}:
            break
        await asyncio.sleep(0.1)
    # then
    assert {p["status"] for p in payouts} == {"AWARDED"}
    balance = (await api.data(TRIAL_BALANCE, token=w.operator.token))["trialBalance"]
    accounts = {a["account"]: a for a in balance["accounts"]}
    assert accounts["liabilities:creator_payouts_payable"]["credits"] == 3_000_000
    assert accounts["costs:creator_awards"]["debits"] == 3_000_000
    assert balance["totalDebits"] == balance["totalCredits"]


async def test_commercial_and_hidden_pieces_are_excluded(api: Api) -> None:
    w, bob, (_, bob_piece) = await _scene(api)
    hide = "mutation($input: TransitionContentInput!) { transitionContent(input: $input) { status } }"
    await api.data(hide, {"input": {"contentId": bob_piece, "action": "HIDE"}}, token=w.operator.token)
    result = (await api.data(RUN, {"input": {"month": MONTH}}, token=w.operator.token))["runContentStar"]
    assert [a["memberId"] for a in result["awards"]] == [w.member.id]


async def test_a_month_not_yet_ended_is_refused(api: Api) -> None:
    w = await world(api)
    errors = await api.errors(RUN, {"input": {"month": "2999-01"}}, token=w.operator.token)
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "month"}


async def test_winners_best_piece_gets_the_playbook_boost_in_candidates(api: Api) -> None:
    w, _, (_, bob_piece) = await _scene(api)
    await api.data(RUN, {"input": {"month": MONTH}}, token=w.operator.token)
    assert api.app is not None
    candidates = await api.app.state.services.content.candidates(w.community_id)
    assert {c.id: c.exposure_boost for c in candidates}[bob_piece] == 4.0


async def test_operator_boost_is_read_by_the_ranker_and_others_stay_at_one(api: Api) -> None:
    w = await world(api)
    other = await publish(api, w.member, "Plain")
    boost = await api.data(
        BOOST, {"input": {"contentId": w.content_id, "percent": 300, "days": 7}}, token=w.operator.token
    )
    assert api.app is not None
    candidates = await api.app.state.services.content.candidates(w.community_id)
    assert boost["grantExposureBoost"]["factor"] == 4.0
    assert {c.id: c.exposure_boost for c in candidates} == {w.content_id: 4.0, other: 1.0}


SHARE = "mutation($input: ShareContentInput!) { shareContent(input: $input) { id shares } }"
COMMENT = "mutation($input: AddCommentInput!) { addComment(input: $input) { id } }"


async def test_the_authors_own_votes_comments_and_shares_do_not_score(api: Api) -> None:
    w = await world(api)
    await api.data(VOTE, {"input": {"contentId": w.content_id, "value": "UP"}}, token=w.member.token)
    await api.data(SHARE, {"input": {"contentId": w.content_id, "channel": "wechat"}}, token=w.member.token)
    await api.data(COMMENT, {"input": {"contentId": w.content_id, "text": "me"}}, token=w.member.token)
    await _backdate(api, [w.content_id])
    result = (await api.data(RUN, {"input": {"month": MONTH}}, token=w.operator.token))["runContentStar"]
    assert result["awards"] == []


async def test_repeated_shares_by_one_member_count_once(api: Api) -> None:
    w = await world(api)
    bob = await register(api, "demo", "bob")
    shared = [
        (await api.data(SHARE, {"input": {"contentId": w.content_id, "channel": "wechat"}}, token=bob.token))[
            "shareContent"
        ]
        for _ in range(3)
    ]
    assert [s["shares"] for s in shared] == [1, 1, 1]
    assert len({s["id"] for s in shared}) == 1
    assert count_documents(api.settings, "content", "shares") == 1
