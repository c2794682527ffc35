"""Health indicators on an imported (Stack Exchange) community: computed out of the box, as the admin."""

from __future__ import annotations

from pathlib import Path

from tests.factories import Api
from tests.importers.test_stackexchange_import import SLUG, run_import, write_dump

COMPUTE = "mutation($c: ID) { computeHealthIndicators(communityId: $c) { key value status } }"
SECONDARY = "query($c: ID) { healthIndicators(level: SECONDARY, communityId: $c) { key value status } }"
COMMUNITY = "query($s: String!) { community(slug: $s) { id } }"


async def test_an_imported_community_is_measured(api: Api, tmp_path: Path) -> None:
    await run_import(api, write_dump(tmp_path / "dump"))
    cid = (await api.data(COMMUNITY, {"s": SLUG}))["community"]["id"]
    primary = (await api.data(COMPUTE, {"c": cid}, admin=True))["computeHealthIndicators"]
    secondary = (await api.data(SECONDARY, {"c": cid}, admin=True))["healthIndicators"]
    assert (len(primary), len(secondary)) == (12, 38)
    rows = {r["key"]: r for r in primary + secondary}
    # The dump's activity is years old: nobody engaged in the last 90 days, nothing published in W.
    assert rows["dormantShare"] == {"key": "dormantShare", "value": 1.0, "status": "CRITICAL"}
    assert rows["publishingFrequency"]["value"] == 0.0
    assert rows["stickiness"]["status"] == "NO_DATA"  # no engaged member to divide by
    assert rows["expertPanelSize"]["value"] == 1.0  # the import's expert rule made one expert
