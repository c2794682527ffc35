"""Acquisition through the gateway: sign-up channels, CAC per channel, trial programs measured."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.factories import REGISTER, Api, create_community, create_plan, grant, publish, register

REPORT = """
query($c: ID) {
  acquisitionReport(communityId: $c) {
    signups spendCents cacCents ltvToCacHealthyAbove
    channels { channel signups spendCents cacCents avgLtvCents ltvToCac }
  }
}
"""
SPEND = "mutation($i: RecordAcquisitionSpendInput!) { recordAcquisitionSpend(input: $i) { channel amountCents } }"
CREATE = """
mutation($i: CreateTrialProgramInput!) { createTrialProgram(input: $i) { id kind durationDays enrolled } }
"""
JOIN = "mutation($i: JoinTrialProgramInput!) { joinTrialProgram(input: $i) { enrolled } }"
PROGRAMS = """
query($c: ID) {
  trialPrograms(communityId: $c) {
    kind enrolled ended converted conversionRate targetConversionRate retained retentionRate targetRetentionRate
  }
}
"""


async def _signup(api: Api, handle: str, channel: str | None) -> dict[str, Any]:
    payload: dict[str, Any] = {"communitySlug": "demo", "handle": handle, "displayName": handle}
    if channel:
        payload["channel"] = channel
    data = await api.data(REGISTER, {"input": payload})
    result: dict[str, Any] = data["registerUser"]
    return result


async def test_cac_per_channel_from_recorded_spend_and_signups(api: Api) -> None:
    cid = await create_community(api, "demo")
    for i in range(3):
        await _signup(api, f"s{i}", "SEARCH")
    await _signup(api, "social", "SOCIAL")
    await _signup(api, "unknown", None)
    spent_at = datetime.now(UTC).isoformat()
    await api.data(
        SPEND,
        {"i": {"communityId": cid, "channel": "SEARCH", "amountCents": 10_000, "currency": "cny", "spentAt": spent_at}},
        admin=True,
    )
    data = await api.data(REPORT, {"c": cid}, admin=True)
    report = data["acquisitionReport"]
    assert (report["signups"], report["spendCents"], report["cacCents"], report["ltvToCacHealthyAbove"]) == (
        5,
        10_000,
        2000,
        3.5,
    )
    assert report["channels"] == [
        {
            "channel": "SEARCH",
            "signups": 3,
            "spendCents": 10_000,
            "cacCents": 3333,
            "avgLtvCents": None,
            "ltvToCac": None,
        },
        {"channel": "SOCIAL", "signups": 1, "spendCents": 0, "cacCents": 0, "avgLtvCents": None, "ltvToCac": None},
        {
            "channel": "VERTICAL_FORUM",
            "signups": 0,
            "spendCents": 0,
            "cacCents": None,
            "avgLtvCents": None,
            "ltvToCac": None,
        },
        {"channel": "REFERRAL", "signups": 0, "spendCents": 0, "cacCents": None, "avgLtvCents": None, "ltvToCac": None},
        {"channel": "PARTNER", "signups": 0, "spendCents": 0, "cacCents": None, "avgLtvCents": None, "ltvToCac": None},
        {"channel": "OTHER", "signups": 1, "spendCents": 0, "cacCents": 0, "avgLtvCents": None, "ltvToCac": None},
    ]


async def test_register_without_channel_still_works(api: Api) -> None:
    await create_community(api, "demo")
    result = await _signup(api, "alice", None)
    assert result["user"]["tier"] == "NEW"


async def test_experience_camp_measures_conversion_against_the_playbook(api: Api) -> None:
    cid = await create_community(api, "demo")
    starts = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    data = await api.data(
        CREATE, {"i": {"communityId": cid, "kind": "EXPERIENCE_CAMP", "name": "Camp", "startsAt": starts}}, admin=True
    )
    program_id = data["createTrialProgram"]["id"]
    alice = await register(api, "demo", "alice")
    bob = await register(api, "demo", "bob")
    for member in (alice, bob):
        await api.data(JOIN, {"i": {"programId": program_id}}, token=member.token)
    plan_id = await create_plan(api, cid)
    await api.data(
        "mutation($i: SubscribeInput!) { subscribe(input: $i) { subscription { status } } }",
        {"i": {"planId": plan_id, "idempotencyKey": "k"}},
        token=alice.token,
    )
    data = await api.data(PROGRAMS, {"c": cid}, admin=True)
    assert data["trialPrograms"] == [
        {
            "kind": "EXPERIENCE_CAMP",
            "enrolled": 2,
            "ended": False,
            "converted": 1,
            "conversionRate": 0.5,
            "targetConversionRate": 0.193,
            "retained": 0,
            "retentionRate": None,
            "targetRetentionRate": None,
        }
    ]


async def test_growth_plan_measures_retention_after_it_ends(api: Api) -> None:
    cid = await create_community(api, "demo")
    starts = (datetime.now(UTC) - timedelta(days=30)).isoformat()
    data = await api.data(
        CREATE, {"i": {"communityId": cid, "kind": "GROWTH_PLAN", "name": "Plan", "startsAt": starts}}, admin=True
    )
    program_id = data["createTrialProgram"]["id"]
    alice = await register(api, "demo", "alice")
    bob = await register(api, "demo", "bob")
    for member in (alice, bob):
        await api.data(JOIN, {"i": {"programId": program_id}}, token=member.token)
    content_id = await publish(api, bob, "post")
    await api.data(
        "mutation($i: RecordEventInput!) { recordEvent(input: $i) { ok } }",
        {"i": {"contentId": content_id, "type": "CLICK"}},
        token=alice.token,
    )
    data = await api.data(PROGRAMS, {"c": cid}, admin=True)
    program = data["trialPrograms"][0]
    assert (program["ended"], program["retained"], program["retentionRate"], program["targetRetentionRate"]) == (
        True,
        1,
        0.5,
        0.41,
    )


async def test_joining_a_program_twice_is_a_conflict(api: Api) -> None:
    cid = await create_community(api, "demo")
    starts = datetime.now(UTC).isoformat()
    data = await api.data(
        CREATE, {"i": {"communityId": cid, "kind": "EXPERIENCE_CAMP", "name": "Camp", "startsAt": starts}}, admin=True
    )
    alice = await register(api, "demo", "alice")
    await api.data(JOIN, {"i": {"programId": data["createTrialProgram"]["id"]}}, token=alice.token)
    code = await api.error_code(JOIN, {"i": {"programId": data["createTrialProgram"]["id"]}}, token=alice.token)
    assert code == "CONFLICT"


async def test_acquisition_and_revenue_reports_give_one_cac(api: Api) -> None:
    cid = await create_community(api, "demo")
    operator = await register(api, "demo", "op")
    await grant(api, cid, "op", "OPERATOR")
    payer = await _signup(api, "s0", "SEARCH")
    for i in (1, 2):
        await _signup(api, f"s{i}", "SEARCH")
    spend = {"communityId": cid, "channel": "SEARCH", "amountCents": 10_000, "currency": "cny"}
    await api.data(SPEND, {"i": {**spend, "spentAt": datetime.now(UTC).isoformat()}}, admin=True)
    subscribe = "mutation($i: SubscribeInput!) { subscribe(input: $i) { subscription { status } } }"
    plan = {"planId": await create_plan(api, cid), "idempotencyKey": "k"}
    await api.data(subscribe, {"i": plan}, token=payer["token"])
    acquisition = (await api.data(REPORT, {"c": cid}, admin=True))["acquisitionReport"]
    period = datetime.now(UTC).strftime("%Y-%m")
    revenue = "query($p: String!) { revenueReport(period: $p) { cacCents } }"
    billing = (await api.data(revenue, {"p": period}, token=operator.token))["revenueReport"]
    # One definition: 10,000 spent ÷ 4 members who joined (not ÷ the 1 new payer).
    assert (acquisition["cacCents"], billing["cacCents"]) == (2500, 2500)
