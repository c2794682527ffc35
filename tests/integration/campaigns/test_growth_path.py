"""The growth path through the gateway: a campaign reserved for GROWTH_PATH takes the members whose layer's
treatment grants it (ACTIVATED by default), refuses the others with a code and writes nothing for them."""

from __future__ import annotations

from typing import Any

from tests.factories import Api, count_documents, register
from tests.integration.campaigns.helpers import CHECK_IN, CLAIM, claim_vars, community_with_operator, create_campaign
from tests.integration.treatments_support import set_layer

CAMPAIGN = "query($id: ID!) { campaign(id: $id) { perk } }"


async def test_growth_path_tasks_are_for_the_activated_layer_only(api: Api) -> None:
    _, operator = await community_with_operator(api)
    base, activated = await register(api, "demo", "bea"), await register(api, "demo", "ava")
    set_layer(api, [activated], "ACTIVATED")
    task: dict[str, Any] = {"kind": "CHECK_IN_STREAK", "title": "Day one", "reward": {"kind": "POINTS", "points": 50}}
    campaign = await create_campaign(api, operator, [task], budget=0, perk="GROWTH_PATH")
    check_in = {"i": {"campaignId": campaign["id"]}}
    # when
    refused = await api.errors(CHECK_IN, check_in, token=base.token)
    refused_claim = await api.errors(CLAIM, claim_vars(campaign["id"], "t1"), token=base.token)
    participants = count_documents(api.settings, "users", "campaign_participants")
    await api.data(CHECK_IN, check_in, token=activated.token)
    reward = (await api.data(CLAIM, claim_vars(campaign["id"], "t1"), token=activated.token))["claimCampaignTask"]
    # then: the base member is refused (coded, nothing written); the activated member checks in and is rewarded
    assert [e["extensions"]["code"] for e in refused + refused_claim] == ["FORBIDDEN", "FORBIDDEN"]
    assert participants == 0
    assert reward["reward"]["points"] == 50
    assert (await api.data(CAMPAIGN, {"id": campaign["id"]}, token=operator.token))["campaign"]["perk"] == "GROWTH_PATH"
