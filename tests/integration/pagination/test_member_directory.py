"""The operators' member directory (membersConnection's filters) and members' public profiles of each other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from composition.topology import Topology
from tests.factories import REGISTER, Api, register
from tests.integration.partners.support import tenant
from users_service.schemas import MemberImportBatch

DIRECTORY = """
query($search: String, $tier: Tier, $layer: RfmLayer, $channel: AcquisitionChannel, $after: DateTime,
      $before: DateTime, $first: Int, $cursor: String) {
  membersConnection(search: $search, tier: $tier, rfmLayer: $layer, channel: $channel, joinedAfter: $after,
                    joinedBefore: $before, first: $first, after: $cursor) {
    totalCount edges { node { handle } } pageInfo { hasNextPage endCursor }
  }
}
"""
PROFILE = "query($h: String!) { memberProfile(handle: $h) { handle displayName tier roles joinedAt } }"
START = datetime(2021, 3, 1, tzinfo=UTC)


async def _community(api: Api) -> str:
    """An operator `acme-op`, eight imported members (two of them KOCs, joined a month apart) and a member
    who came through search."""
    acme = await tenant(api, "acme")
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    rows = [
        {
            "sourceId": f"s{i}",
            "handle": f"rider{i}" if i % 2 else f"wheel{i}",
            "displayName": "Mountain Goat" if i == 3 else f"Member {i}",
            "joinedAt": (START + timedelta(days=30 * i)).isoformat(),
            **({"tier": "KOC"} if i in (1, 2) else {}),
        }
        for i in range(8)
    ]
    await services.users.import_members(
        acme.community_id, MemberImportBatch.model_validate({"source": "se", "members": rows})
    )
    payload = {"communitySlug": "acme", "handle": "searcher", "displayName": "S", "channel": "SEARCH"}
    await api.data(REGISTER, {"input": payload})
    return acme.operator.token


async def _handles(api: Api, token: str, **variables: Any) -> tuple[list[str], int]:
    connection = (await api.data(DIRECTORY, variables, token=token))["membersConnection"]
    return [edge["node"]["handle"] for edge in connection["edges"]], connection["totalCount"]


async def test_operators_filter_the_directory(api: Api) -> None:
    operator = await _community(api)
    # handle prefix, any case; part of a display name
    assert await _handles(api, operator, search="RIDER") == (["rider7", "rider5", "rider3", "rider1"], 4)
    assert await _handles(api, operator, search="goat") == (["rider3"], 1)
    # tier, channel, join dates; filters combine
    assert await _handles(api, operator, tier="KOC") == (["wheel2", "rider1"], 2)
    assert await _handles(api, operator, channel="SEARCH") == (["searcher"], 1)
    window = {"after": (START + timedelta(days=60)).isoformat(), "before": (START + timedelta(days=120)).isoformat()}
    assert await _handles(api, operator, **window) == (["rider3", "wheel2"], 2)
    assert await _handles(api, operator, search="wheel", **window) == (["wheel2"], 1)
    # never scored: every member is in the base layer
    assert (await _handles(api, operator, layer="BASE"))[1] == 10
    assert await _handles(api, operator, layer="CORE") == ([], 0)


async def test_a_filtered_directory_pages_with_cursors(api: Api) -> None:
    operator = await _community(api)
    first, total = await _handles(api, operator, search="ri", first=3)
    connection = (await api.data(DIRECTORY, {"search": "ri", "first": 3}, token=operator))["membersConnection"]
    rest = (
        await api.data(
            DIRECTORY, {"search": "ri", "first": 3, "cursor": connection["pageInfo"]["endCursor"]}, token=operator
        )
    )["membersConnection"]
    # then: rider7, rider5, rider3 | rider1 (the handle prefix "ri"; no display name holds it)
    assert (first, total) == (["rider7", "rider5", "rider3"], 4)
    assert [e["node"]["handle"] for e in rest["edges"]] == ["rider1"]
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_bad_directory_input_is_refused(api: Api) -> None:
    operator = await _community(api)
    errors = await api.errors(
        DIRECTORY, {"after": "2022-01-01T00:00:00Z", "before": "2021-01-01T00:00:00Z"}, token=operator
    )
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    member = await register(api, "acme", "plain")
    assert await api.error_code(DIRECTORY, {"search": "rider"}, token=member.token) == "FORBIDDEN"


async def test_members_read_each_others_public_profiles_only(api: Api) -> None:
    await _community(api)
    member = await register(api, "acme", "plain")
    profile = (await api.data(PROFILE, {"h": "RIDER1"}, token=member.token))["memberProfile"]
    assert profile == {
        "handle": "rider1",
        "displayName": "Member 1",
        "tier": "KOC",
        "roles": ["MEMBER"],
        "joinedAt": profile["joinedAt"],
    }
    assert datetime.fromisoformat(profile["joinedAt"]) == START + timedelta(days=30)
    assert await api.error_code(PROFILE, {"h": "nobody"}, token=member.token) == "NOT_FOUND"
    assert await api.error_code(PROFILE, {"h": "rider1"}) == "UNAUTHENTICATED"
    # no field of a profile can carry an address or a password
    fields = {
        f["name"] for f in (await api.data('{ __type(name: "MemberProfile") { fields { name } } }'))["__type"]["fields"]
    }
    assert fields == {"id", "handle", "displayName", "roles", "tier", "joinedAt"}
