"""communityStage through the gateway: stage by age, each KPI's target, actual and gap."""

from __future__ import annotations

from tests.factories import Api, create_community, grant, publish, register

STAGE = "{ communityStage { stage months kpis { key stage target actual gap met } } }"


async def test_new_community_is_in_launch_with_launch_kpis_first(api: Api) -> None:
    cid = await create_community(api, "demo")
    op = await register(api, "demo", "op")
    await grant(api, cid, "op", "OPERATOR")
    await grant(api, cid, "op", "EXPERT")
    alice = await register(api, "demo", "alice")
    await publish(api, op, "guide", kind="PGC")
    for i in range(3):
        await publish(api, alice, f"note {i}")
    await api.data(
        "mutation($i: CreateCommunityInput!) { createCommunity(input: $i) { id } }",
        {"i": {"slug": "sub", "name": "Sub", "parentId": cid}},
        admin=True,
    )
    data = await api.data(STAGE, token=op.token)
    assert data["communityStage"] == {
        "stage": "LAUNCH",
        "months": 0,
        "kpis": [
            {"key": "seedMembers", "stage": "LAUNCH", "target": 5000.0, "actual": 2.0, "gap": -4998.0, "met": False},
            {"key": "kocShare", "stage": "LAUNCH", "target": 0.3, "actual": 0.0, "gap": -0.3, "met": False},
            {"key": "mau", "stage": "GROWTH", "target": 100000.0, "actual": 0.0, "gap": -100000.0, "met": False},
            {"key": "contentMixPgc", "stage": "GROWTH", "target": 0.6, "actual": 0.25, "gap": -0.35, "met": False},
            {"key": "contentMixUgc", "stage": "GROWTH", "target": 0.35, "actual": 0.75, "gap": 0.4, "met": True},
            {
                "key": "contentMixCommercial",
                "stage": "GROWTH",
                "target": 0.05,
                "actual": 0.0,
                "gap": -0.05,
                "met": False,
            },
            {
                "key": "funnelConversion",
                "stage": "MATURITY",
                "target": 0.127,
                "actual": 0.0,
                "gap": -0.127,
                "met": False,
            },
            {
                "key": "governanceCommittee",
                "stage": "MATURITY",
                "target": 500.0,
                "actual": 0.0,
                "gap": -500.0,
                "met": False,
            },
            {"key": "subCommunities", "stage": "EXPANSION", "target": 1.0, "actual": 1.0, "gap": 0.0, "met": True},
        ],
    }


async def test_plain_member_cannot_read_the_stage(api: Api) -> None:
    await create_community(api, "demo")
    alice = await register(api, "demo", "alice")
    assert await api.error_code(STAGE, token=alice.token) == "FORBIDDEN"
