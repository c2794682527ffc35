"""The item snapshot an event copies is kept a few seconds per process: a member's events on the items their feed
just showed do not ask content each time; an id content does not know is asked (and refused) every time."""

from __future__ import annotations

from bson import ObjectId

from distribution_service.service.event_items import EventItem, EventItems
from tests.factories import Api, create_community, publish, register

EDIT = "mutation($input: EditContentInput!) { editContent(input: $input) { revision } }"


async def test_a_kept_snapshot_answers_until_it_expires_and_unknown_ids_are_never_kept(api: Api) -> None:
    cid = await create_community(api, "demo")
    author = await register(api, "demo", "ann")
    item = await publish(api, author, "Chains", tags=["chains"])
    assert api.app is not None
    content = api.app.state.services.content
    kept, fresh = EventItems(content, ttl_seconds=3600), EventItems(content, ttl_seconds=0)
    unknown = str(ObjectId())
    first = await kept.lookup(ObjectId(cid), [item, unknown])
    assert first == {item: EventItem(["chains"], author.id, "UGC"), unknown: None}
    # when: the item's tags change
    await api.data(EDIT, {"input": {"contentId": item, "tags": ["tyres"]}}, token=author.token)
    # then: the kept snapshot answers within its lifetime; a zero lifetime asks content every time
    assert (await kept.lookup(ObjectId(cid), [item]))[item] == first[item]
    assert (await fresh.lookup(ObjectId(cid), [item]))[item] == EventItem(["tyres"], author.id, "UGC")
    assert (await kept.lookup(ObjectId(cid), [unknown])) == {unknown: None}
