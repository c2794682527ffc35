"""A community never sees another community's members, content or plans."""

from __future__ import annotations

from tests.factories import Api, create_community, create_plan, grant, publish, register

FEED = "{ feed(slot: NOON, scene: DURING_DECISION, first: 50) { items { content { id } } } }"


async def test_feed_shows_only_own_community_content(api: Api) -> None:
    await create_community(api, "one")
    await create_community(api, "two")
    alice = await register(api, "one", "alice")
    carol = await register(api, "one", "carol")  # a feed never shows alice her own items
    bob = await register(api, "two", "bob")
    mine = await publish(api, carol, "In one")
    await publish(api, bob, "In two")
    items = (await api.data(FEED, token=alice.token))["feed"]["items"]
    assert [i["content"]["id"] for i in items] == [mine]


async def test_content_of_another_community_is_not_found(api: Api) -> None:
    await create_community(api, "one")
    await create_community(api, "two")
    alice = await register(api, "one", "alice")
    bob = await register(api, "two", "bob")
    theirs = await publish(api, bob, "In two")
    errors = await api.errors("query($id: ID!) { content(id: $id) { id } }", {"id": theirs}, token=alice.token)
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"


async def test_event_on_another_community_content_is_not_found(api: Api) -> None:
    await create_community(api, "one")
    await create_community(api, "two")
    alice = await register(api, "one", "alice")
    bob = await register(api, "two", "bob")
    theirs = await publish(api, bob, "In two")
    code = await api.error_code(
        "mutation($i: RecordEventInput!) { recordEvent(input: $i) { ok } }",
        {"i": {"contentId": theirs, "type": "OPEN"}},
        token=alice.token,
    )
    assert code == "NOT_FOUND"


async def test_plans_of_another_community_cannot_be_read_or_bought(api: Api) -> None:
    await create_community(api, "one")
    two = await create_community(api, "two")
    their_plan = await create_plan(api, two)
    alice = await register(api, "one", "alice")
    assert (await api.data("{ plans { id } }", token=alice.token))["plans"] == []
    code = await api.error_code("query($c: ID) { plans(communityId: $c) { id } }", {"c": two}, token=alice.token)
    assert code == "FORBIDDEN"
    code = await api.error_code(
        "mutation($i: SubscribeInput!) { subscribe(input: $i) { subscription { id } } }",
        {"i": {"planId": their_plan, "idempotencyKey": "k"}},
        token=alice.token,
    )
    assert code == "NOT_FOUND"


async def test_operator_cannot_act_on_another_community(api: Api) -> None:
    one = await create_community(api, "one")
    two = await create_community(api, "two")
    alice = await register(api, "one", "alice")
    await register(api, "two", "bob")
    await grant(api, one, "alice", "OPERATOR")
    code = await api.error_code(
        "mutation($i: GrantRoleInput!) { grantRole(input: $i) { id } }",
        {"i": {"communityId": two, "handle": "bob", "role": "OPERATOR"}},
        token=alice.token,
    )
    assert code == "FORBIDDEN"


async def test_grant_role_by_handle_of_another_community_is_not_found(api: Api) -> None:
    one = await create_community(api, "one")
    await create_community(api, "two")
    await register(api, "two", "bob")
    code = await api.error_code(
        "mutation($i: GrantRoleInput!) { grantRole(input: $i) { id } }",
        {"i": {"communityId": one, "handle": "bob", "role": "EXPERT"}},
        admin=True,
    )
    assert code == "NOT_FOUND"


async def test_token_of_one_community_cannot_read_another_member(api: Api) -> None:
    await create_community(api, "one")
    await create_community(api, "two")
    alice = await register(api, "one", "alice")
    bob = await register(api, "two", "bob")
    mine = await publish(api, alice, "Mine")
    # a forged pairing: alice's token edited to claim community two fails signature checks
    assert (await api.data("{ me { handle } }", token=bob.token))["me"] == {"handle": "bob"}
    items = (await api.data(FEED, token=bob.token))["feed"]["items"]
    assert mine not in [i["content"]["id"] for i in items]
