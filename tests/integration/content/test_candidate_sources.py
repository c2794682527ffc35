"""The feed's candidate sources: published items by tag, by author and boosted, each scoped to one community."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from bson import ObjectId

from content_service.client import ContentClient
from content_service.domain.kinds import ContentKind
from content_service.schemas import ContentCreate
from infra.errors import BadInputError
from tests.factories import Api, Member, publish, register
from tests.integration.content.support import content_app, world

BOOST = "mutation($input: GrantExposureBoostInput!) { grantExposureBoost(input: $input) { factor } }"


@dataclass(frozen=True)
class Scene:
    community_id: str
    alice: Member
    bob: Member
    operator: Member
    # alice's pieces, oldest first: "maintenance" (from world()), "tyres", "maintenance"+"tyres"
    alice_pieces: list[str]
    bob_piece: str


def content(api: Api) -> ContentClient:
    assert api.app is not None
    client: ContentClient = api.app.state.services.content
    return client


async def _set_published_at(api: Api, content_id: str, when: datetime) -> None:
    store = content_app(api).state.store.pieces
    await store.content.update_one({"_id": ObjectId(content_id)}, {"$set": {"published_at": when}})


async def scene(api: Api) -> Scene:
    w = await world(api)
    tyres = await publish(api, w.member, "Tyre pressure", tags=["tyres"])
    both = await publish(api, w.member, "Winter kit", tags=["maintenance", "Tyres"])
    bob = await register(api, "demo", "bob")
    bob_piece = await publish(api, bob, "Saddles", tags=["comfort"])
    # Distinct, known publication times: newest is `both`.
    for day, cid in enumerate([w.content_id, tyres, both, bob_piece], start=1):
        await _set_published_at(api, cid, datetime(2026, 3, day, tzinfo=UTC))
    return Scene(w.community_id, w.member, bob, w.operator, [w.content_id, tyres, both], bob_piece)


async def test_by_tag_lists_published_items_carrying_any_tag_newest_first(api: Api) -> None:
    s = await scene(api)
    # when
    sources = await content(api).candidate_sources(s.community_id, tags=["Tyres", "comfort"], author_ids=[])
    # then
    assert [i.id for i in sources.by_tag] == [s.bob_piece, s.alice_pieces[2], s.alice_pieces[1]]
    assert (sources.by_author, sources.boosted) == ([], [])


async def test_by_author_lists_the_authors_published_items_newest_first(api: Api) -> None:
    s = await scene(api)
    # when
    sources = await content(api).candidate_sources(s.community_id, tags=[], author_ids=[s.alice.id])
    # then
    assert [i.id for i in sources.by_author] == list(reversed(s.alice_pieces))
    assert {i.author_id for i in sources.by_author} == {s.alice.id}
    assert sources.by_tag == []


async def test_each_source_is_cut_at_per_source(api: Api) -> None:
    s = await scene(api)
    # when
    sources = await content(api).candidate_sources(
        s.community_id, tags=["maintenance"], author_ids=[s.alice.id], per_source=1
    )
    # then
    assert ([i.id for i in sources.by_tag], [i.id for i in sources.by_author]) == (
        [s.alice_pieces[2]],
        [s.alice_pieces[2]],
    )


async def test_unpublished_items_are_not_candidates(api: Api) -> None:
    s = await scene(api)
    draft = ContentCreate(
        author_id=s.alice.id, title="Draft", body="b", kind=ContentKind.UGC, tags=["tyres"], draft=True
    )
    await content(api).publish(s.community_id, draft)
    # when
    sources = await content(api).candidate_sources(s.community_id, tags=["tyres"], author_ids=[s.alice.id])
    # then
    assert [i.id for i in sources.by_tag] == [s.alice_pieces[2], s.alice_pieces[1]]
    assert [i.id for i in sources.by_author] == list(reversed(s.alice_pieces))


async def test_boosted_lists_running_boosts_highest_first_whatever_their_age(api: Api) -> None:
    s = await scene(api)
    old = s.alice_pieces[0]
    await _set_published_at(api, old, datetime(2020, 1, 1, tzinfo=UTC))
    await api.data(BOOST, {"input": {"contentId": old, "percent": 300, "days": 7}}, token=s.operator.token)
    await api.data(BOOST, {"input": {"contentId": s.bob_piece, "percent": 100, "days": 7}}, token=s.operator.token)
    # when
    sources = await content(api).candidate_sources(s.community_id, tags=[], author_ids=[])
    # then
    assert [(i.id, i.exposure_boost) for i in sources.boosted] == [(old, 4.0), (s.bob_piece, 2.0)]


async def test_ended_boosts_and_hidden_items_are_not_boosted(api: Api) -> None:
    s = await scene(api)
    hide = "mutation($input: TransitionContentInput!) { transitionContent(input: $input) { status } }"
    for piece in (s.alice_pieces[0], s.bob_piece):
        await api.data(BOOST, {"input": {"contentId": piece, "percent": 300, "days": 7}}, token=s.operator.token)
    await api.data(hide, {"input": {"contentId": s.bob_piece, "action": "HIDE"}}, token=s.operator.token)
    boosts = content_app(api).state.store.incentives.boosts
    await boosts.update_one(
        {"content_id": ObjectId(s.alice_pieces[0])}, {"$set": {"ends_at": datetime(2026, 1, 1, tzinfo=UTC)}}
    )
    # when
    sources = await content(api).candidate_sources(s.community_id, tags=[], author_ids=[])
    # then
    assert sources.boosted == []


async def test_tag_and_author_items_carry_their_exposure_boost(api: Api) -> None:
    s = await scene(api)
    await api.data(BOOST, {"input": {"contentId": s.alice_pieces[1], "percent": 300}}, token=s.operator.token)
    # when
    sources = await content(api).candidate_sources(s.community_id, tags=["tyres"], author_ids=[s.alice.id])
    # then
    assert [(i.id, i.exposure_boost) for i in sources.by_tag] == [(s.alice_pieces[2], 1.0), (s.alice_pieces[1], 4.0)]
    assert {i.id: i.exposure_boost for i in sources.by_author}[s.alice_pieces[1]] == 4.0


async def test_another_communitys_items_never_appear(api: Api) -> None:
    s = await scene(api)
    other = await world(api, "other")
    await api.data(BOOST, {"input": {"contentId": other.content_id, "percent": 300}}, token=other.operator.token)
    # when: community demo asks with the other community's author and their tag
    sources = await content(api).candidate_sources(s.community_id, tags=["maintenance"], author_ids=[other.member.id])
    # then
    assert [i.id for i in sources.by_tag] == [s.alice_pieces[2], s.alice_pieces[0]]
    assert (sources.by_author, sources.boosted) == ([], [])


@pytest.mark.parametrize(
    ("tags", "author_ids", "per_source", "field"),
    [
        ([f"t{i}" for i in range(201)], [], 10, "tags"),
        (["two words"], [], 10, "tags"),
        ([], ["not-an-id"], 10, "authorIds"),
        ([], [str(ObjectId()) for _ in range(1001)], 10, "authorIds"),
        ([], [], 0, "perSource"),
        ([], [], 1001, "perSource"),
    ],
)
async def test_bad_input_is_refused_naming_the_field(
    api: Api, tags: list[str], author_ids: list[str], per_source: int, field: str
) -> None:
    s = await scene(api)
    with pytest.raises(BadInputError, match=f"^{field}") as caught:
        await content(api).candidate_sources(s.community_id, tags=tags, author_ids=author_ids, per_source=per_source)
    assert caught.value.field == field


async def test_the_limits_themselves_are_accepted(api: Api) -> None:
    s = await scene(api)
    # when: 200 tags, 1000 authors, 1000 per source
    sources = await content(api).candidate_sources(
        s.community_id,
        tags=["tyres", *(f"t{i}" for i in range(199))],
        author_ids=[s.bob.id, *(str(ObjectId()) for _ in range(999))],
        per_source=1000,
    )
    # then
    assert ([i.id for i in sources.by_tag], [i.id for i in sources.by_author]) == (
        [s.alice_pieces[2], s.alice_pieces[1]],
        [s.bob_piece],
    )


async def test_per_key_gives_each_asked_tag_its_own_newest_items(api: Api) -> None:
    s = await scene(api)
    # when: one item per tag; "Winter kit" carries two asked tags and fills both
    sources = await content(api).candidate_sources(
        s.community_id, tags=["maintenance", "tyres", "comfort"], author_ids=[], per_key=1
    )
    # then
    assert [i.id for i in sources.by_tag] == [s.bob_piece, s.alice_pieces[2]]


async def test_per_key_keeps_a_quiet_author_beside_a_busy_one(api: Api) -> None:
    s = await scene(api)
    await _set_published_at(api, s.bob_piece, datetime(2026, 2, 1, tzinfo=UTC))
    authors = [s.alice.id, s.bob.id]
    # when
    plain = await content(api).candidate_sources(s.community_id, tags=[], author_ids=authors, per_source=2)
    quota = await content(api).candidate_sources(s.community_id, tags=[], author_ids=authors, per_source=2, per_key=1)
    # then: without quotas alice's two newest fill the cut; with one each, bob's older piece keeps its place
    assert [i.id for i in plain.by_author] == [s.alice_pieces[2], s.alice_pieces[1]]
    assert [i.id for i in quota.by_author] == [s.alice_pieces[2], s.bob_piece]


async def test_per_key_below_one_is_refused_naming_the_field(api: Api) -> None:
    s = await scene(api)
    with pytest.raises(BadInputError, match="^perKey") as caught:
        await content(api).candidate_sources(s.community_id, tags=["tyres"], author_ids=[], per_key=0)
    assert caught.value.field == "perKey"
