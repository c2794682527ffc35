"""Certificate rewards as PDF through the gateway: the member's Chinese name in the text layer; theirs only."""

from __future__ import annotations

import base64

import pypdfium2 as pdfium

from tests.factories import REGISTER, Api, register
from tests.integration.campaigns.helpers import CHECK_IN, CLAIM, claim_vars, community_with_operator, create_campaign

CERTIFICATE = "query($r: ID!) { campaignCertificate(rewardId: $r) { filename contentBase64 } }"


async def test_a_certificate_prints_the_members_chinese_name_and_is_theirs_only(api: Api) -> None:
    # given a member with a Chinese name who completed a task rewarded with a certificate
    _, operator = await community_with_operator(api)
    signup = {"communitySlug": "demo", "handle": "wang", "displayName": "王小明"}
    wang = (await api.data(REGISTER, {"input": signup}))["registerUser"]
    tasks = [{"kind": "CHECK_IN_STREAK", "title": "连续打卡", "reward": {"kind": "CERTIFICATE"}}]
    campaign = await create_campaign(api, operator, tasks, budget=0)
    await api.data(CHECK_IN, {"i": {"campaignId": campaign["id"]}}, token=wang["token"])
    claimed = await api.data(CLAIM, claim_vars(campaign["id"], "t1"), token=wang["token"])
    reward_id = claimed["claimCampaignTask"]["reward"]["id"]
    # when wang downloads it, then its text layer holds his name and the task
    pdf = (await api.data(CERTIFICATE, {"r": reward_id}, token=wang["token"]))["campaignCertificate"]
    text = pdfium.PdfDocument(base64.b64decode(pdf["contentBase64"]))[0].get_textpage().get_text_range()
    assert "王小明 (@wang)" in text
    assert "连续打卡" in text
    # and another member is told it does not exist
    bob = await register(api, "demo", "bob")
    assert await api.error_code(CERTIFICATE, {"r": reward_id}, token=bob.token) == "NOT_FOUND"
