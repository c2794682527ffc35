"""Readers see PUBLISHED and ARCHIVED pieces only; the author and operators see every status."""

from __future__ import annotations

import pytest

from tests.factories import Api, register
from tests.integration.content.support import world

CREATE = "mutation($input: CreateContentInput!) { createContent(input: $input) { id } }"
CONTENT = "query($id: ID!) { content(id: $id) { id status } }"
COST = "query($id: ID!) { content(id: $id) { productionCostMinor } }"
READS = {
    "contentRevisions": "query($id: ID!) { contentRevisions(contentId: $id) { number } }",
    "comments": "query($id: ID!) { comments(contentId: $id) { id } }",
    "bulletComments": "query($id: ID!) { bulletComments(contentId: $id) { id } }",
    "contentVotes": "query($id: ID!) { contentVotes(contentId: $id) { up } }",
    "content": CONTENT,
}


async def _draft(api: Api, token: str) -> str:
    data = await api.data(CREATE, {"input": {"title": "T", "body": "B", "draft": True}}, token=token)
    content_id: str = data["createContent"]["id"]
    return content_id


@pytest.mark.parametrize("field", sorted(READS))
async def test_another_member_cannot_read_a_draft(api: Api, field: str) -> None:
    w = await world(api)
    bob = await register(api, "demo", "bob")
    draft = await _draft(api, w.member.token)
    assert await api.error_code(READS[field], {"id": draft}, token=bob.token) == "NOT_FOUND"


async def test_the_author_and_an_operator_read_a_draft(api: Api) -> None:
    w = await world(api)
    draft = await _draft(api, w.member.token)
    mine = (await api.data(CONTENT, {"id": draft}, token=w.member.token))["content"]
    theirs = (await api.data(CONTENT, {"id": draft}, token=w.operator.token))["content"]
    assert (mine["status"], theirs["status"]) == ("DRAFT", "DRAFT")


async def test_production_cost_is_shown_to_operators_only(api: Api) -> None:
    w = await world(api)
    created = await api.data(
        CREATE, {"input": {"title": "T", "body": "B", "productionCostMinor": 5000}}, token=w.member.token
    )
    cid = created["createContent"]["id"]
    as_member = (await api.data(COST, {"id": cid}, token=w.member.token))["content"]["productionCostMinor"]
    as_operator = (await api.data(COST, {"id": cid}, token=w.operator.token))["content"]["productionCostMinor"]
    assert (as_member, as_operator) == (None, 5000)
