"""membersConnection pages every member of a community, newest joined first, on the shared keyset helper."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from composition.topology import Topology
from tests.factories import Api, register
from tests.integration.partners.support import create_key, tenant
from users_service.schemas import MemberImportBatch

PAGE = """
query($first: Int, $after: String) {
  membersConnection(first: $first, after: $after) {
    totalCount
    edges { cursor node { id handle } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
START = datetime(2023, 5, 1, tzinfo=UTC)


async def _import_members(api: Api, community_id: str, count: int) -> list[str]:
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    # Four members share each join instant, so that ties are paged by id.
    rows = [
        {"sourceId": f"m{i}", "handle": f"m{i}", "displayName": f"M {i}", "joinedAt": START + timedelta(hours=i // 4)}
        for i in range(count)
    ]
    batch = MemberImportBatch.model_validate({"source": "forum", "members": rows})
    result = await services.users.import_members(community_id, batch)
    return [item.id for item in result.items if item.id]


async def _read_all(api: Api, token: str, *, first: int) -> tuple[list[str], int]:
    seen: list[str] = []
    after: Any = None
    while True:
        connection = (await api.data(PAGE, {"first": first, "after": after}, token=token))["membersConnection"]
        seen += [edge["node"]["id"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            return seen, connection["totalCount"]
        after = connection["pageInfo"]["endCursor"]


async def test_operator_pages_through_every_member_once(api: Api) -> None:
    acme = await tenant(api, "acme")
    imported = await _import_members(api, acme.community_id, 130)

    seen, total = await _read_all(api, acme.operator.token, first=40)

    assert len(seen) == len(set(seen)) == total == 131
    assert set(imported) | {acme.operator.id} == set(seen)


async def test_key_with_members_read_pages_members(api: Api) -> None:
    acme = await tenant(api, "acme")
    await _import_members(api, acme.community_id, 5)
    secret, _ = await create_key(api, acme.operator, ["members:read"])

    seen, total = await _read_all(api, secret, first=2)

    assert len(set(seen)) == total == 6


async def test_plain_member_is_refused(api: Api) -> None:
    await tenant(api, "acme")
    bob = await register(api, "acme", "bob")

    code = await api.error_code(PAGE, {"first": 5}, token=bob.token)

    assert code == "FORBIDDEN"
