"""A parent's operators see their sub-communities side by side and rolled up, and each child's incubation."""

from __future__ import annotations

from typing import Any

from tests.factories import publish, register
from tests.integration.billing.helpers import PURCHASE, product
from tests.integration.partners.support import tenant

SUB_COMMUNITIES = """
query($c: ID) {
  subCommunities(communityId: $c) {
    targetDays incubated averageDaysTaken
    rollup { members publishedUgc revenueCents tiers { tier members } }
    children {
      slug
      figures { members publishedUgc revenueCents tiers { tier members } }
      incubation { complete daysTaken daysSoFar onTrack targetDays stage lifecycleStage items { key met } }
    }
  }
}
"""


async def test_parent_sees_each_child_and_their_sum_and_the_days_incubation_took(gateway_with: Any) -> None:
    async with gateway_with(STAGE_SEED_MEMBERS_TARGET=2, STAGE_KOC_SHARE_TARGET=0) as api:
        acme = await tenant(api, "acme")
        north = await tenant(api, "north", parent_id=acme.community_id)
        south = await tenant(api, "south", parent_id=acme.community_id)
        bob = await register(api, "north", "bob")
        await publish(api, bob, "Chain lube")
        course = await product(api, north.operator, price=5000)
        bought = await api.data(PURCHASE, {"i": {"productId": course, "idempotencyKey": "k1"}}, token=bob.token)
        assert bought["purchase"]["status"] == "SUCCEEDED"

        view = (await api.data(SUB_COMMUNITIES, token=acme.operator.token))["subCommunities"]
        refused = await api.error_code(SUB_COMMUNITIES, {"c": acme.community_id}, token=south.operator.token)

    by_slug = {c["slug"]: c for c in view["children"]}
    assert list(by_slug) == ["north", "south"]
    north_view, south_view = by_slug["north"], by_slug["south"]
    assert (north_view["figures"]["members"], north_view["figures"]["publishedUgc"]) == (2, 1)
    assert north_view["figures"]["revenueCents"] == 5000
    assert (south_view["figures"]["members"], south_view["figures"]["revenueCents"]) == (1, 0)
    assert view["rollup"]["members"] == 3
    assert (view["rollup"]["publishedUgc"], view["rollup"]["revenueCents"]) == (1, 5000)
    assert sum(t["members"] for t in view["rollup"]["tiers"]) == 3
    assert north_view["incubation"]["complete"] is True
    assert (north_view["incubation"]["daysTaken"], north_view["incubation"]["onTrack"]) == (0, True)
    unmet = {i["key"] for i in south_view["incubation"]["items"] if not i["met"]}
    assert unmet == {"contentFlowing", "firstRevenue", "launch:seedMembers"}
    assert south_view["incubation"]["daysTaken"] is None
    assert south_view["incubation"]["lifecycleStage"] == south_view["incubation"]["stage"] == "LAUNCH"
    assert (view["targetDays"], view["incubated"], view["averageDaysTaken"]) == (45, 1, 0.0)
    assert refused == "FORBIDDEN"  # a child's operator does not see the parent's children
