"""Another community's ids are NOT_FOUND for every content write, and its items never show in our lists."""

from __future__ import annotations

from typing import Any

import pytest

from infra.outbox import Outbox
from tests.factories import Api
from tests.integration.content.support import complain, content_app, world

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


async def test_another_communitys_queue_and_deliveries_stay_hidden(api: Api) -> None:
    await _ours(api)
    other = await world(api, "other")
    queue = (await api.data("{ moderationQueue { id } }", token=other.operator.token))["moderationQueue"]
    deliveries = await api.data("{ webhookDeliveries { eventId topic } }", token=other.operator.token)
    # `other` sees only the publication of its own piece.
    assert (queue, [d["topic"] for d in deliveries["webhookDeliveries"]]) == ([], ["content.published"])
