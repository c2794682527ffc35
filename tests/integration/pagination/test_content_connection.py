"""contentConnection pages every published piece of a community, newest first, on keyset cursors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from composition.topology import Topology
from content_service.schemas import ContentImportBatch
from tests.factories import Api, Member, create_community, publish, register

PAGE = """
query($first: Int, $after: String, $tag: String) {
  contentConnection(first: $first, after: $after, tag: $tag) {
    totalCount
    edges { cursor node { id title } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
START = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def _services(api: Api) -> Topology:
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    return services


def _rows(count: int, *, prefix: str, tags: list[str] | None = None, parent_id: str | None = None) -> list[Any]:
    # Three items share each published_at, so that ties are paged by id.
    return [
        {
            "sourceId": f"{prefix}{i}",
            "kind": "UGC",
            "title": f"{prefix}{i}",
            "body": "imported",
            "tags": tags or [],
            "createdAt": START + timedelta(minutes=i // 3),
            "parentId": parent_id,
        }
        for i in range(count)
    ]


async def _import(api: Api, community_id: str, rows: list[Any]) -> list[str]:
    batch = ContentImportBatch.model_validate({"source": "forum", "items": rows})
    result = await _services(api).content.import_content(community_id, batch)
    return [item.id for item in result.items if item.id]


async def _read_all(api: Api, member: Member, *, first: int, between: Any = None, **variables: Any) -> list[str]:
    seen: list[str] = []
    after = None
    while True:
        page = await api.data(PAGE, {"first": first, "after": after, **variables}, token=member.token)
        connection = page["contentConnection"]
        seen += [edge["node"]["id"] for edge in connection["edges"]]
        if between is not None:
            await between()
        if not connection["pageInfo"]["hasNextPage"]:
            return seen
        after = connection["pageInfo"]["endCursor"]
        assert after == connection["edges"][-1]["cursor"]


async def test_pages_through_more_than_a_hundred_items_with_ties_and_answers(api: Api) -> None:
    cid = await create_community(api, "forum")
    alice = await register(api, "forum", "alice")
    questions = await _import(api, cid, _rows(110, prefix="q"))
    answers = await _import(api, cid, _rows(12, prefix="a", parent_id=questions[0]))
    drafts = _rows(3, prefix="d")
    for row in drafts:
        row["status"] = "DRAFT"
    await _import(api, cid, drafts)

    seen = await _read_all(api, alice, first=25)

    assert len(seen) == len(set(seen)) == 122
    assert set(seen) == set(questions) | set(answers)


async def test_items_published_while_paging_neither_duplicate_nor_hide_older_ones(api: Api) -> None:
    cid = await create_community(api, "forum")
    alice = await register(api, "forum", "alice")
    before = await _import(api, cid, _rows(105, prefix="q"))
    published: list[str] = []

    async def publish_one() -> None:
        published.append(await publish(api, alice, f"fresh {len(published)}"))

    seen = await _read_all(api, alice, first=20, between=publish_one)

    assert len(seen) == len(set(seen))
    assert set(before) <= set(seen)
    assert set(seen) - set(before) <= set(published)


async def test_first_page_is_newest_first_and_counts_every_piece(api: Api) -> None:
    await create_community(api, "forum")
    alice = await register(api, "forum", "alice")
    older = await publish(api, alice, "older")
    newer = await publish(api, alice, "newer")

    page = (await api.data(PAGE, {"first": 1}, token=alice.token))["contentConnection"]

    assert [e["node"]["id"] for e in page["edges"]] == [newer]
    assert page["totalCount"] == 2
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await api.data(PAGE, {"first": 5, "after": page["pageInfo"]["endCursor"]}, token=alice.token)
    assert [e["node"]["id"] for e in rest["contentConnection"]["edges"]] == [older]
    assert rest["contentConnection"]["pageInfo"] == {
        "hasNextPage": False,
        "endCursor": rest["contentConnection"]["edges"][0]["cursor"],
    }


async def test_tag_narrows_the_connection(api: Api) -> None:
    cid = await create_community(api, "forum")
    alice = await register(api, "forum", "alice")
    tyres = await _import(api, cid, _rows(7, prefix="t", tags=["tyres"]))
    await _import(api, cid, _rows(5, prefix="o", tags=["other"]))

    seen = await _read_all(api, alice, first=3, tag="tyres")

    assert sorted(seen) == sorted(tyres)


async def test_another_communitys_items_never_appear(api: Api) -> None:
    await create_community(api, "forum")
    other = await create_community(api, "other")
    alice = await register(api, "forum", "alice")
    await _import(api, other, _rows(4, prefix="x"))

    page = (await api.data(PAGE, {"first": 10}, token=alice.token))["contentConnection"]

    assert page == {"totalCount": 0, "edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}


async def test_forged_cursor_is_bad_input(api: Api) -> None:
    await create_community(api, "forum")
    alice = await register(api, "forum", "alice")

    errors = await api.errors(PAGE, {"first": 10, "after": "not-a-cursor"}, token=alice.token)

    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}


async def test_page_size_over_a_hundred_is_bad_input(api: Api) -> None:
    await create_community(api, "forum")
    alice = await register(api, "forum", "alice")

    errors = await api.errors(PAGE, {"first": 101}, token=alice.token)

    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
