"""Another community's ids are NOT_FOUND for every content write, and its items never show in our lists."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import httpx
import pytest

from content_service.service import webhook_targets
from infra.outbox import Outbox
from tests.factories import Api, publish
from tests.integration.content.support import complain, content_app, world

WEBHOOK = "mutation($input: ConfigureWebhookInput!) { configureWebhook(input: $input) { url } }"
DELIVERIES = "{ webhookDeliveries { eventId topic } }"
OPEN_TOPIC = "mutation($input: OpenTopicInput!) { openTopic(input: $input) { id } }"
CONTRIBUTE = "mutation($input: ContributeToTopicInput!) { contributeToTopic(input: $input) { id } }"
WRITES: dict[str, tuple[str, Any]] = {
    "voteContent": (
        "mutation($input: VoteContentInput!) { voteContent(input: $input) { up } }",
        lambda ids: {"contentId": ids["content"], "value": "UP"},
    ),
    "addComment": (
        "mutation($input: AddCommentInput!) { addComment(input: $input) { id } }",
        lambda ids: {"contentId": ids["content"], "text": "hi"},
    ),
    "addBulletComment": (
        "mutation($input: AddBulletCommentInput!) { addBulletComment(input: $input) { id } }",
        lambda ids: {"contentId": ids["content"], "text": "hi", "paragraph": 1},
    ),
    "shareContent": (
        "mutation($input: ShareContentInput!) { shareContent(input: $input) { shares } }",
        lambda ids: {"contentId": ids["content"]},
    ),
    "contributeToTopic": (CONTRIBUTE, lambda ids: {"topicId": ids["topic"], "text": "hi"}),
    "voteContribution": (
        "mutation($input: VoteContributionInput!) { voteContribution(input: $input) { up } }",
        lambda ids: {"contributionId": ids["contribution"], "value": "UP"},
    ),
    "mergeTopic": (
        "mutation($input: MergeTopicInput!) { mergeTopic(input: $input) { id } }",
        lambda ids: {"topicId": ids["topic"], "contributionIds": [ids["contribution"]]},
    ),
    "decideComplaint": (
        "mutation($input: DecideComplaintInput!) { decideComplaint(input: $input) { id } }",
        lambda ids: {"complaintId": ids["complaint"], "action": "UPHOLD"},
    ),
    "replayWebhookDelivery": (
        "mutation($input: ReplayWebhookDeliveryInput!) { replayWebhookDelivery(input: $input) { eventId } }",
        lambda ids: {"eventId": ids["event"]},
    ),
}


async def _ours(api: Api) -> tuple[dict[str, str], Any]:
    w = await world(api)
    topic = (await api.data(OPEN_TOPIC, {"input": {"title": "T", "prompt": "P"}}, token=w.member.token))["openTopic"]
    contribution = await api.data(CONTRIBUTE, {"input": {"topicId": topic["id"], "text": "x"}}, token=w.member.token)
    complaint = await complain(api, w.member, targetType="CONTENT", targetId=w.content_id, category="SPAM")
    outbox: Outbox = content_app(api).state.outbox
    (event, *_) = await outbox.list_for_community(w.community_id, destination="webhook", limit=5)
    ids = {
        "content": w.content_id,
        "topic": topic["id"],
        "contribution": contribution["contributeToTopic"]["id"],
        "complaint": complaint["id"],
        "event": str(event["_id"]),
    }
    return ids, w


@pytest.mark.parametrize("operation", sorted(WRITES))
async def test_another_communitys_ids_are_not_found(api: Api, operation: str) -> None:
    ids, _ = await _ours(api)
    other = await world(api, "other")
    query, make = WRITES[operation]
    assert await api.error_code(query, {"input": make(ids)}, token=other.operator.token) == "NOT_FOUND"


async def _delivered_publication(api: Api, w: Any) -> list[dict[str, Any]]:
    """A crisis webhook for `w`'s community, then a publication there, fanned out to it (bounded poll)."""
    hook = {"input": {"url": "https://hooks.example/in", "secret": "s" * 16}}
    await api.data(WEBHOOK, hook, token=w.operator.token)
    await publish(api, w.member, "After the hook")
    for _ in range(100):
        await content_app(api).state.relay.relay_once()
        deliveries = (await api.data(DELIVERIES, token=w.operator.token))["webhookDeliveries"]
        if deliveries:
            return list(deliveries)
        await asyncio.sleep(0.05)
    raise AssertionError("the publication never reached the webhook")


async def test_another_communitys_queue_and_deliveries_stay_hidden(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    async def resolve(host: str, port: int, **_: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]  # a public address

    monkeypatch.setattr(webhook_targets.anyio, "getaddrinfo", resolve)
    content_app(api).state.webhooks.transport = httpx.MockTransport(lambda request: httpx.Response(204))
    _, ours = await _ours(api)
    our_deliveries = await _delivered_publication(api, ours)
    other = await world(api, "other")
    await _delivered_publication(api, other)
    queue = (await api.data("{ moderationQueue { id } }", token=other.operator.token))["moderationQueue"]
    deliveries = (await api.data(DELIVERIES, token=other.operator.token))["webhookDeliveries"]
    # `other` sees only the publications of its own pieces, none of ours.
    assert (queue, {d["topic"] for d in deliveries}) == ([], {"content.published"})
    assert not {d["eventId"] for d in deliveries} & {d["eventId"] for d in our_deliveries}
