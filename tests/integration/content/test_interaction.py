"""Votes, bullet comments, threaded comments, shares and topic co-creation, through the gateway."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.factories import Api, count_documents, register
from tests.integration.content.support import world

VOTE = "mutation($input: VoteContentInput!) { voteContent(input: $input) { up down score mine } }"
VOTES = "query($id: ID!) { contentVotes(contentId: $id) { up down mine } }"
BULLET = """
mutation($input: AddBulletCommentInput!) { addBulletComment(input: $input) { id paragraph mediaMs text } }
"""
BULLETS = """
query($id: ID!, $pf: Int, $pt: Int, $mf: Int, $mt: Int) {
  bulletComments(contentId: $id, paragraphFrom: $pf, paragraphTo: $pt, msFrom: $mf, msTo: $mt) {
    text paragraph mediaMs
  }
}
"""
CREATE = (
    "mutation($input: CreateContentInput!) { createContent(input: $input) { id status paragraphs mediaDurationMs } }"
)
COMMENT = "mutation($input: AddCommentInput!) { addComment(input: $input) { id parentId threadId depth } }"
COMMENTS = "query($id: ID!) { comments(contentId: $id) { id depth } }"
SHARE = "mutation($input: ShareContentInput!) { shareContent(input: $input) { shares channel } }"


async def _vote(api: Api, token: str, content_id: str, value: str) -> dict[str, Any]:
    data = await api.data(VOTE, {"input": {"contentId": content_id, "value": value}}, token=token)
    result: dict[str, Any] = data["voteContent"]
    return result


async def test_first_vote_counts(api: Api) -> None:
    w = await world(api)
    assert await _vote(api, w.member.token, w.content_id, "UP") == {"up": 1, "down": 0, "score": 1, "mine": "UP"}


async def test_second_vote_replaces_the_first(api: Api) -> None:
    w = await world(api)
    await _vote(api, w.member.token, w.content_id, "UP")
    assert await _vote(api, w.member.token, w.content_id, "DOWN") == {"up": 0, "down": 1, "score": -1, "mine": "DOWN"}
    assert count_documents(api.settings, "content", "votes") == 1


async def test_concurrent_votes_of_many_members_count_exactly(api: Api) -> None:
    w = await world(api)
    members = [await register(api, "demo", f"v{i}") for i in range(12)]
    await asyncio.gather(
        *(_vote(api, m.token, w.content_id, "UP" if i % 3 else "DOWN") for i, m in enumerate(members)),
        *(_vote(api, m.token, w.content_id, "UP" if i % 3 else "DOWN") for i, m in enumerate(members)),
    )
    votes = (await api.data(VOTES, {"id": w.content_id}, token=w.member.token))["contentVotes"]
    assert votes == {"up": 8, "down": 4, "mine": None}


async def test_bullet_comment_anchored_to_a_paragraph(api: Api) -> None:
    w = await world(api)
    body = {"title": "Three", "body": "one\n\ntwo\n\nthree"}
    created = (await api.data(CREATE, {"input": body}, token=w.member.token))["createContent"]
    bullet = await api.data(
        BULLET, {"input": {"contentId": created["id"], "text": "nice", "paragraph": 2}}, token=w.member.token
    )
    assert (created["paragraphs"], bullet["addBulletComment"]["paragraph"]) == (3, 2)


async def test_bullet_comment_past_the_last_paragraph_is_rejected(api: Api) -> None:
    w = await world(api)
    errors = await api.errors(
        BULLET, {"input": {"contentId": w.content_id, "text": "late", "paragraph": 1}}, token=w.member.token
    )
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "paragraph"}
    assert count_documents(api.settings, "content", "bullet_comments") == 0


async def test_bullet_comment_past_the_end_of_the_media_is_rejected(api: Api) -> None:
    w = await world(api)
    body = {"title": "Video", "body": "clip", "mediaDurationMs": 60_000}
    created = (await api.data(CREATE, {"input": body}, token=w.member.token))["createContent"]
    ok = await api.data(
        BULLET, {"input": {"contentId": created["id"], "text": "end", "mediaMs": 60_000}}, token=w.member.token
    )
    errors = await api.errors(
        BULLET, {"input": {"contentId": created["id"], "text": "after", "mediaMs": 60_001}}, token=w.member.token
    )
    assert (ok["addBulletComment"]["mediaMs"], errors[0]["extensions"]["field"]) == (60_000, "mediaMs")


async def test_bullet_comment_needs_exactly_one_anchor(api: Api) -> None:
    w = await world(api)
    code = await api.error_code(BULLET, {"input": {"contentId": w.content_id, "text": "x"}}, token=w.member.token)
    assert code == "BAD_USER_INPUT"


async def test_bullet_comments_are_rate_limited_per_member(gateway_with: Any) -> None:
    async with gateway_with(BULLET_COMMENTS_PER_MINUTE=2) as api:
        w = await world(api)
        payload = {"input": {"contentId": w.content_id, "text": "x", "paragraph": 0}}
        await api.data(BULLET, payload, token=w.member.token)
        await api.data(BULLET, payload, token=w.member.token)
        third = await api.error_code(BULLET, payload, token=w.member.token)
        other = await api.data(BULLET, payload, token=w.operator.token)
        assert (third, other["addBulletComment"]["paragraph"]) == ("RATE_LIMITED", 0)


async def test_bullet_comments_listed_by_media_window_in_position_order(api: Api) -> None:
    w = await world(api)
    body = {"title": "Video", "body": "clip", "mediaDurationMs": 100_000}
    cid = (await api.data(CREATE, {"input": body}, token=w.member.token))["createContent"]["id"]
    for ms in (50_000, 10_000, 90_000):
        await api.data(BULLET, {"input": {"contentId": cid, "text": f"at {ms}", "mediaMs": ms}}, token=w.member.token)
    data = await api.data(BULLETS, {"id": cid, "mf": 0, "mt": 60_000}, token=w.member.token)
    assert [b["mediaMs"] for b in data["bulletComments"]] == [10_000, 50_000]


async def test_threaded_comments_record_parent_thread_and_depth(api: Api) -> None:
    w = await world(api)
    root = (await api.data(COMMENT, {"input": {"contentId": w.content_id, "text": "q"}}, token=w.member.token))[
        "addComment"
    ]
    reply = await api.data(
        COMMENT, {"input": {"contentId": w.content_id, "text": "a", "parentId": root["id"]}}, token=w.operator.token
    )
    assert reply["addComment"] == {
        "id": reply["addComment"]["id"],
        "parentId": root["id"],
        "threadId": root["id"],
        "depth": 1,
    }
    listed = (await api.data(COMMENTS, {"id": w.content_id}, token=w.member.token))["comments"]
    assert [c["depth"] for c in listed] == [0, 1]


async def test_share_counts_shares(api: Api) -> None:
    w = await world(api)
    await api.data(SHARE, {"input": {"contentId": w.content_id}}, token=w.member.token)
    data = await api.data(SHARE, {"input": {"contentId": w.content_id, "channel": "wechat"}}, token=w.operator.token)
    assert data["shareContent"] == {"shares": 2, "channel": "wechat"}


async def test_draft_takes_no_votes(api: Api) -> None:
    w = await world(api)
    draft = await api.data(CREATE, {"input": {"title": "D", "body": "d", "draft": True}}, token=w.member.token)
    code = await api.error_code(
        VOTE, {"input": {"contentId": draft["createContent"]["id"], "value": "UP"}}, token=w.member.token
    )
    assert (draft["createContent"]["status"], code) == ("DRAFT", "CONFLICT")


OPEN_TOPIC = "mutation($input: OpenTopicInput!) { openTopic(input: $input) { id status } }"
CONTRIBUTE = "mutation($input: ContributeToTopicInput!) { contributeToTopic(input: $input) { id } }"
VOTE_CONTRIBUTION = "mutation($input: VoteContributionInput!) { voteContribution(input: $input) { up } }"
MERGE = "mutation($input: MergeTopicInput!) { mergeTopic(input: $input) { id status body creditIds } }"
TOPIC = "query($id: ID!) { topic(id: $id) { status contentId contributions { id score } } }"


async def test_topic_co_creation_merges_chosen_contributions_crediting_each_contributor(api: Api) -> None:
    w = await world(api)
    bob = await register(api, "demo", "bob")
    topic = await api.data(
        OPEN_TOPIC, {"input": {"title": "Best rides", "prompt": "Share one"}}, token=w.operator.token
    )
    tid = topic["openTopic"]["id"]
    a = (await api.data(CONTRIBUTE, {"input": {"topicId": tid, "text": "Alps"}}, token=w.member.token))[
        "contributeToTopic"
    ]
    b = (await api.data(CONTRIBUTE, {"input": {"topicId": tid, "text": "Dolomites"}}, token=bob.token))[
        "contributeToTopic"
    ]
    await api.data(VOTE_CONTRIBUTION, {"input": {"contributionId": b["id"], "value": "UP"}}, token=w.member.token)
    listed = (await api.data(TOPIC, {"id": tid}, token=w.member.token))["topic"]["contributions"]
    merged = await api.data(
        MERGE, {"input": {"topicId": tid, "contributionIds": [b["id"], a["id"]]}}, token=w.operator.token
    )
    assert [c["id"] for c in listed] == [b["id"], a["id"]]
    assert {k: merged["mergeTopic"][k] for k in ("status", "body", "creditIds")} == {
        "status": "PUBLISHED",
        "body": "Dolomites\n\nAlps",
        "creditIds": [bob.id, w.member.id],
    }
    after = (await api.data(TOPIC, {"id": tid}, token=w.member.token))["topic"]
    assert (after["status"], after["contentId"]) == ("MERGED", merged["mergeTopic"]["id"])


async def test_topic_contributions_take_first(api: Api) -> None:
    w = await world(api)
    tid = (await api.data(OPEN_TOPIC, {"input": {"title": "T", "prompt": "P"}}, token=w.operator.token))["openTopic"][
        "id"
    ]
    for text in ("a", "b", "c"):
        await api.data(CONTRIBUTE, {"input": {"topicId": tid, "text": text}}, token=w.member.token)
    query = "query($id: ID!) { topic(id: $id) { contributions(first: 2) { id } } }"
    too_many = "query($id: ID!) { topic(id: $id) { contributions(first: 101) { id } } }"
    listed = (await api.data(query, {"id": tid}, token=w.member.token))["topic"]["contributions"]
    assert (len(listed), await api.error_code(too_many, {"id": tid}, token=w.member.token)) == (2, "BAD_USER_INPUT")


async def test_content_revisions_take_first_in_the_store(api: Api) -> None:
    w = await world(api)
    edit = "mutation($input: EditContentInput!) { editContent(input: $input) { revision } }"
    for title in ("v2", "v3", "v4"):
        await api.data(edit, {"input": {"contentId": w.content_id, "title": title}}, token=w.member.token)
    query = "query($id: ID!) { contentRevisions(contentId: $id, first: 2) { number } }"
    revisions = (await api.data(query, {"id": w.content_id}, token=w.member.token))["contentRevisions"]
    assert revisions == [{"number": 1}, {"number": 2}]
