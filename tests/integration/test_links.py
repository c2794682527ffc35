"""Object links beside raw ids: each resolves to the object its id names, through the request's loaders (one
batched call per kind for a whole list), behind the paywall for content, and in the root field's community."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from composition.topology import Topology
from tests.factories import Api, Member, create_plan, register
from tests.integration.content.paywall_support import SECRET, paywall, subscribe

COMMENT = "mutation($input: AddCommentInput!) { addComment(input: $input) { id } }"
COMMENTS = """
query($id: ID!) {
  comments(contentId: $id) { memberId member { id handle } contentId content { id locked body } }
}
"""
CHANGE = "mutation($i: ChangePlanInput!) { changePlan(input: $i) { pendingPlanId } }"
SUBSCRIPTIONS = """
query($c: ID) {
  subscriptions(communityId: $c) {
    id memberId member { id handle } pendingPlanId pendingPlan { id name }
    latestPaymentId latestPayment { id memberId invoiceId invoice { id paymentId memberId } }
  }
}
"""
# The same root field reached through a fragment spread and an inline fragment: links read in the community the
# admin key names there too.
SUBSCRIPTIONS_IN_FRAGMENTS = """
query($c: ID) { ...Root }
fragment Root on Query { ... on Query { subscriptions(communityId: $c) {
  id memberId member { id handle } pendingPlanId pendingPlan { id name }
  latestPaymentId latestPayment { id memberId invoiceId invoice { id paymentId memberId } }
} } }
"""
SPIED = (
    ("users", "lookup_members"),
    ("content", "lookup"),
    ("billing", "list_plans"),
    ("billing", "lookup_payments"),
    ("billing", "lookup_invoices"),
)


def spy(monkeypatch: pytest.MonkeyPatch, services: Topology) -> Counter[str]:
    """Counts the calls the gateway's loaders make to each service client."""
    calls: Counter[str] = Counter()
    for service, method in SPIED:
        client = getattr(services, service)
        original = getattr(client, method)

        async def counted(*args: Any, _original: Any = original, _name: str = method, **kwargs: Any) -> Any:
            calls[_name] += 1
            return await _original(*args, **kwargs)

        monkeypatch.setattr(client, method, counted)
    return calls


def services(api: Api) -> Topology:
    assert api.app is not None
    topology: Topology = api.app.state.services
    return topology


async def test_a_list_of_comments_links_members_and_the_piece_in_one_call_each_behind_the_paywall(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await paywall(api)
    commenters: list[Member] = [w.expert, w.operator, w.reader]
    commenters += [await register(api, "demo", f"fan{i}") for i in range(3)]
    for member in commenters:
        await api.data(COMMENT, {"input": {"contentId": w.paid_id, "text": "Good"}}, token=member.token)
    calls = spy(monkeypatch, services(api))
    # when: a reader without a subscription reads the comments of a PAID piece
    comments = (await api.data(COMMENTS, {"id": w.paid_id}, token=w.reader.token))["comments"]
    # then: every link is the object its id names, the piece is the reader's teaser, and the list cost one
    # members lookup (after the caller's own) and one content lookup
    assert len(comments) == 6
    assert all(c["member"]["id"] == c["memberId"] and c["content"]["id"] == c["contentId"] for c in comments)
    assert {c["member"]["handle"] for c in comments} == {m.handle for m in commenters}
    assert {(c["content"]["locked"], c["content"]["body"]) for c in comments} == {(True, "")}
    assert calls == Counter({"lookup_members": 2, "lookup": 1})
    # a subscriber's links carry the body
    await subscribe(api, w.reader, w.plan_id)
    unlocked = (await api.data(COMMENTS, {"id": w.paid_id}, token=w.reader.token))["comments"]
    assert all(not c["content"]["locked"] and SECRET in c["content"]["body"] for c in unlocked)


async def test_subscriptions_link_members_plans_payments_and_invoices_in_the_community_the_admin_key_names(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await paywall(api)
    basic = await create_plan(api, w.community_id, name="Basic", price=900)
    subscribers = [w.reader, *[await register(api, "demo", f"sub{i}") for i in range(3)]]
    for member in subscribers:
        await subscribe(api, member, w.plan_id)
    mine = (await api.data(SUBSCRIPTIONS, {"c": w.community_id}, admin=True))["subscriptions"]
    downgraded = next(s for s in mine if s["memberId"] == w.reader.id)
    change = {"subscriptionId": downgraded["id"], "planId": basic, "idempotencyKey": "down"}
    await api.data(CHANGE, {"i": change}, token=w.reader.token)
    calls = spy(monkeypatch, services(api))
    # when: the admin key names the community; an operator reads their own
    as_admin = (await api.data(SUBSCRIPTIONS, {"c": w.community_id}, admin=True))["subscriptions"]
    admin_calls = dict(calls)
    as_operator = (await api.data(SUBSCRIPTIONS, {"c": None}, token=w.operator.token))["subscriptions"]
    in_fragments = (await api.data(SUBSCRIPTIONS_IN_FRAGMENTS, {"c": w.community_id}, admin=True))["subscriptions"]
    # then
    assert downgraded["pendingPlan"] is None
    assert as_admin == as_operator == in_fragments
    assert {s["member"]["handle"] for s in as_admin} == {m.handle for m in subscribers}
    assert all(s["member"]["id"] == s["memberId"] for s in as_admin)
    assert [(s["pendingPlanId"], s["pendingPlan"]) for s in as_admin if s["pendingPlanId"]] == [
        (basic, {"id": basic, "name": "Basic"})
    ]
    payments = [s["latestPayment"] for s in as_admin]
    assert [(p["id"], p["memberId"]) for p in payments] == [(s["latestPaymentId"], s["memberId"]) for s in as_admin]
    assert all(p["invoice"]["id"] == p["invoiceId"] and p["invoice"]["paymentId"] == p["id"] for p in payments)
    assert admin_calls == {"lookup_members": 1, "list_plans": 1, "lookup_payments": 1, "lookup_invoices": 1}
