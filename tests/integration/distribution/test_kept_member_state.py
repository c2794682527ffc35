"""A feed member's state kept between their feeds (the member_recent document decoded once per content, their
engagements, profile and text cosines kept while the same): the kept state is what a fresh computation gives
(training's rebuild of the logged matrix), and a new engagement reaches the very next feed after it is derived."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId

from distribution_service.domain import decision_log
from distribution_service.ranking.features import FEATURES
from distribution_service.store.member_recent import recent_id
from tests.factories import Api, Member, create_community, publish, register
from tests.integration.distribution.rebuild import forget_pools, mismatched, served_and_rebuilt
from tests.integration.ingest import derived, distribution

FEED = "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 5) { decisionId } }"
RECORD_MANY = "mutation($i: RecordEventsInput!) { recordEvents(input: $i) { ok } }"
TAGS = (["python", "web"], ["rust"], ["python", "data"], ["sql", "data"])


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


async def _community(api: Api) -> tuple[str, Member, list[str]]:
    """Items of several tags by two authors and a reader who engaged with the first eight of them."""
    cid = await create_community(api, "kept", timezone="UTC")
    authors = [await register(api, "kept", f"author{k}") for k in range(2)]
    items = [
        await publish(api, authors[i % 2], f"Piece {i} about {TAGS[i % 4][0]}", tags=TAGS[i % 4]) for i in range(12)
    ]
    reader = await register(api, "kept", "reader")
    now = datetime.now(UTC)
    kinds = ("ANSWER", "SHARE", "COMMENT", "OPEN", "CLICK")
    events = [
        {
            "contentId": items[(5 * n) % 8],
            "type": kinds[n % len(kinds)],
            "occurredAt": _iso(now - timedelta(minutes=7 + 83 * n, seconds=13)),
        }
        for n in range(14)
    ]
    await api.data(RECORD_MANY, {"i": {"events": events}}, token=reader.token)
    await derived(api)
    return cid, reader, items


async def test_a_members_repeated_feed_uses_the_kept_state_and_logs_what_training_rebuilds(api: Api) -> None:
    # given: the member's first feed (their state computed and kept)
    cid, reader, _ = await _community(api)
    service = distribution(api)
    recent = service.store.events.recent
    await api.data(FEED, token=reader.token)
    # (its impressions counted, and the next feed's pool and counters read afresh: see `forget_pools`)
    await derived(api)
    forget_pools(api)
    decodes, profiles = recent.decoded.decodes, service.ranker.profiles.made
    # when: their next feed, nothing engaged since
    feed = await api.data(FEED, token=reader.token)
    # then: the document was not decoded again, nor their profile made again
    assert recent.decoded.decodes == decodes
    assert recent.decoded.hits >= 1
    assert service.ranker.profiles.made == profiles
    # and the matrix it logged is the one training rebuilds for that moment, member features and text included
    pair = await served_and_rebuilt(api, cid, "kept", "UTC", reader.id, feed["feed"]["decisionId"])
    assert len(pair.candidates) >= 3
    assert mismatched(pair) == {}
    size = FEATURES.index("member_history_size")
    assert set(pair.served[:, size].tolist()) == {14.0}


async def test_a_new_engagement_reaches_the_next_feed_once_derived(api: Api) -> None:
    # given: the member's state kept by two feeds
    cid, reader, items = await _community(api)
    service = distribution(api)
    await api.data(FEED, token=reader.token)
    await api.data(FEED, token=reader.token)
    decodes = service.store.events.recent.decoded.decodes
    # when: one more engagement, derived (the worker pushes it into their member_recent document)
    event = {"contentId": items[9], "type": "SHARE", "occurredAt": _iso(datetime.now(UTC) - timedelta(seconds=5))}
    await api.data(RECORD_MANY, {"i": {"events": [event]}}, token=reader.token)
    await derived(api)
    # (the pool, counters and tag shares read afresh, so that the feed compares with training's rebuild at its
    # moment: see `forget_pools`)
    forget_pools(api)
    feed = await api.data(FEED, token=reader.token)
    # then: the changed document was decoded anew, and the feed's member features count the new engagement
    assert service.store.events.recent.decoded.decodes == decodes + 1
    pair = await served_and_rebuilt(api, cid, "kept", "UTC", reader.id, feed["feed"]["decisionId"])
    assert mismatched(pair) == {}
    assert set(pair.served[:, FEATURES.index("member_history_size")].tolist()) == {15.0}
    # and the item engaged with is no longer a candidate (seen)
    assert items[9] not in {str(c) for c in decision_log.candidate_ids(await _decision(api, cid, feed))}


async def test_a_change_of_follows_changes_the_document_and_is_read_at_once(api: Api) -> None:
    # given: the member's document kept
    cid, reader, _ = await _community(api)
    service = distribution(api)
    store = service.store
    await api.data(FEED, token=reader.token)
    member = ObjectId(reader.id)
    before = await store.events.list_member_docs(ObjectId(cid), [member], limit=100)
    assert before is not None
    # when: the relations mirror is rewritten (a follow), as store/relations_mirror.py does
    author = ObjectId()
    await store.events.recent.set_relations(ObjectId(cid), member, [author], [], None)
    after = await store.events.list_member_docs(ObjectId(cid), [member], limit=100)
    # then: the next read sees it; the events read are the same ones
    assert after is not None
    assert after[reader.id]["relations"] == {"follows": [author], "blocks": []}
    assert after[reader.id]["events"] == before[reader.id]["events"]
    assert recent_id(ObjectId(cid), member) in {key for key, _ in store.events.recent.decoded._kept}


async def _decision(api: Api, cid: str, feed: dict[str, dict[str, str]]) -> dict[str, object]:
    decision = await distribution(api).store.decisions.get_decision(ObjectId(cid), ObjectId(feed["feed"]["decisionId"]))
    assert decision is not None
    return decision
