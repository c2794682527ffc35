"""Early access through the gateway: during a piece's window only layers whose treatment grants EARLY_ACCESS (CORE
by default) read it in full, everyone else the teaser; the window's end or an operator's treatment opens it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.factories import Api, count_documents, register
from tests.integration.content.paywall_support import SECRET, paywall, publish_as
from tests.integration.treatments_support import set_layer

CONTENT = "query($id: ID!) { content(id: $id) { body locked preview earlyAccessUntil } }"
FEED = "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 20) { items { content { id body locked } } } }"
EDIT = "mutation($input: EditContentInput!) { editContent(input: $input) { revision } }"
CONFIGURE = "mutation($input: ConfigureMemberValueInput!) { configureMemberValue(input: $input) { coreShare } }"


def _at(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


async def _locked(api: Api, content_id: str, token: str) -> bool:
    piece = (await api.data(CONTENT, {"id": content_id}, token=token))["content"]
    assert (piece["body"] == "") is piece["locked"]
    assert piece["preview"]
    return bool(piece["locked"])


async def test_the_core_layer_reads_early_pieces_in_full_others_the_teaser_until_the_window_ends(api: Api) -> None:
    w = await paywall(api)
    core = await register(api, "demo", "cora")
    set_layer(api, [core], "CORE")
    early = (await publish_as(api, w.expert, earlyAccessUntil=_at(2)))["id"]
    # when / then: a BASE member gets the teaser (also in the feed), the core member, author and operator the body
    assert await _locked(api, early, w.reader.token)
    feed = (await api.data(FEED, token=w.reader.token))["feed"]["items"]
    assert [(i["content"]["locked"], i["content"]["body"]) for i in feed if i["content"]["id"] == early] == [(True, "")]
    for member in (core, w.expert, w.operator):
        piece = (await api.data(CONTENT, {"id": early}, token=member.token))["content"]
        assert piece["locked"] is False
        assert SECRET in piece["body"]
    # when: the window ends (the author ends it now), then the PUBLIC piece opens to everyone
    await api.data(EDIT, {"input": {"contentId": early, "earlyAccessUntil": _at(-0.01)}}, token=w.expert.token)
    assert not await _locked(api, early, w.reader.token)


async def test_an_operator_granting_early_access_to_the_base_layer_opens_the_window_to_it(api: Api) -> None:
    w = await paywall(api)
    early = (await publish_as(api, w.expert, earlyAccessUntil=_at(2)))["id"]
    assert await _locked(api, early, w.reader.token)
    treatment = {"layer": "BASE", "summary": "Everyone first", "perks": ["STANDARD_CONTENT", "EARLY_ACCESS"]}
    # when
    await api.data(CONFIGURE, {"input": {"treatments": [treatment]}}, token=w.operator.token)
    # then: the next read unlocks (a kept answer may only unlock), and the early PAID piece stays paid
    assert not await _locked(api, early, w.reader.token)
    paid_early = (await publish_as(api, w.expert, access="PAID", earlyAccessUntil=_at(2)))["id"]
    assert await _locked(api, paid_early, w.reader.token)


async def test_a_past_or_too_distant_window_is_refused_and_writes_nothing(api: Api) -> None:
    w = await paywall(api)
    before = count_documents(api.settings, "content", "content")
    for until in (_at(-1), _at(24 * 400)):
        errors = await api.errors(
            "mutation($input: PublishContentInput!) { publishContent(input: $input) { id } }",
            {"input": {"title": "t", "body": "b", "earlyAccessUntil": until}},
            token=w.expert.token,
        )
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert errors[0]["extensions"].get("field") == "earlyAccessUntil"
    assert count_documents(api.settings, "content", "content") == before
