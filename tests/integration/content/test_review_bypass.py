"""Review cannot be bypassed: PUBLISH of a draft, re-publishing a rejected piece and member edits re-run it."""

from __future__ import annotations

from typing import Any

from tests.factories import Api
from tests.integration.content.support import world

CREATE = "mutation($input: CreateContentInput!) { createContent(input: $input) { id status reviewReasons } }"
TRANSITION = (
    "mutation($input: TransitionContentInput!) { transitionContent(input: $input) { id status reviewReasons } }"
)
EDIT = "mutation($input: EditContentInput!) { editContent(input: $input) { revision } }"
SETTINGS = "mutation($input: UpdateContentSettingsInput!) { updateContentSettings(input: $input) { blockedWords } }"
STATUS = "query($id: ID!) { content(id: $id) { status } }"


async def _transition(api: Api, token: str, content_id: str, action: str) -> dict[str, Any]:
    data = await api.data(TRANSITION, {"input": {"contentId": content_id, "action": action}}, token=token)
    result: dict[str, Any] = data["transitionContent"]
    return result


async def _draft(api: Api, token: str, body: str = "B") -> str:
    data = await api.data(CREATE, {"input": {"title": "T", "body": body, "draft": True}}, token=token)
    content_id: str = data["createContent"]["id"]
    return content_id


async def test_publishing_a_flagged_draft_sends_it_to_review(api: Api) -> None:
    w = await world(api)
    await api.data(SETTINGS, {"input": {"blockedWords": ["casino"]}}, token=w.operator.token)
    draft = await _draft(api, w.member.token, body="Best casino deals")
    result = await _transition(api, w.member.token, draft, "PUBLISH")
    assert (result["status"], result["reviewReasons"]) == ("REVIEW", ["the text filter flagged: casino"])


async def test_publishing_a_review_required_draft_sends_it_to_review(api: Api) -> None:
    w = await world(api)
    await api.data(
        "mutation($input: UpdateContentSettingsInput!) { updateContentSettings(input: $input) { reviewRequired } }",
        {"input": {"reviewRequired": {"UGC": True}}},
        token=w.operator.token,
    )
    draft = await _draft(api, w.member.token)
    result = await _transition(api, w.member.token, draft, "PUBLISH")
    assert (result["status"], result["reviewReasons"]) == ("REVIEW", ["UGC content is reviewed in this community"])


async def test_clean_draft_still_publishes_at_once(api: Api) -> None:
    w = await world(api)
    draft = await _draft(api, w.member.token)
    assert (await _transition(api, w.member.token, draft, "PUBLISH"))["status"] == "PUBLISHED"


async def test_a_rejected_piece_goes_back_to_review_when_published_again(api: Api) -> None:
    w = await world(api)
    await api.data(SETTINGS, {"input": {"blockedWords": ["casino"]}}, token=w.operator.token)
    draft = await _draft(api, w.member.token, body="casino")
    await _transition(api, w.member.token, draft, "SUBMIT")
    rejected = await _transition(api, w.operator.token, draft, "REJECT")
    await api.data(EDIT, {"input": {"contentId": draft, "body": "clean now"}}, token=w.member.token)
    again = await _transition(api, w.member.token, draft, "PUBLISH")
    assert (rejected["status"], again["status"], again["reviewReasons"]) == (
        "DRAFT",
        "REVIEW",
        ["rejected by a moderator: it is reviewed again"],
    )


async def test_a_member_edit_that_trips_the_filter_takes_the_piece_back_to_review(api: Api) -> None:
    w = await world(api)
    await api.data(SETTINGS, {"input": {"blockedWords": ["casino"]}}, token=w.operator.token)
    await api.data(EDIT, {"input": {"contentId": w.content_id, "body": "now a casino ad"}}, token=w.member.token)
    status = (await api.data(STATUS, {"id": w.content_id}, token=w.operator.token))["content"]["status"]
    assert status == "REVIEW"


async def test_an_operator_edit_does_not_rerun_the_filter(api: Api) -> None:
    w = await world(api)
    await api.data(SETTINGS, {"input": {"blockedWords": ["casino"]}}, token=w.operator.token)
    await api.data(EDIT, {"input": {"contentId": w.content_id, "body": "casino policy"}}, token=w.operator.token)
    status = (await api.data(STATUS, {"id": w.content_id}, token=w.operator.token))["content"]["status"]
    assert status == "PUBLISHED"


OPEN_TOPIC = "mutation($input: OpenTopicInput!) { openTopic(input: $input) { id } }"
CONTRIBUTE = "mutation($input: ContributeToTopicInput!) { contributeToTopic(input: $input) { id } }"
MERGE = "mutation($input: MergeTopicInput!) { mergeTopic(input: $input) { id status reviewReasons } }"


async def _topic_with_one_contribution(api: Api, token: str, text: str) -> tuple[str, str]:
    tid = (await api.data(OPEN_TOPIC, {"input": {"title": "Rides", "prompt": "Share"}}, token=token))["openTopic"]["id"]
    contribution = await api.data(CONTRIBUTE, {"input": {"topicId": tid, "text": text}}, token=token)
    return tid, contribution["contributeToTopic"]["id"]


async def test_merging_a_topic_as_pgc_needs_the_expert_role(api: Api) -> None:
    w = await world(api)
    tid, cid = await _topic_with_one_contribution(api, w.member.token, "Alps")
    errors = await api.errors(
        MERGE, {"input": {"topicId": tid, "contributionIds": [cid], "kind": "PGC"}}, token=w.member.token
    )
    assert errors[0]["extensions"] == {"code": "FORBIDDEN", "field": "kind"}


async def test_merging_a_topic_as_commercial_needs_the_operator_role(api: Api) -> None:
    w = await world(api)
    tid, cid = await _topic_with_one_contribution(api, w.member.token, "Alps")
    code = await api.error_code(
        MERGE, {"input": {"topicId": tid, "contributionIds": [cid], "kind": "COMMERCIAL"}}, token=w.member.token
    )
    assert code == "FORBIDDEN"


async def test_a_flagged_merge_goes_to_review(api: Api) -> None:
    w = await world(api)
    await api.data(SETTINGS, {"input": {"blockedWords": ["casino"]}}, token=w.operator.token)
    tid, cid = await _topic_with_one_contribution(api, w.member.token, "casino tips")
    merged = (await api.data(MERGE, {"input": {"topicId": tid, "contributionIds": [cid]}}, token=w.member.token))[
        "mergeTopic"
    ]
    assert (merged["status"], merged["reviewReasons"]) == ("REVIEW", ["the text filter flagged: casino"])
