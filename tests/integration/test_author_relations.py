"""followAuthor, unfollowAuthor, blockAuthor, unblockAuthor and myAuthorRelations through the gateway."""

from __future__ import annotations

from bson import ObjectId

from distribution_service.client import DistributionClient
from distribution_service.schemas import AuthorRelations
from distribution_service.store.relations import FOLLOWS
from infra.errors import BadInputError, NotFoundError
from tests.factories import Api, Member, count_documents, create_community, register

FIELDS = "{ following blocked }"
FOLLOW = f"mutation($i: FollowAuthorInput!) {{ followAuthor(input: $i) {FIELDS} }}"
UNFOLLOW = f"mutation($i: UnfollowAuthorInput!) {{ unfollowAuthor(input: $i) {FIELDS} }}"
BLOCK = f"mutation($i: BlockAuthorInput!) {{ blockAuthor(input: $i) {FIELDS} }}"
UNBLOCK = f"mutation($i: UnblockAuthorInput!) {{ unblockAuthor(input: $i) {FIELDS} }}"
MINE = f"{{ myAuthorRelations {FIELDS} }}"


async def community(api: Api, slug: str = "demo") -> tuple[str, Member, Member, Member]:
    community_id = await create_community(api, slug)
    reader = await register(api, slug, "reader")
    ann = await register(api, slug, "ann")
    ben = await register(api, slug, "ben")
    return community_id, reader, ann, ben


async def change(api: Api, mutation: str, member: Member, author_id: str) -> dict[str, list[str]]:
    data = await api.data(mutation, {"i": {"authorId": author_id}}, token=member.token)
    result: dict[str, list[str]] = next(iter(data.values()))
    return result


def distribution(api: Api) -> DistributionClient:
    assert api.app is not None
    client: DistributionClient = api.app.state.services.distribution
    return client


def relations_written(api: Api) -> tuple[int, int]:
    return count_documents(api.settings, "distribution", "follows"), count_documents(
        api.settings, "distribution", "blocks"
    )


async def test_follow_returns_the_members_follows_newest_first(api: Api) -> None:
    _, reader, ann, ben = await community(api)
    await change(api, FOLLOW, reader, ann.id)
    # when
    result = await change(api, FOLLOW, reader, ben.id)
    # then
    assert result == {"following": [ben.id, ann.id], "blocked": []}


async def test_following_twice_keeps_one_follow(api: Api) -> None:
    _, reader, ann, _ = await community(api)
    await change(api, FOLLOW, reader, ann.id)
    # when
    result = await change(api, FOLLOW, reader, ann.id)
    # then
    assert result == {"following": [ann.id], "blocked": []}
    assert relations_written(api) == (1, 0)


async def test_unfollow_removes_the_follow_and_repeating_it_is_fine(api: Api) -> None:
    _, reader, ann, ben = await community(api)
    await change(api, FOLLOW, reader, ann.id)
    await change(api, FOLLOW, reader, ben.id)
    # when
    first = await change(api, UNFOLLOW, reader, ann.id)
    again = await change(api, UNFOLLOW, reader, ann.id)
    # then
    assert first == again == {"following": [ben.id], "blocked": []}


async def test_block_ends_a_follow_of_that_author(api: Api) -> None:
    _, reader, ann, ben = await community(api)
    await change(api, FOLLOW, reader, ann.id)
    await change(api, FOLLOW, reader, ben.id)
    # when
    result = await change(api, BLOCK, reader, ann.id)
    # then
    assert result == {"following": [ben.id], "blocked": [ann.id]}
    assert relations_written(api) == (1, 1)


async def test_blocking_twice_keeps_one_block(api: Api) -> None:
    _, reader, ann, _ = await community(api)
    await change(api, BLOCK, reader, ann.id)
    # when
    result = await change(api, BLOCK, reader, ann.id)
    # then
    assert result == {"following": [], "blocked": [ann.id]}
    assert relations_written(api) == (0, 1)


async def test_following_a_blocked_author_is_a_conflict(api: Api) -> None:
    _, reader, ann, _ = await community(api)
    await change(api, BLOCK, reader, ann.id)
    # when
    errors = await api.errors(FOLLOW, {"i": {"authorId": ann.id}}, token=reader.token)
    # then
    assert errors[0]["extensions"] == {"code": "CONFLICT", "field": "authorId"}
    assert relations_written(api) == (0, 1)


async def test_unblock_lifts_the_block_without_restoring_the_follow(api: Api) -> None:
    _, reader, ann, _ = await community(api)
    await change(api, FOLLOW, reader, ann.id)
    await change(api, BLOCK, reader, ann.id)
    # when
    result = await change(api, UNBLOCK, reader, ann.id)
    again = await change(api, UNBLOCK, reader, ann.id)
    # then
    assert result == again == {"following": [], "blocked": []}
    assert (await change(api, FOLLOW, reader, ann.id)) == {"following": [ann.id], "blocked": []}


async def test_my_author_relations_lists_both_and_takes_first(api: Api) -> None:
    _, reader, ann, ben = await community(api)
    await change(api, FOLLOW, reader, ann.id)
    await change(api, FOLLOW, reader, ben.id)
    carl = await register(api, "demo", "carl")
    await change(api, BLOCK, reader, carl.id)
    # when
    mine = (await api.data(MINE, token=reader.token))["myAuthorRelations"]
    first = (await api.data("{ myAuthorRelations { following(first: 1) } }", token=reader.token))["myAuthorRelations"]
    # then
    assert mine == {"following": [ben.id, ann.id], "blocked": [carl.id]}
    assert first == {"following": [ben.id]}


async def test_first_above_100_is_refused(api: Api) -> None:
    _, reader, _, _ = await community(api)
    errors = await api.errors("{ myAuthorRelations { blocked(first: 101) } }", token=reader.token)
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}


async def test_another_members_relations_are_their_own(api: Api) -> None:
    _, reader, ann, ben = await community(api)
    await change(api, BLOCK, reader, ann.id)
    # when
    mine = (await api.data(MINE, token=ben.token))["myAuthorRelations"]
    # then
    assert mine == {"following": [], "blocked": []}


async def test_following_or_blocking_yourself_is_refused(api: Api) -> None:
    _, reader, _, _ = await community(api)
    for mutation in (FOLLOW, BLOCK):
        errors = await api.errors(mutation, {"i": {"authorId": reader.id}}, token=reader.token)
        assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "authorId"}
    assert relations_written(api) == (0, 0)


async def test_an_unknown_author_is_refused_and_nothing_written(api: Api) -> None:
    _, reader, _, _ = await community(api)
    for mutation in (FOLLOW, BLOCK):
        errors = await api.errors(mutation, {"i": {"authorId": str(ObjectId())}}, token=reader.token)
        assert errors[0]["extensions"] == {"code": "NOT_FOUND", "field": "authorId"}
    assert relations_written(api) == (0, 0)


async def test_a_malformed_author_id_is_bad_input(api: Api) -> None:
    _, reader, _, _ = await community(api)
    errors = await api.errors(FOLLOW, {"i": {"authorId": "../../x"}}, token=reader.token)
    assert (errors[0]["extensions"]["code"], errors[0]["extensions"]["field"]) == ("BAD_USER_INPUT", "authorId")
    assert relations_written(api) == (0, 0)


async def test_an_author_of_another_community_is_unknown(api: Api) -> None:
    _, reader, _, _ = await community(api)
    _, _, stranger, _ = await community(api, "other")
    for mutation in (FOLLOW, BLOCK):
        errors = await api.errors(mutation, {"i": {"authorId": stranger.id}}, token=reader.token)
        assert errors[0]["extensions"] == {"code": "NOT_FOUND", "field": "authorId"}
    assert relations_written(api) == (0, 0)


async def test_a_member_of_one_community_cannot_act_in_another(api: Api) -> None:
    other_id, _, other_author, _ = await community(api, "other")
    _, reader, _, _ = await community(api)
    # when: the service is asked, for community "other", on behalf of a member of "demo"
    try:
        await distribution(api).follow_author(other_id, reader.id, other_author.id)
        raised = None
    except NotFoundError as exc:
        raised = exc
    # then
    assert (raised.field if raised else None) == "memberId"
    assert relations_written(api) == (0, 0)


async def test_relations_of_one_community_are_not_read_in_another(api: Api) -> None:
    demo_id, reader, ann, _ = await community(api)
    other_id, _, _, _ = await community(api, "other")
    await change(api, FOLLOW, reader, ann.id)
    # when
    here = await distribution(api).author_relations(demo_id, [reader.id])
    there = await distribution(api).author_relations(other_id, [reader.id])
    # then
    assert here == {reader.id: AuthorRelations(follows=[ann.id], blocks=[])}
    assert there == {reader.id: AuthorRelations(follows=[], blocks=[])}


async def test_unauthenticated_callers_are_refused(api: Api) -> None:
    _, _, ann, _ = await community(api)
    for mutation in (FOLLOW, UNFOLLOW, BLOCK, UNBLOCK):
        assert await api.error_code(mutation, {"i": {"authorId": ann.id}}) == "UNAUTHENTICATED"
    assert await api.error_code(MINE) == "UNAUTHENTICATED"
    assert relations_written(api) == (0, 0)


async def test_author_relations_answers_a_batch_of_members(api: Api) -> None:
    community_id, reader, ann, ben = await community(api)
    await change(api, FOLLOW, reader, ann.id)
    await change(api, FOLLOW, reader, ben.id)
    await change(api, BLOCK, ann, ben.id)
    nobody = str(ObjectId())
    # when
    found = await distribution(api).author_relations(community_id, [reader.id, ann.id, nobody])
    # then
    assert found == {
        reader.id: AuthorRelations(follows=sorted([ann.id, ben.id]), blocks=[]),
        ann.id: AuthorRelations(follows=[], blocks=[ben.id]),
        nobody: AuthorRelations(follows=[], blocks=[]),
    }


async def test_author_relations_refuses_more_than_1000_members(api: Api) -> None:
    community_id, _, _, _ = await community(api)
    try:
        await distribution(api).author_relations(community_id, [str(ObjectId()) for _ in range(1001)])
        raised = None
    except BadInputError as exc:
        raised = exc
    assert (raised.field if raised else None) == "memberIds"


async def raced_follow(api: Api) -> tuple[str, Member, Member]:
    """A block, then the follow of a request that read "not blocked" before the block was stored."""
    community_id, reader, ann, _ = await community(api)
    await change(api, BLOCK, reader, ann.id)
    assert api.app is not None
    store = api.app.state.services.apps["distribution"].state.service.store
    await store.relations.insert_relation(FOLLOWS, ObjectId(community_id), ObjectId(reader.id), ObjectId(ann.id))
    return community_id, reader, ann


async def test_a_follow_written_in_a_race_with_its_block_stays_hidden(api: Api) -> None:
    community_id, reader, ann = await raced_follow(api)
    # then
    mine = (await api.data(MINE, token=reader.token))["myAuthorRelations"]
    batch = await distribution(api).author_relations(community_id, [reader.id])
    assert mine == {"following": [], "blocked": [ann.id]}
    assert batch == {reader.id: AuthorRelations(follows=[], blocks=[ann.id])}


async def test_unblock_ends_a_follow_that_raced_the_block(api: Api) -> None:
    _, reader, ann = await raced_follow(api)
    # when
    after = await change(api, UNBLOCK, reader, ann.id)
    # then: the follow the block hid does not come back
    assert after == {"following": [], "blocked": []}
