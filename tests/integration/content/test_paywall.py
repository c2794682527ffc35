"""The paywall through the gateway: who reads a gated body, subscribing unlocks it, partners read public bodies,
and a bad requirement writes nothing."""

from __future__ import annotations

from tests.factories import Api, count_documents, create_plan, register
from tests.integration.content.paywall_support import SECRET, paywall, publish_as, subscribe
from tests.integration.partners.support import create_key

CONTENT = "query($id: ID!) { content(id: $id) { id body locked preview access planIds minTier } }"
FEED = "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 20) { items { content { id body locked } } } }"
CONNECTION = "{ contentConnection(first: 20) { edges { node { id title body locked preview } } } }"
EDIT = "mutation($input: EditContentInput!) { editContent(input: $input) { revision } }"
SETTINGS = "mutation($input: UpdateContentSettingsInput!) { updateContentSettings(input: $input) { previewChars } }"


async def read(api: Api, content_id: str, token: str) -> dict[str, object]:
    piece: dict[str, object] = (await api.data(CONTENT, {"id": content_id}, token=token))["content"]
    return piece


async def test_subscribing_unlocks_the_paid_body_on_the_next_read(api: Api) -> None:
    w = await paywall(api)
    before = await read(api, w.paid_id, w.reader.token)
    assert (before["locked"], before["body"], before["access"]) == (True, "", "PAID")
    feed = (await api.data(FEED, token=w.reader.token))["feed"]["items"]
    assert [i["content"]["locked"] for i in feed if i["content"]["id"] == w.paid_id] == [True]
    # when
    await subscribe(api, w.reader, w.plan_id)
    # then: the next reads, of one piece and of the feed, carry the body
    after = await read(api, w.paid_id, w.reader.token)
    assert after["locked"] is False
    assert SECRET in str(after["body"])
    feed = (await api.data(FEED, token=w.reader.token))["feed"]["items"]
    assert [i["content"]["locked"] for i in feed if i["content"]["id"] == w.paid_id] == [False]


async def test_plans_and_tiers_narrow_the_readers_and_the_author_and_operators_read_everything(api: Api) -> None:
    w = await paywall(api)
    silver = await create_plan(api, w.community_id, name="Silver", price=1900)
    silver_only = (await publish_as(api, w.expert, access="PAID", planIds=[silver]))["id"]
    core_only = (await publish_as(api, w.expert, access="MEMBERS", minTier="CORE"))["id"]
    await subscribe(api, w.reader, w.plan_id)  # Gold
    # when
    reader = {i: await read(api, i, w.reader.token) for i in (w.paid_id, w.members_id, silver_only, core_only)}
    # then: a Gold subscriber reads any-plan PAID and MEMBERS pieces, not Silver's, nor a CORE piece as NEW
    assert {i: p["locked"] for i, p in reader.items()} == {
        w.paid_id: False,
        w.members_id: False,
        silver_only: True,
        core_only: True,
    }
    assert (reader[silver_only]["planIds"], reader[core_only]["minTier"]) == ([silver], "CORE")
    for member in (w.expert, w.operator):
        assert [(await read(api, i, member.token))["locked"] for i in (silver_only, core_only)] == [False, False]


async def test_partner_keys_read_public_bodies_only_and_previews_follow_the_settings(api: Api) -> None:
    w = await paywall(api)
    secret, _ = await create_key(api, w.operator, ["content:read"])
    # when
    edges = (await api.data(CONNECTION, token=secret))["contentConnection"]["edges"]
    # then: a partner key is not a member: MEMBERS and PAID pieces are teasers
    locked = {e["node"]["id"]: e["node"]["locked"] for e in edges}
    assert locked == {w.public_id: False, w.members_id: True, w.paid_id: True}
    assert all(e["node"]["preview"] and SECRET not in e["node"]["preview"] for e in edges)
    assert (await read(api, w.members_id, secret))["body"] == ""
    assert await api.error_code(CONTENT, {"id": w.public_id}) == "UNAUTHENTICATED"
    # a shorter automatic preview, then an excerpt written for the piece
    await api.data(SETTINGS, {"input": {"previewChars": 30}}, token=w.operator.token)
    assert len(str((await read(api, w.paid_id, w.reader.token))["preview"])) <= 31
    await api.data(EDIT, {"input": {"contentId": w.paid_id, "preview": "Ten tools, tested."}}, token=w.expert.token)
    assert (await read(api, w.paid_id, w.reader.token))["preview"] == "Ten tools, tested."


async def test_a_bad_requirement_is_refused_with_a_code_and_writes_nothing(api: Api) -> None:
    w = await paywall(api)
    member = await register(api, "demo", "bob")
    stored = count_documents(api.settings, "content", "content")
    publish = "mutation($input: PublishContentInput!) { publishContent(input: $input) { id } }"
    base = {"title": "T", "body": "B", "kind": "PGC"}
    unknown_plan = "5f0000000000000000000000"
    cases = [
        ({**base, "access": "PAID", "planIds": [unknown_plan]}, w.expert, "BAD_USER_INPUT", "planIds"),
        ({**base, "access": "MEMBERS", "planIds": [w.plan_id]}, w.expert, "BAD_USER_INPUT", "planIds"),
        ({**base, "access": "PUBLIC", "minTier": "CORE"}, w.expert, "BAD_USER_INPUT", "minTier"),
        ({**base, "access": "VIP"}, w.expert, "BAD_USER_INPUT", None),
        ({**base, "kind": "UGC", "access": "PAID"}, member, "FORBIDDEN", "access"),
    ]
    for payload, author, code, field in cases:
        errors = await api.errors(publish, {"input": payload}, token=author.token)
        assert errors[0]["extensions"]["code"] == code, payload
        if field is not None:
            assert errors[0]["extensions"]["field"] == field, payload
    revisions = count_documents(api.settings, "content", "revisions")
    edit = {"contentId": w.public_id, "access": "PAID", "planIds": [unknown_plan]}
    assert await api.error_code(EDIT, {"input": edit}, token=w.expert.token) == "BAD_USER_INPUT"
    assert count_documents(api.settings, "content", "content") == stored
    assert count_documents(api.settings, "content", "revisions") == revisions
    assert (await read(api, w.public_id, w.reader.token))["access"] == "PUBLIC"
