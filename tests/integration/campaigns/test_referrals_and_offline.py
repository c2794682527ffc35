"""Referrals and offline events through the gateway: attribution rewards the referrer, a signed QR token checks
a registered member in on site, and the funnel counts warm-up viewers, registrations and attendees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.factories import Api, publish, register
from tests.integration.campaigns.helpers import CLAIM, cash, claim_vars, community_with_operator, create_campaign

LINK = "query($c: ID!) { campaignReferralLink(campaignId: $c) { code } }"
ATTRIBUTE = """
mutation($i: AttributeCampaignReferralInput!) { attributeCampaignReferral(input: $i) { referral { referrerId } } }
"""
RECORD = "mutation($i: RecordEventInput!) { recordEvent(input: $i) { ok } }"
CREATE_EVENT = "mutation($i: CreateOfflineEventInput!) { createOfflineEvent(input: $i) { event { id } } }"
REGISTER_EVENT = """
mutation($i: RegisterOfflineEventInput!) { registerOfflineEvent(input: $i) { attendance { qrToken checkedInAt } } }
"""
SCAN = """
mutation($i: CheckInOfflineEventInput!) { checkInOfflineEvent(input: $i) { attendance { memberId checkedInAt } } }
"""
FUNNEL = """
query($e: ID!) {
  offlineEventFunnel(eventId: $e) { warmupViewers registered attendees retained72h attendanceRate }
}
"""


async def test_a_referral_is_attributed_once_and_rewards_the_referrer(api: Api) -> None:
    # given bob's referral code for a campaign whose task is one invite
    _, operator = await community_with_operator(api)
    bob = await register(api, "demo", "bob")
    tasks = [{"kind": "INVITE", "title": "Invite a friend", "reward": cash(1_000)}]
    campaign = await create_campaign(api, operator, tasks, budget=10_000)
    code = (await api.data(LINK, {"c": campaign["id"]}, token=bob.token))["campaignReferralLink"]["code"]
    # the task is refused before anyone came through the link
    assert await api.error_code(CLAIM, claim_vars(campaign["id"], "t1"), token=bob.token) == "BAD_USER_INPUT"
    # when carol joins and names the code (twice), then she is attributed to bob once
    carol = await register(api, "demo", "carol")
    answer = await api.data(ATTRIBUTE, {"i": {"code": code}}, token=carol.token)
    assert answer["attributeCampaignReferral"]["referral"]["referrerId"] == bob.id
    assert await api.error_code(ATTRIBUTE, {"i": {"code": code}}, token=carol.token) == "CONFLICT"
    # a forged code and self-referral are refused
    assert await api.error_code(ATTRIBUTE, {"i": {"code": code[:-2] + "AA"}}, token=carol.token) == "BAD_USER_INPUT"
    assert await api.error_code(ATTRIBUTE, {"i": {"code": code}}, token=bob.token) == "BAD_USER_INPUT"
    # then bob's invite task pays, held for the holding period
    reward = (await api.data(CLAIM, claim_vars(campaign["id"], "t1"), token=bob.token))["claimCampaignTask"]
    assert (reward["reward"]["state"], reward["reward"]["amountCents"]) == ("HELD", 1_000)
    assert reward["reward"]["releasableAt"] is not None


async def test_an_offline_event_checks_in_by_signed_qr_token_and_counts_its_funnel(api: Api) -> None:
    # given an offline event warmed up by a post, and a campaign task to attend it
    _, operator = await community_with_operator(api)
    bob = await register(api, "demo", "bob")
    warmup = await publish(api, operator, "See you there")
    tasks = [{"kind": "ATTEND", "title": "Come", "reward": {"kind": "PRIZE", "prizeName": "T-shirt"}}]
    campaign = await create_campaign(api, operator, tasks, budget=0)
    now = datetime.now(UTC)
    event_in = {
        "campaignId": campaign["id"],
        "title": "Meetup",
        "venue": "上海",
        "startsAt": (now + timedelta(hours=1)).isoformat(),
        "endsAt": (now + timedelta(hours=3)).isoformat(),
        "warmupContentId": warmup,
    }
    event_id = (await api.data(CREATE_EVENT, {"i": event_in}, token=operator.token))["createOfflineEvent"]["event"][
        "id"
    ]
    # when bob watches the warm-up and registers, then he holds a QR token
    await api.data(RECORD, {"i": {"contentId": warmup, "type": "OPEN"}}, token=bob.token)
    registration = await api.data(REGISTER_EVENT, {"i": {"eventId": event_id}}, token=bob.token)
    token = registration["registerOfflineEvent"]["attendance"]["qrToken"]
    assert await api.error_code(CLAIM, claim_vars(campaign["id"], "t1"), token=bob.token) == "BAD_USER_INPUT"
    # a forged token is refused; a member cannot scan; the real one checks bob in
    assert await api.error_code(SCAN, {"i": {"qrToken": token[:-2] + "AA"}}, token=operator.token) == "BAD_USER_INPUT"
    assert await api.error_code(SCAN, {"i": {"qrToken": token}}, token=bob.token) == "FORBIDDEN"
    scanned = (await api.data(SCAN, {"i": {"qrToken": token}}, token=operator.token))["checkInOfflineEvent"]
    assert scanned["attendance"]["memberId"] == bob.id
    assert scanned["attendance"]["checkedInAt"] is not None
    # then the funnel counts him at every step reached, and his attend task grants the prize
    funnel = (await api.data(FUNNEL, {"e": event_id}, token=operator.token))["offlineEventFunnel"]
    assert funnel == {"warmupViewers": 1, "registered": 1, "attendees": 1, "retained72h": None, "attendanceRate": 1.0}
    prize = (await api.data(CLAIM, claim_vars(campaign["id"], "t1"), token=bob.token))["claimCampaignTask"]
    assert (prize["reward"]["kind"], prize["reward"]["fulfilment"]) == ("PRIZE", "PENDING")
